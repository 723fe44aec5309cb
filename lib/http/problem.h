/*
 * problem.h — RFC 9457 problem details: the single place where a dft_error_t
 * becomes an HTTP status and an application/problem+json body.
 */
#ifndef DFT_PROBLEM_H
#define DFT_PROBLEM_H

#include "../core/core.h"
#include "../core/error.h"

typedef struct dft_problem_kind_t {
    int status;
    const char *slug; /* the stable `type` is "urn:daftar:problem:" slug */
    const char *title_en, *title_hi;
} dft_problem_kind_t;

const dft_problem_kind_t *dft_problem_kind(dft_code_t code);
/* The code whose HTTP status is `status`, or DFT_E_INTERNAL / DFT_E_INVALID as the nearest class. */
dft_code_t dft_problem_code_for_status(int status);

/* Business refusals with a problem type of their own (`urn:daftar:problem:<slug>`, listed in the
 * contract's Problem.type): SQL names one with RAISE ... USING HINT = '<slug>' (lib/db). The
 * English detail is the SQL message; `detail_hi` replaces it with Accept-Language: hi. */
typedef struct dft_refusal_t {
    const char *slug, *detail_hi;
} dft_refusal_t;

/* The table's own slug string for `slug`, or NULL when it is not one. */
const char *dft_problem_refusal(const char *slug);
/* Refusal i of the table; NULL past the end. */
const dft_refusal_t *dft_problem_refusal_at(size_t i);

/* Appends the problem JSON for err to out. `instance` is the request path (no
 * query), `request_id` the request's id; either may be NULL. */
void dft_problem_render(dft_buf_t *out, const dft_error_t *err, const char *instance, size_t instance_len,
                        const char *request_id, int hindi);

#endif
