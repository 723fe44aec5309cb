/*
 * hrms_internal.h — what the e-HRMS files share (not for other families).
 */
#ifndef DFT_HRMS_INTERNAL_H
#define DFT_HRMS_INTERNAL_H

#include "hrms.h"

#include "../db/db.h"

/* Scope hr as a member of the path's {dept}, and the officer {uid} of the path; 0, or -1 after responding. */
int dft_hrms_employee_scope(dft_req_t *r, dft_db_scope_t *scope, char uid[12]);

#endif
