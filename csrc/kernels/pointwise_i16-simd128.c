/* SIMD128 twin of the int16 pointwise kernels. The GEMM tile is 4 pixels x 8
 * output channels: per pair of input channels, each pixel's two int16 are
 * splatted (one 32-bit load) and i32x4.dot_i16x8_s multiplies them with the
 * panel's two code vectors, so one instruction does 8 multiply-adds. The
 * integer results equal the scalar twin's exactly (no overflow, see the
 * header), and the epilogue performs the same float operations. */
#include "pointwise_i16.h"

#include <math.h>

#include "simd128.h"

#define TILE 4

void fw_i16_quantize_rows__simd128(const float *x, int pixels, int in_c, int16_t *q, float *row_scale,
                                   int32_t *row_sum) {
  const int stride = fw_i16_row_stride(in_c), limit = fw_i16_quant_limit(in_c);
  const int body = in_c & ~7;
  for (int p = 0; p < pixels; p++, x += in_c, q += stride) {
    v128_t vm = wasm_f32x4_splat(0.0f);
    int k = 0;
    for (; k + 4 <= in_c; k += 4) vm = wasm_f32x4_pmax(vm, wasm_f32x4_abs(wasm_v128_load(x + k)));
    float m = fmaxf(fmaxf(wasm_f32x4_extract_lane(vm, 0), wasm_f32x4_extract_lane(vm, 1)),
                    fmaxf(wasm_f32x4_extract_lane(vm, 2), wasm_f32x4_extract_lane(vm, 3)));
    for (; k < in_c; k++) m = fmaxf(m, fabsf(x[k]));
    const float inv = m > 0.0f ? (float)limit / m : 0.0f;
    const v128_t vinv = wasm_f32x4_splat(inv);
    v128_t vsum = wasm_i32x4_splat(0);
    for (k = 0; k < body; k += 8) {
      const v128_t lo = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(x + k), vinv)));
      const v128_t hi =
          wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(x + k + 4), vinv)));
      vsum = wasm_i32x4_add(vsum, wasm_i32x4_add(lo, hi));
      wasm_v128_store(q + k, wasm_i16x8_narrow_i32x4(lo, hi));
    }
    int32_t sum = wasm_i32x4_extract_lane(vsum, 0) + wasm_i32x4_extract_lane(vsum, 1) +
                  wasm_i32x4_extract_lane(vsum, 2) + wasm_i32x4_extract_lane(vsum, 3);
    for (; k < in_c; k++) {
      const int v = fw_i16_quantize_value(x[k], inv);
      q[k] = (int16_t)v;
      sum += v;
    }
    if (in_c & 1) q[in_c] = 0;
    row_scale[p] = m / (float)limit;
    row_sum[p] = sum;
  }
}

/* Dequantise, bias, activate and store one pixel's 8 accumulators. */
static inline __attribute__((always_inline)) void store_pixel(v128_t lo, v128_t hi, float a, float b,
                                                               const float *bias, float *dst, int n0, int out_c,
                                                               fw_activation act) {
  const v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b);
  lo = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(lo), va), vb), wasm_v128_load(bias));
  hi = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(hi), va), vb), wasm_v128_load(bias + 4));
  if (n0 + FW_I16_PANEL <= out_c) {
    wasm_v128_store(dst, fw_activate_f32x4_channels(lo, act, n0));
    wasm_v128_store(dst + 4, fw_activate_f32x4_channels(hi, act, n0 + 4));
  } else {
    float tmp[FW_I16_PANEL];
    wasm_v128_store(tmp, lo);
    wasm_v128_store(tmp + 4, hi);
    for (int j = 0; n0 + j < out_c; j++) dst[j] = fw_activate_channel(tmp[j], act, n0 + j);
  }
}

void fw_i16_pointwise__simd128(const fw_pointwise_i16 *w, const int16_t *q, const float *row_scale,
                               const int32_t *row_sum, int pixels, float *output, fw_activation act) {
  const int stride = fw_i16_row_stride(w->in_c), pairs = stride / 2, out_c = w->out_c;
  const size_t panel_size = (size_t)FW_I16_PANEL * stride;
  for (int p0 = 0; p0 < pixels; p0 += TILE) {
    const int n = pixels - p0 < TILE ? pixels - p0 : TILE;
    /* A short tile repeats its last pixel; only n are stored. */
    const int16_t *x0 = q + (size_t)p0 * stride;
    const int16_t *x1 = x0 + (size_t)(n > 1 ? 1 : 0) * stride;
    const int16_t *x2 = x0 + (size_t)(n > 2 ? 2 : n - 1) * stride;
    const int16_t *x3 = x0 + (size_t)(n > 3 ? 3 : n - 1) * stride;
    float a[TILE], b[TILE];
    for (int i = 0; i < n; i++) {
      a[i] = w->scale * row_scale[p0 + i];
      b[i] = (w->offset * row_scale[p0 + i]) * (float)row_sum[p0 + i];
    }
    const int16_t *c = w->codes;
    for (int n0 = 0; n0 < out_c; n0 += FW_I16_PANEL, c += panel_size) {
      v128_t a0l = wasm_i32x4_splat(0), a0h = a0l, a1l = a0l, a1h = a0l, a2l = a0l, a2h = a0l, a3l = a0l, a3h = a0l;
      const int16_t *cp = c;
      for (int kp = 0; kp < pairs; kp++, cp += 2 * FW_I16_PANEL) {
        const v128_t wl = wasm_v128_load(cp), wh = wasm_v128_load(cp + 8);
        const v128_t v0 = wasm_v128_load32_splat(x0 + 2 * kp);
        const v128_t v1 = wasm_v128_load32_splat(x1 + 2 * kp);
        const v128_t v2 = wasm_v128_load32_splat(x2 + 2 * kp);
        const v128_t v3 = wasm_v128_load32_splat(x3 + 2 * kp);
        a0l = wasm_i32x4_add(a0l, wasm_i32x4_dot_i16x8(v0, wl));
        a0h = wasm_i32x4_add(a0h, wasm_i32x4_dot_i16x8(v0, wh));
        a1l = wasm_i32x4_add(a1l, wasm_i32x4_dot_i16x8(v1, wl));
        a1h = wasm_i32x4_add(a1h, wasm_i32x4_dot_i16x8(v1, wh));
        a2l = wasm_i32x4_add(a2l, wasm_i32x4_dot_i16x8(v2, wl));
        a2h = wasm_i32x4_add(a2h, wasm_i32x4_dot_i16x8(v2, wh));
        a3l = wasm_i32x4_add(a3l, wasm_i32x4_dot_i16x8(v3, wl));
        a3h = wasm_i32x4_add(a3h, wasm_i32x4_dot_i16x8(v3, wh));
      }
      float *out = output + (size_t)p0 * out_c + n0;
      const float *bias = w->bias + n0;
      store_pixel(a0l, a0h, a[0], b[0], bias, out, n0, out_c, act);
      if (n > 1) store_pixel(a1l, a1h, a[1], b[1], bias, out + out_c, n0, out_c, act);
      if (n > 2) store_pixel(a2l, a2h, a[2], b[2], bias, out + 2 * (size_t)out_c, n0, out_c, act);
      if (n > 3) store_pixel(a3l, a3h, a[3], b[3], bias, out + 3 * (size_t)out_c, n0, out_c, act);
    }
  }
}
