/*
 * hrms.h — e-HRMS: officers' service particulars (and, as they come, the
 * service book, leave, postings). Its records follow the officer across
 * departments, so they live in the statewide scope `hr` (sql/state/hr/):
 * a request for /v1/departments/{dept}/employees/... runs as role state_hr
 * with the caller's roles in {dept}, and the tables' row-level policies
 * decide which officers' rows that reaches (README "Scopes").
 */
#ifndef DFT_HRMS_H
#define DFT_HRMS_H

#include "../http/router.h"

extern const dft_route_table_t dft_hrms_routes, dft_leave_routes, dft_posting_routes;

#endif
