/*
 * training.h — training: the state's course catalogue, assignments of
 * mandatory courses to departments, enrolment, progress counted on the
 * server's clock, certificates anyone can verify, and compliance. Courses
 * belong to no department and progress follows the officer, so everything
 * lives in the statewide scope `training` (sql/state/training/): requests
 * run as role state_training and the tables' row-level policies decide
 * which rows each reaches (README "Training").
 */
#ifndef DFT_TRAINING_H
#define DFT_TRAINING_H

#include "../http/router.h"

#include <libpq-fe.h>
#include <stdio.h>

extern const dft_route_table_t dft_course_routes, dft_assignment_routes, dft_progress_routes,
    dft_compliance_routes;

/* `daftar certificate verify`: checks certificate `token` as POST /v1/certificates/verify does, over c
 * (the owner's connection), and prints the route's answer to out. 0 valid, 1 not, -1 the database failed. */
int dft_training_certificate_verify(PGconn *c, const char *issuer, const char *token, FILE *out);

#endif
