/*
 * training_internal.h — what the training files share (not for other families).
 */
#ifndef DFT_TRAINING_INTERNAL_H
#define DFT_TRAINING_INTERNAL_H

#include "training.h"

#include "../db/db.h"
#include "../http/server.h"

/* Scope training as the caller alone (with_dept 0) or as a member of the path's {dept}; 0, or -1 after responding. */
int dft_training_scope(dft_req_t *r, int with_dept, dft_db_scope_t *scope);
/* A UUID body member (required) as text; NULL after a 400. */
const char *dft_training_body_uuid(dft_req_t *r, json_t *body, const char *name);
/* A JSON value as compact text in the request's pool. */
const char *dft_training_json_text(dft_req_t *r, const json_t *v);
/* The callback of statements whose column 0 is a thing and column 1 its version: 404 `missing` when
 * there is no row, else 200 with ETag (ctx is the request). */
void dft_training_on_found(dft_req_t *r, const dft_db_reply_t *reply, const char *missing);

#endif
