/* SIMD128 twin of fw_f32_dwconv3x3__scalar: per output pixel, resolve the 9
 * tap pointers once (padding taps point at `zero`), then run 4 channels per
 * vector. The last c % 4 channels take the scalar path. */
#include "dwconv.h"

#include "simd128.h"

void fw_f32_dwconv3x3__simd128(const fw_conv_geometry *g, const float *input, const float *packed,
                               const float *zero, float *output, fw_activation act) {
  const int channels = g->in_c;
  const int vec_channels = channels & ~(FW_DWCONV_GROUP - 1);
  for (int oy = 0; oy < g->out_h; oy++) {
    for (int ox = 0; ox < g->out_w; ox++) {
      const float *tap[9];
      for (int ky = 0; ky < 3; ky++) {
        const int iy = oy * g->stride - g->pad_top + ky;
        for (int kx = 0; kx < 3; kx++) {
          const int ix = ox * g->stride - g->pad_left + kx;
          const int inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
          tap[ky * 3 + kx] = inside ? input + ((size_t)iy * g->in_w + ix) * channels : zero;
        }
      }
      float *out = output + ((size_t)oy * g->out_w + ox) * channels;
      const float *w = packed;
      int c = 0;
      for (; c < vec_channels; c += FW_DWCONV_GROUP, w += FW_DWCONV_GROUP * 10) {
        v128_t acc = wasm_v128_load(w);
        for (int t = 0; t < 9; t++)
          acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(tap[t] + c), wasm_v128_load(w + 4 * (1 + t))));
        wasm_v128_store(out + c, fw_activate_f32x4(acc, act));
      }
      for (; c < channels; c++) {
        const int lane = c % FW_DWCONV_GROUP;
        float acc = w[lane];
        for (int t = 0; t < 9; t++) acc += tap[t][c] * w[FW_DWCONV_GROUP * (1 + t) + lane];
        out[c] = fw_activate(acc, act);
      }
    }
  }
}
