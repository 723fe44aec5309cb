/*
 * uid.h — officer UIDs: 11 digits, a 10-digit serial and a Verhoeff check
 * digit. Eleven digits keep them apart from Aadhaar numbers (12) and mobile
 * numbers (10); the check digit catches every single-digit typo and every
 * swap of neighbouring digits before any lookup.
 */
#ifndef DFT_UID_H
#define DFT_UID_H

#include <stddef.h>
#include <stdint.h>

#define DFT_UID_LEN 11

/* The Verhoeff check digit ('0'..'9') for the digits s[0..len). */
char dft_uid_check_digit(const char *s, size_t len);
/* 1 when s is 11 digits whose last is the check digit of the first ten. */
int dft_uid_valid(const char *s, size_t len);
/* Writes the UID for serial (1000000000..9999999999) into out[12]. */
void dft_uid_format(uint64_t serial, char *out);

#endif
