/*
 * notesheet.c — GET .../files/{file_id}/notesheet.pdf: the notesheet as the
 * office prints it (README, "e-File"): the file's number and subject, each note
 * with its author, designation, time and signature status, and the file's track.
 *
 * The data is one statement (sql/queries/notesheet_pdf.sql: the same check and
 * audit as reading the file); the PDF is drawn on a worker thread (worker.h)
 * with Cairo and Pango, whose HarfBuzz shaping renders Devanagari conjuncts and
 * matras, in Noto Sans / Noto Sans Devanagari (fonts-noto-core). A notesheet of
 * more than NOTES_MAX notes or movements or NOTES_BYTES of text is refused with
 * a 422, so one print holds a worker for a bounded time (bench figures: README).
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../core/core.h"
#include "../db/db.h"
#include "../http/server.h"

#include <cairo-pdf.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOTES_MAX 500                  /* notes, and movements, in one print */
#define NOTES_BYTES (2u * 1024u * 1024u) /* of note text */

/* A4 in points, and the margins */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 50.0
#define FONT "Noto Sans, Noto Sans Devanagari"

typedef struct print_t {
    dft_flow_t flow;  /* first */
    char *json;       /* the statement's reply */
    size_t json_len;
    dft_buf_t pdf;    /* drawn on the worker */
    int refused;      /* too long to print */
    char etag[40];
    char filename[96];
} print_t;

static void print_dispose(dft_flow_t *f)
{
    print_t *p = (print_t *)f;
    free(p->json);
    free(p->pdf.data);
}

/* ------------------------------------------------------------ drawing */

typedef struct page_t {
    cairo_t *cr;
    double y;
    int number;
    const char *file_number;
} page_t;

/* A layout on cr in `font` (a Pango description: FONT " Bold 9"); g_object_unref it. */
static PangoLayout *layout_new(cairo_t *cr, const char *font)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    return l;
}

static void page_footer(page_t *pg)
{
    PangoLayout *l = layout_new(pg->cr, FONT " 8");
    char text[160];
    snprintf(text, sizeof(text), "%s — page %d", pg->file_number, pg->number);
    pango_layout_set_text(l, text, -1);
    cairo_move_to(pg->cr, MARGIN, PAGE_H - MARGIN + 14);
    pango_cairo_show_layout(pg->cr, l);
    g_object_unref(l);
}

static void page_break(page_t *pg)
{
    page_footer(pg);
    cairo_show_page(pg->cr);
    pg->number++;
    pg->y = MARGIN;
}

/* Draws text from the current y, `indent` points in, breaking pages between lines; `gap` points after. */
static void draw(page_t *pg, const char *text, const char *font, double indent, double gap)
{
    PangoLayout *l = layout_new(pg->cr, font);
    pango_layout_set_width(l, (int)((PAGE_W - 2 * MARGIN - indent) * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        if (pg->y + h > PAGE_H - MARGIN)
            page_break(pg);
        double baseline = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        cairo_move_to(pg->cr, MARGIN + indent + (double)logical.x / PANGO_SCALE, pg->y + baseline);
        pango_cairo_show_layout_line(pg->cr, pango_layout_iter_get_line_readonly(it));
        pg->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    pg->y += gap;
}

static void rule(page_t *pg)
{
    if (pg->y + 8 > PAGE_H - MARGIN)
        page_break(pg);
    cairo_set_line_width(pg->cr, 0.5);
    cairo_move_to(pg->cr, MARGIN, pg->y + 3);
    cairo_line_to(pg->cr, PAGE_W - MARGIN, pg->y + 3);
    cairo_stroke(pg->cr);
    pg->y += 8;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* An ISO time of the database ("2026-12-04T13:05:00.000Z") as the office reads it, in IST. */
static void ist(const char *iso, char out[32])
{
    struct tm tm = {0};
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6) {
        snprintf(out, 32, "%s", iso);
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 19800; /* +05:30 */
    gmtime_r(&t, &tm);
    strftime(out, 32, "%d-%m-%Y %H:%M IST", &tm);
}

/* "Name (Designation)", or the UID when the officer is no longer a member. */
static void who(json_t *officers, const char *uid, char *out, size_t n)
{
    json_t *o = json_object_get(officers, uid);
    if (o == NULL)
        snprintf(out, n, "%s", uid);
    else if (*str(o, "designation") != '\0')
        snprintf(out, n, "%s (%s)", str(o, "name"), str(o, "designation"));
    else
        snprintf(out, n, "%s", str(o, "name"));
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
    dft_buf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

static void draw_notesheet(print_t *p, json_t *data)
{
    json_t *file = json_object_get(data, "file"), *officers = json_object_get(data, "officers");
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write, &p->pdf, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, str(file, "file_number"));
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "daftar");
    cairo_t *cr = cairo_create(s);
    page_t pg = {.cr = cr, .y = MARGIN, .number = 1, .file_number = str(file, "file_number")};
    char line[1200], a[400], b[400], t[32];

    draw(&pg, "NOTESHEET / टिप्पणी पत्रक", FONT " Bold 14", 0, 6);
    snprintf(line, sizeof(line), "File No. %s", str(file, "file_number"));
    draw(&pg, line, FONT " Bold 11", 0, 2);
    snprintf(line, sizeof(line), "Subject: %s", str(file, "subject"));
    draw(&pg, line, FONT " 11", 0, 2);
    snprintf(line, sizeof(line), "Section %s · %s · %s · %s", str(file, "section"), str(file, "classification"),
             str(file, "priority"), str(file, "status"));
    draw(&pg, line, FONT " 9", 0, 4);
    rule(&pg);

    size_t i;
    json_t *note;
    json_array_foreach(json_object_get(data, "notes"), i, note) {
        json_t *sig = json_object_get(note, "signature");
        who(officers, str(note, "author"), a, sizeof(a));
        ist(str(note, "created_at"), t);
        if (!json_is_object(sig)) {
            snprintf(b, sizeof(b), "unsigned");
        } else {
            char v[32];
            ist(str(sig, "verified_at"), v);
            snprintf(b, sizeof(b), *str(sig, "verified_at") != '\0' ? "digitally signed, signature verified %s"
                                                                      : "digitally signed%.0s", v);
        }
        snprintf(line, sizeof(line), "%lld. %s — %s — %s%s", (long long)json_integer_value(json_object_get(note, "n")), a, t,
                 strcmp(str(note, "status"), "draft") == 0 ? "draft, " : "", b);
        draw(&pg, line, FONT " Bold 9", 0, 2);
        draw(&pg, str(note, "body"), FONT " 10", 14, 8);
    }
    if (json_array_size(json_object_get(data, "notes")) == 0)
        draw(&pg, "(no notes)", FONT " Italic 10", 0, 8);

    rule(&pg);
    draw(&pg, "Track (movements) / संचलन", FONT " Bold 11", 0, 4);
    json_t *m;
    json_array_foreach(json_object_get(data, "movements"), i, m) {
        who(officers, str(m, "from"), a, sizeof(a));
        who(officers, str(m, "to"), b, sizeof(b));
        ist(str(m, "at"), t);
        int n = snprintf(line, sizeof(line), "%s  %s  %s → %s", t, str(m, "action"), a, b);
        if (*str(m, "remarks") != '\0' && n > 0 && (size_t)n < sizeof(line))
            snprintf(line + n, sizeof(line) - (size_t)n, ": %s", str(m, "remarks"));
        draw(&pg, line, FONT " 9", 0, 3);
    }
    page_footer(&pg);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        p->pdf.len = 0;
    cairo_surface_destroy(s);
}

static void run_print(dft_task_t *task)
{
    print_t *p = (print_t *)task;
    json_t *data = json_loadb(p->json, p->json_len, 0, NULL);
    if (data == NULL)
        return;
    if (json_array_size(json_object_get(data, "notes")) > NOTES_MAX ||
        json_array_size(json_object_get(data, "movements")) > NOTES_MAX ||
        json_integer_value(json_object_get(data, "bytes")) > (json_int_t)NOTES_BYTES) {
        p->refused = 1;
        json_decref(data);
        return;
    }
    /* the name: notesheet-<file number with every character but A-Z a-z 0-9 - as _>.pdf */
    const char *number = str(json_object_get(data, "file"), "file_number");
    size_t k = (size_t)snprintf(p->filename, sizeof(p->filename), "notesheet-");
    for (; *number != '\0' && k + 5 < sizeof(p->filename); ++number) {
        char c = *number;
        p->filename[k++] = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ? c : '_';
    }
    snprintf(p->filename + k, sizeof(p->filename) - k, ".pdf");
    /* weak: the same data draws the same page, not the same bytes (the PDF carries its creation time) */
    char hash[65];
    dft_sha256_hex(p->json, p->json_len, hash);
    snprintf(p->etag, sizeof(p->etag), "W/\"%.32s\"", hash);
    draw_notesheet(p, data);
    json_decref(data);
}

static void on_printed(dft_task_t *task)
{
    print_t *p = (print_t *)task;
    dft_req_t *r = dft_flow_request(&p->flow);
    if (r == NULL)
        return;
    if (p->refused) {
        dft_respond_code(r, DFT_E_UNPROCESSABLE,
                         "This notesheet is too long to print in one document (more than 500 notes or movements, "
                         "or 2 MB of note text).");
    } else if (p->pdf.len == 0) {
        dft_respond_code(r, DFT_E_INTERNAL, "notesheet PDF did not render");
    } else {
        char disposition[128];
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", p->filename);
        dft_add_header(r, "content-disposition", disposition);
        dft_add_header(r, "etag", p->etag);
        dft_add_header(r, "cache-control", "private, no-store");
        dft_respond(r, 200, "application/pdf", h2o_strdup(&r->h2o->pool, p->pdf.data, p->pdf.len));
    }
    dft_flow_free(&p->flow);
}

static void on_data(void *ctx, const dft_db_reply_t *reply)
{
    print_t *p = ctx;
    if (dft_flow_request(&p->flow) == NULL || dft_flow_failed(&p->flow, reply, "No such file.") != 0)
        return;
    p->json = dft_strndup(reply->value, reply->len);
    p->json_len = reply->len;
    dft_flow_submit(&p->flow, run_print, on_printed);
}

static void get_notesheet_pdf(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0)
        return;
    print_t *p = dft_flow_new(sizeof(*p), r, &scope, print_dispose);
    char cap[12];
    snprintf(cap, sizeof(cap), "%d", NOTES_MAX);
    const char *params[] = {id, cap};
    /* read-write: printing a confidential notesheet writes an audit event */
    dft_db_run_for(r, &p->flow.scope, DFT_DB_WRITE, "notesheet_pdf", params, 2, on_data, p);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notesheet.pdf", .name = "getNotesheetPdf",
     .handler = get_notesheet_pdf, .scope = "files:read"},
};

const dft_route_table_t dft_notesheet_routes = {routes, DFT_ARRAY_SIZE(routes)};
