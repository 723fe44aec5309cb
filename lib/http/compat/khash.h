/*
 * khash.h — a stand-in for klib's khash.h, which <h2o/http2_internal.h>
 * includes but Debian's libh2o-dev does not ship.
 *
 * That header needs khash only to name the type of one pointer member
 * (h2o_http2_conn_t::streams) and for one inline lookup that daftar never
 * calls. So the table type stays incomplete here: the layout of every h2o
 * struct is unchanged, and any use of the table would fail to link rather
 * than read memory wrongly. watchdog.c is the only user.
 */
#ifndef DFT_COMPAT_KHASH_H
#define DFT_COMPAT_KHASH_H

#include <stdint.h>

typedef unsigned int khint_t;
typedef khint_t khiter_t;

#define khash_t(name) kh_##name##_t
#define KHASH_MAP_INIT_INT64(name, khval_t)                                                                                    \
    typedef struct kh_##name##_s kh_##name##_t;                                                                                \
    khiter_t dft_compat_kh_get_##name(const kh_##name##_t *h, uint64_t key);                                                   \
    khiter_t dft_compat_kh_end_##name(const kh_##name##_t *h);                                                                 \
    khval_t dft_compat_kh_val_##name(const kh_##name##_t *h, khiter_t i);
#define kh_get(name, h, k) dft_compat_kh_get_##name(h, k)
#define kh_end(h) dft_compat_kh_end_h2o_http2_stream_t(h)
#define kh_val(h, i) dft_compat_kh_val_h2o_http2_stream_t(h, i)

#endif
