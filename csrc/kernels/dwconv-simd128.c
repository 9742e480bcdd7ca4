/* SIMD128 twin of fw_f32_dwconv3x3__scalar.
 *
 * Interior pixels (the whole 3x3 window inside the input) take the fast path:
 * for each group of 4 channels the bias and the 9 tap vectors stay in
 * registers while the kernel walks along the output row, so every output
 * vector costs 9 input loads, 9 mul + 9 add and one store, with the taps at
 * fixed offsets from one base pointer. Border pixels (padding taps) resolve
 * their 9 tap pointers one by one, padding taps pointing at `zero`. The last
 * c % 4 channels take the scalar path in both cases. */
#include "dwconv.h"

#include "simd128.h"

#define INTERIOR_RUN 1000

/* One output pixel with per-tap pointers (borders and channel tails). */
static void pixel_with_taps(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                            float *out, int oy, int ox, int first_channel, fw_activation act) {
  const int channels = g->in_c;
  const int vec_channels = channels & ~(FW_DWCONV_GROUP - 1);
  const float *tap[9];
  for (int ky = 0; ky < 3; ky++) {
    const int iy = oy * g->stride - g->pad_top + ky;
    for (int kx = 0; kx < 3; kx++) {
      const int ix = ox * g->stride - g->pad_left + kx;
      const int inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
      tap[ky * 3 + kx] = inside ? input + ((size_t)iy * g->in_w + ix) * channels : zero;
    }
  }
  int c = first_channel;
  const float *w = packed + (size_t)(c / FW_DWCONV_GROUP) * FW_DWCONV_GROUP * 10;
  for (; c < vec_channels; c += FW_DWCONV_GROUP, w += FW_DWCONV_GROUP * 10) {
    v128_t acc = wasm_v128_load(w);
    for (int t = 0; t < 9; t++)
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(tap[t] + c), wasm_v128_load(w + 4 * (1 + t))));
    wasm_v128_store(out + c, fw_activate_f32x4(acc, act));
  }
  for (; c < channels; c++) {
    const float *wg = packed + (size_t)(c / FW_DWCONV_GROUP) * FW_DWCONV_GROUP * 10;
    const int lane = c % FW_DWCONV_GROUP;
    float acc = wg[lane];
    for (int t = 0; t < 9; t++) acc += tap[t][c] * wg[FW_DWCONV_GROUP * (1 + t) + lane];
    out[c] = fw_activate(acc, act);
  }
}

/* Output pixels [ox0, ox1) of row oy whose windows lie inside the input:
 * all vector channel groups, walking the row with the weights in registers. */
static void interior_run(const fw_conv_geometry *g, const float *input, const float *packed, float *output, int oy,
                         int ox0, int ox1, fw_activation act) {
  const int channels = g->in_c;
  const int vec_channels = channels & ~(FW_DWCONV_GROUP - 1);
  const size_t pixel_step = (size_t)g->stride * channels; /* input floats between neighbouring outputs */
  const size_t row = (size_t)g->in_w * channels;
  const float *base = input + ((size_t)(oy * g->stride - g->pad_top) * g->in_w + (size_t)(ox0 * g->stride - g->pad_left)) * channels;
  float *out_base = output + ((size_t)oy * g->out_w + ox0) * channels;
  const float *w = packed;
  for (int c = 0; c < vec_channels; c += FW_DWCONV_GROUP, w += FW_DWCONV_GROUP * 10) {
    const v128_t bias = wasm_v128_load(w);
    const v128_t w0 = wasm_v128_load(w + 4), w1 = wasm_v128_load(w + 8), w2 = wasm_v128_load(w + 12);
    const v128_t w3 = wasm_v128_load(w + 16), w4 = wasm_v128_load(w + 20), w5 = wasm_v128_load(w + 24);
    const v128_t w6 = wasm_v128_load(w + 28), w7 = wasm_v128_load(w + 32), w8 = wasm_v128_load(w + 36);
    const float *r0 = base + c;
    float *out = out_base + c;
    for (int ox = ox0; ox < ox1; ox++, r0 += pixel_step, out += channels) {
      const float *r1 = r0 + row, *r2 = r1 + row;
      v128_t acc = wasm_f32x4_add(bias, wasm_f32x4_mul(wasm_v128_load(r0), w0));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + channels), w1));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + 2 * channels), w2));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1), w3));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + channels), w4));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + 2 * channels), w5));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2), w6));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + channels), w7));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + 2 * channels), w8));
      wasm_v128_store(out, fw_activate_f32x4(acc, act));
    }
  }
}

void fw_f32_dwconv3x3__simd128(const fw_conv_geometry *g, const float *input, const float *packed,
                               const float *zero, float *output, fw_activation act) {
  const int channels = g->in_c;
  const int vec_channels = channels & ~(FW_DWCONV_GROUP - 1);
  /* Outputs whose window starts at or after column 0 and ends before in_w. */
  int ox_lo = (g->pad_left + g->stride - 1) / g->stride;
  int ox_hi = g->in_w >= 3 - g->pad_left ? (g->in_w - 3 + g->pad_left) / g->stride + 1 : 0;
  if (ox_hi > g->out_w) ox_hi = g->out_w;
  if (ox_lo > ox_hi) ox_lo = ox_hi;
  for (int oy = 0; oy < g->out_h; oy++) {
    const int iy = oy * g->stride - g->pad_top;
    float *out_row = output + (size_t)oy * g->out_w * channels;
    if (iy < 0 || iy + 3 > g->in_h || ox_lo >= ox_hi) {
      for (int ox = 0; ox < g->out_w; ox++) pixel_with_taps(g, input, packed, zero, out_row + (size_t)ox * channels, oy, ox, 0, act);
      continue;
    }
    for (int ox = 0; ox < ox_lo; ox++) pixel_with_taps(g, input, packed, zero, out_row + (size_t)ox * channels, oy, ox, 0, act);
    /* Short runs keep the 3 input rows they read in L1 across the channel groups. */
    for (int ox = ox_lo; vec_channels && ox < ox_hi; ox += INTERIOR_RUN)
      interior_run(g, input, packed, output, oy, ox, ox + INTERIOR_RUN < ox_hi ? ox + INTERIOR_RUN : ox_hi, act);
    if (vec_channels < channels) {
      for (int ox = ox_lo; ox < ox_hi; ox++)
        pixel_with_taps(g, input, packed, zero, out_row + (size_t)ox * channels, oy, ox, vec_channels, act);
    }
    for (int ox = ox_hi; ox < g->out_w; ox++) pixel_with_taps(g, input, packed, zero, out_row + (size_t)ox * channels, oy, ox, 0, act);
  }
}
