/* Overflow-checked size arithmetic for sizes derived from untrusted input
 * (image dimensions, tensor shapes). Each returns 0 on overflow. */
#ifndef FW_CHECKED_H
#define FW_CHECKED_H

#include <stddef.h>
#include <stdint.h>

static inline int fw_mul_size(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a) return 0;
  *out = a * b;
  return 1;
}

static inline int fw_add_size(size_t a, size_t b, size_t *out) {
  if (b > SIZE_MAX - a) return 0;
  *out = a + b;
  return 1;
}

/* a * b * c * d elements of `elem` bytes each. */
static inline int fw_bytes4(size_t a, size_t b, size_t c, size_t elem, size_t *out) {
  size_t t;
  return fw_mul_size(a, b, &t) && fw_mul_size(t, c, &t) && fw_mul_size(t, elem, out);
}

#endif
