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

extern const dft_route_table_t dft_course_routes, dft_assignment_routes, dft_progress_routes,
    dft_compliance_routes;

#endif
