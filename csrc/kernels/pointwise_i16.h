/* Pointwise (1x1) convolution with integer dot products: int16 activations
 * times the manifest's 8-bit weight codes, accumulated in int32, then
 * dequantised with a fused bias and activation epilogue.
 *
 * Weights. face-api.js stores a quantised tensor as uint8 codes with one
 * scale and min per tensor: w = code * scale + min. The packer recovers the
 * codes from the float weights (and refuses a tensor that is not exactly of
 * that form) and stores them centred, c = code - 128 in [-128, 127], so
 *   w = c * scale + offset,   offset = min + 128 * scale.
 * Panels of 8 output channels; within a panel, per pair of input channels
 * (k, k+1), 16 int16: [c(k,n0) c(k+1,n0) c(k,n1) c(k+1,n1) .. n3] then n4..n7,
 * the order i32x4.dot_i16x8_s pairs them in. Channels past out_c and the odd
 * input channel past in_c are zero.
 *
 * Activations. fw_i16_quantize_rows() quantises each pixel (row of in_c
 * floats) on its own: s = max|x| / A, q = round_half_even(x / s) (as
 * x * (A / max|x|)), |q| <= A, and records s and sum(q). Then
 *   sum_k w(k,n) x(k) ~= s * (scale * sum_k c(k,n) q(k) + offset * sum_k q(k)).
 *
 * Overflow bound. |c| <= 128 and |q| <= A, so every partial sum of the int32
 * accumulator is at most 128 * A * in_c in magnitude, and each pairwise sum
 * inside i32x4.dot_i16x8_s at most 2 * 128 * 32767 < 2^31. With
 * A = fw_i16_quant_limit(in_c) = min(32767, floor((2^31 - 1) / (128 * in_c)))
 * the accumulator never overflows; A >= 1 needs in_c <= 16,777,215 (the nets'
 * largest in_c is 1024, giving A = 16383). |sum(q)| <= A * in_c is smaller still.
 * tests/c/kernel_tests.c runs the worst case (every code -128, every q = A)
 * against an int64 sum.
 *
 * Epilogue, identical float operations in both twins (so they agree bit for
 * bit): with a = scale * s and b = (offset * s) * (float)sum(q) per pixel,
 *   y = act(((float)acc * a + b) + bias[n]).
 *
 * Both functions work on any run of pixels: a caller splitting a layer over
 * pixel ranges offsets the pointers (rows of `stride` int16, one scale and
 * sum per pixel, out_c floats out). */
#ifndef FW_POINTWISE_I16_H
#define FW_POINTWISE_I16_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "activation.h"

#define FW_I16_PANEL 8

typedef struct fw_pointwise_i16 {
  int in_c, out_c;
  float scale, offset;  /* w = code * scale + offset */
  float *bias;          /* out_c rounded up to FW_I16_PANEL floats */
  int16_t *codes;       /* fw_i16_pointwise_codes_size(in_c, out_c) packed codes */
} fw_pointwise_i16;

/* int16 per quantised row: in_c rounded up to even. */
static inline int fw_i16_row_stride(int in_c) { return (in_c + 1) & ~1; }

/* Largest |q| for which an accumulation over in_c channels cannot overflow
 * (see the bound above); in_c >= 1. */
static inline int fw_i16_quant_limit(int in_c) {
  const long limit = 2147483647L / (128L * in_c);
  return limit > 32767 ? 32767 : (int)limit;
}

/* One activation's code, x * inv rounded to nearest even, as the SIMD body's
 * i32x4.trunc_sat_f32x4 gives it: NaN (from a non-finite activation) becomes 0
 * instead of an undefined conversion. Finite values are within the limit. */
static inline int fw_i16_quantize_value(float x, float inv) {
  const float r = nearbyintf(x * inv);
  return r == r ? (int)r : 0;
}

size_t fw_i16_pointwise_codes_size(int in_c, int out_c);

/* filter: [in_c][out_c] floats that are (float)(code * qscale + qmin) for
 * integer codes 0..255 (computed in double, as the weight loader does).
 * Writes the packed codes; returns 0, or -1 when some value is not of that
 * form (the caller then keeps the float path). */
int fw_i16_pointwise_pack(const float *filter, double qscale, double qmin, int in_c, int out_c, int16_t *codes);

void fw_i16_quantize_rows__scalar(const float *x, int pixels, int in_c, int16_t *q, float *row_scale,
                                  int32_t *row_sum);
void fw_i16_quantize_rows__simd128(const float *x, int pixels, int in_c, int16_t *q, float *row_scale,
                                   int32_t *row_sum);

void fw_i16_pointwise__scalar(const fw_pointwise_i16 *w, const int16_t *q, const float *row_scale,
                              const int32_t *row_sum, int pixels, float *output, fw_activation act);
void fw_i16_pointwise__simd128(const fw_pointwise_i16 *w, const int16_t *q, const float *row_scale,
                               const int32_t *row_sum, int pixels, float *output, fw_activation act);

#endif
