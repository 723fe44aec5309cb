/*
 * routes.c — see routes.h. Add a resource family's table here.
 */
#include "routes.h"

#include "core/core.h"
#include "apar/apar.h"
#include "auth/auth.h"
#include "dispatch/dispatch.h"
#include "events/events.h"
#include "files/files.h"
#include "hrms/hrms.h"
#include "http/ops.h"
#include "tenant/tenant.h"
#include "training/training.h"

const dft_route_table_t *const dft_route_tables[] = {
    &dft_ops_routes,
    &dft_tenant_routes,
    &dft_auth_routes,
    &dft_officer_routes,
    &dft_summary_routes,
    &dft_files_routes,
    &dft_documents_routes,
    &dft_receipts_routes,
    &dft_signature_routes,
    &dft_delegation_routes,
    &dft_charge_routes,
    &dft_scheme_routes,
    &dft_reference_routes,
    &dft_part_routes,
    &dft_notesheet_routes,
    &dft_handover_routes,
    &dft_records_routes,
    &dft_draft_routes,
    &dft_dispatch_routes,
    &dft_dak_routes,
    &dft_hrms_routes,
    &dft_leave_routes,
    &dft_posting_routes,
    &dft_apar_routes,
    &dft_course_routes,
    &dft_assignment_routes,
    &dft_progress_routes,
    &dft_compliance_routes,
    &dft_events_routes,
    &dft_export_routes,
    &dft_webhook_routes,
};
const size_t dft_num_route_tables = DFT_ARRAY_SIZE(dft_route_tables);
