/* SIMD128 twin of fw_f32_dwconv3x3__scalar. For each output row and group of
 * 4 channels, the group's 9 weight vectors and bias stay in registers while
 * the kernel walks the row; interior pixels (all 9 taps inside the input)
 * take a branch-free path, border pixels check each tap. The last c % 4
 * channels take the scalar path. */
#include "dwconv.h"

#include "simd128.h"

/* One border pixel of one channel group: taps outside the input contribute 0. */
static v128_t border_pixel(const fw_conv_geometry *g, const float *const rows[3], int ox, int c, const v128_t w[9],
                           v128_t bias) {
  v128_t acc = bias;
  for (int ky = 0; ky < 3; ky++) { /* the scalar kernel's order, so both round alike */
    if (!rows[ky]) continue;
    for (int kx = 0; kx < 3; kx++) {
      const int ix = ox * g->stride - g->pad_left + kx;
      if (ix >= 0 && ix < g->in_w)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(rows[ky] + (size_t)ix * g->in_c + c), w[ky * 3 + kx]));
    }
  }
  return acc;
}

void fw_f32_dwconv3x3__simd128(const fw_conv_geometry *g, const float *input, const float *packed,
                               const float *zero, float *output, fw_activation act) {
  (void)zero;
  const int channels = g->in_c, stride = g->stride;
  const int vec_channels = channels & ~(FW_DWCONV_GROUP - 1);
  /* Output columns whose three taps all lie inside the input row. */
  const int first_inside = (g->pad_left + stride - 1) / stride;
  int end_inside = g->in_w - 3 + g->pad_left >= 0 ? (g->in_w - 3 + g->pad_left) / stride + 1 : 0;
  if (end_inside > g->out_w) end_inside = g->out_w;

  for (int oy = 0; oy < g->out_h; oy++) {
    const float *rows[3];
    int all_rows = 1;
    for (int ky = 0; ky < 3; ky++) {
      const int iy = oy * stride - g->pad_top + ky;
      rows[ky] = iy >= 0 && iy < g->in_h ? input + (size_t)iy * g->in_w * channels : NULL;
      all_rows &= rows[ky] != NULL;
    }
    const int lo = all_rows ? first_inside : g->out_w, hi = all_rows ? end_inside : g->out_w;
    float *out_row = output + (size_t)oy * g->out_w * channels;

    const float *w = packed;
    for (int c = 0; c < vec_channels; c += FW_DWCONV_GROUP, w += FW_DWCONV_GROUP * 10) {
      const v128_t bias = wasm_v128_load(w);
      v128_t k[9];
      for (int t = 0; t < 9; t++) k[t] = wasm_v128_load(w + FW_DWCONV_GROUP * (1 + t));
      int ox = 0;
      for (; ox < lo && ox < g->out_w; ox++)
        wasm_v128_store(out_row + (size_t)ox * channels + c, fw_activate_f32x4(border_pixel(g, rows, ox, c, k, bias), act));
      for (; ox < hi; ox++) {
        const size_t at = (size_t)(ox * stride - g->pad_left) * channels + c;
        const float *r0 = rows[0] + at, *r1 = rows[1] + at, *r2 = rows[2] + at;
        v128_t acc = bias;
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0), k[0]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + channels), k[1]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r0 + 2 * channels), k[2]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1), k[3]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + channels), k[4]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r1 + 2 * channels), k[5]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2), k[6]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + channels), k[7]));
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(r2 + 2 * channels), k[8]));
        wasm_v128_store(out_row + (size_t)ox * channels + c, fw_activate_f32x4(acc, act));
      }
      for (; ox < g->out_w; ox++)
        wasm_v128_store(out_row + (size_t)ox * channels + c, fw_activate_f32x4(border_pixel(g, rows, ox, c, k, bias), act));
    }

    for (int c = vec_channels; c < channels; c++) {
      const float *wc = packed + (size_t)(c / FW_DWCONV_GROUP) * FW_DWCONV_GROUP * 10;
      const int lane = c % FW_DWCONV_GROUP;
      for (int ox = 0; ox < g->out_w; ox++) {
        float acc = wc[lane];
        for (int ky = 0; ky < 3; ky++) {
          if (!rows[ky]) continue;
          for (int kx = 0; kx < 3; kx++) {
            const int ix = ox * stride - g->pad_left + kx;
            if (ix >= 0 && ix < g->in_w)
              acc += rows[ky][(size_t)ix * channels + c] * wc[FW_DWCONV_GROUP * (1 + ky * 3 + kx) + lane];
          }
        }
        out_row[(size_t)ox * channels + c] = fw_activate(acc, act);
      }
    }
  }
}
