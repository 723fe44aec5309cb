/*
 * apar.h — APAR, the annual performance appraisal: cycles opened and
 * chains mapped by a department's custodian, forms reached by their chain
 * from any department, content shown level by level only to whom it may
 * be (sql/state/apar/functions/may_read.sql), every content read recorded,
 * stages that move on by themselves when their dates pass. Its forms live
 * in the statewide scope `apar` (sql/state/apar/).
 */
#ifndef DFT_APAR_H
#define DFT_APAR_H

#include "../http/router.h"

extern const dft_route_table_t dft_apar_routes;

#endif
