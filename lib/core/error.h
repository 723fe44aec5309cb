/*
 * error.h — the one error type of daftar.
 *
 * Every failure a client can see is one of these codes. lib/http/problem.c
 * maps a code to its HTTP status, problem `type` and titles (English, Hindi);
 * lib/db maps SQLSTATEs to codes. `detail` and field messages are written for
 * the client: they must never carry library text (libpq, OpenSSL) or input
 * echoed back unbounded. Errors live in the request pool or in static
 * storage; nothing here is freed by hand.
 */
#ifndef DFT_ERROR_H
#define DFT_ERROR_H

#include <stddef.h>

typedef enum dft_code_t {
    DFT_OK = 0,
    DFT_E_INVALID,               /* 400 malformed input */
    DFT_E_UNAUTHENTICATED,       /* 401 */
    DFT_E_FORBIDDEN,             /* 403 */
    DFT_E_NOT_FOUND,             /* 404 */
    DFT_E_METHOD_NOT_ALLOWED,    /* 405 */
    DFT_E_NOT_ACCEPTABLE,        /* 406 */
    DFT_E_CONFLICT,              /* 409 */
    DFT_E_PRECONDITION_FAILED,   /* 412 */
    DFT_E_TOO_LARGE,             /* 413 */
    DFT_E_UNSUPPORTED_MEDIA,     /* 415 */
    DFT_E_UNPROCESSABLE,         /* 422 well-formed but refused by rules */
    DFT_E_PRECONDITION_REQUIRED, /* 428 */
    DFT_E_RATE_LIMITED,          /* 429 */
    DFT_E_HEADERS_TOO_LARGE,     /* 431 */
    DFT_E_INTERNAL,              /* 500 */
    DFT_E_UNAVAILABLE,           /* 503 */
    DFT_CODE_COUNT
} dft_code_t;

typedef struct dft_field_error_t {
    const char *field;   /* the member, parameter or header: "subject", "items/2/name", "limit" */
    const char *reason;  /* stable machine word: "required", "too_long", ... */
    const char *message; /* human English sentence (the problem's `detail` of the field) */
    /* RFC 6901 JSON Pointer into the body ("/subject", "/items/2/name", "" for the whole body);
     * NULL when the field is not in the body (a query parameter, a header). */
    const char *pointer;
    const char *message_hi; /* the same in Hindi; NULL: the reason's Hindi sentence (problem.c) */
} dft_field_error_t;

typedef struct dft_error_t {
    dft_code_t code;
    const char *detail; /* may be NULL */
    dft_field_error_t *fields;
    size_t num_fields;
    int retry_after; /* seconds, for 429/503; 0 = none */
    /* A business refusal's own problem type (its slug, from lib/http/problem.c's table, e.g.
     * "file-closed"), or NULL for the code's type. */
    const char *refusal;
} dft_error_t;

#endif
