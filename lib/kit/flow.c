/*
 * flow.c — see kit.h: requests of several steps that go to the database and
 * to a worker thread in turn (uploads, signatures).
 */
#include "kit.h"

#include "../core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void flow_detach(void *p)
{
    ((dft_flow_t *)p)->req = NULL;
}

void *dft_flow_new(size_t size, dft_req_t *r, const dft_db_scope_t *scope, void (*dispose)(dft_flow_t *f))
{
    dft_flow_t *f = dft_calloc(1, size);
    f->req = r;
    f->dispose = dispose;
    if (scope != NULL) { /* NULL: the flow works in the catalog */
        snprintf(f->role, sizeof(f->role), "%s", scope->role);
        f->scope = (dft_db_scope_t){.dept_id = scope->dept_id, .role = f->role, .schema = f->role, .cluster = scope->cluster,
                                    .read_only = scope->read_only};
    }
    r->pending = f;
    r->detach = flow_detach;
    return f;
}

void dft_flow_free(dft_flow_t *f)
{
    if (f->req != NULL && f->req->pending == f)
        f->req->pending = NULL;
    if (f->dispose != NULL)
        f->dispose(f);
    free(f);
}

dft_req_t *dft_flow_request(dft_flow_t *f)
{
    dft_req_t *r = f->req;
    if (r == NULL)
        dft_flow_free(f);
    return r;
}

void dft_flow_submit(dft_flow_t *f, void (*run)(dft_task_t *), void (*done)(dft_task_t *))
{
    f->task.run = run;
    f->task.done = done;
    if (dft_worker_submit(f->req->thread, &f->task) != 0) {
        dft_error_t busy = {.code = DFT_E_UNAVAILABLE, .detail = "Too busy; retry shortly.", .retry_after = 2};
        dft_respond_error(f->req, &busy);
        dft_flow_free(f);
    }
}

int dft_flow_failed(dft_flow_t *f, const dft_db_reply_t *reply, const char *missing)
{
    if (reply->err.code == DFT_OK && reply->value != NULL)
        return 0;
    if (reply->err.code != DFT_OK)
        dft_respond_error(f->req, &reply->err);
    else
        dft_respond_code(f->req, DFT_E_NOT_FOUND, missing);
    dft_flow_free(f);
    return -1;
}
