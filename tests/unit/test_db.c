/*
 * test_db.c — the SQLSTATE table and the embedded statements.
 */
#include "db/db.h"
#include "test.h"

TEST(test_db__maps_sqlstates)
{
    int retry;
    CHECK(dft_db_code_for_sqlstate("23505", &retry) == DFT_E_CONFLICT && !retry);
    CHECK(dft_db_code_for_sqlstate("23514", &retry) == DFT_E_UNPROCESSABLE);
    CHECK(dft_db_code_for_sqlstate("23503", &retry) == DFT_E_UNPROCESSABLE);
    CHECK(dft_db_code_for_sqlstate("22P02", &retry) == DFT_E_INVALID);
    CHECK(dft_db_code_for_sqlstate("42501", &retry) == DFT_E_FORBIDDEN);
    CHECK(dft_db_code_for_sqlstate("40001", &retry) == DFT_E_UNAVAILABLE && retry);
    CHECK(dft_db_code_for_sqlstate("40P01", &retry) == DFT_E_UNAVAILABLE && retry);
    CHECK(dft_db_code_for_sqlstate("57014", &retry) == DFT_E_UNAVAILABLE && !retry);
    CHECK(dft_db_code_for_sqlstate("57P01", &retry) == DFT_E_UNAVAILABLE);
    CHECK(dft_db_code_for_sqlstate("08006", &retry) == DFT_E_UNAVAILABLE);
    CHECK(dft_db_code_for_sqlstate("DF404", &retry) == DFT_E_NOT_FOUND);
    CHECK(dft_db_code_for_sqlstate("DF412", &retry) == DFT_E_PRECONDITION_FAILED);
    CHECK(dft_db_code_for_sqlstate("42P01", &retry) == DFT_E_INTERNAL); /* undefined table: our bug, not the client's */
    CHECK(dft_db_code_for_sqlstate("XX000", &retry) == DFT_E_INTERNAL);
    CHECK(dft_db_code_for_sqlstate(NULL, &retry) == DFT_E_UNAVAILABLE);
}

TEST(test_db__statements_are_embedded)
{
    const char *t = dft_db_statement_text("department_get");
    CHECK(t != NULL && strstr(t, "{schema}.profile") != NULL);
    CHECK(dft_db_statement_text("departments_list") != NULL);
    CHECK(dft_db_statement_text("no_such_statement") == NULL);
}

const test_case_t db_cases[] = {
    CASE(test_db__maps_sqlstates),
    CASE(test_db__statements_are_embedded),
    {NULL, NULL},
};
