/* SIMD128 twin of fw_f32_maxpool3x3__scalar: 4 channels per vector, the last
 * c % 4 channels scalar. pmax(m, x) keeps m unless x > m, as the scalar does. */
#include "maxpool3x3.h"

#include "simd128.h"

void fw_f32_maxpool3x3__simd128(const fw_conv_geometry *g, const float *input, float *output) {
  const int channels = g->in_c;
  const int vec_channels = channels & ~3;
  for (int oy = 0; oy < g->out_h; oy++) {
    const int y0 = oy * g->stride - g->pad_top;
    const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + 3 > g->in_h ? g->in_h - y0 : 3;
    for (int ox = 0; ox < g->out_w; ox++) {
      const int x0 = ox * g->stride - g->pad_left;
      const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + 3 > g->in_w ? g->in_w - x0 : 3;
      const float *tap[9];
      int taps = 0;
      for (int ky = ky0; ky < ky1; ky++)
        for (int kx = kx0; kx < kx1; kx++) tap[taps++] = input + ((size_t)(y0 + ky) * g->in_w + x0 + kx) * channels;
      float *out = output + ((size_t)oy * g->out_w + ox) * channels;
      int c = 0;
      for (; c < vec_channels; c += 4) {
        v128_t m = wasm_v128_load(tap[0] + c);
        for (int t = 1; t < taps; t++) m = wasm_f32x4_pmax(m, wasm_v128_load(tap[t] + c));
        wasm_v128_store(out + c, m);
      }
      for (; c < channels; c++) {
        float m = tap[0][c];
        for (int t = 1; t < taps; t++)
          if (tap[t][c] > m) m = tap[t][c];
        out[c] = m;
      }
    }
  }
}
