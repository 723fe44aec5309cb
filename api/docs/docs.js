/*
 * api/docs/docs.js: starts Swagger UI on this server's /openapi.json for the /docs page.
 *
 * "Try it out" is on for every operation and calls this same server. Signing in there
 * (POST /v1/auth/token) authorizes every later call with the access token it returned;
 * a token can also be pasted under "Authorize". The token stays in this page's memory:
 * never in localStorage (persistAuthorization off), gone on reload.
 */
"use strict";

window.addEventListener("DOMContentLoaded", function () {
    var ui = SwaggerUIBundle({
        url: "/openapi.json",
        dom_id: "#docs",
        layout: "BaseLayout",
        deepLinking: true,
        filter: true,
        tryItOutEnabled: true,
        persistAuthorization: false,
        displayRequestDuration: true,
        validatorUrl: null,
        responseInterceptor: function (res) {
            if (res.ok && /\/v1\/auth\/token$/.test(res.url) && res.obj && typeof res.obj.access_token === "string") {
                ui.preauthorizeApiKey("bearer", res.obj.access_token);
            }
            return res;
        }
    });
    window.ui = ui;
});
