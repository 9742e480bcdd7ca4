/* SIMD128 twin of fw_f32_maxpool2x2__scalar: 4 channels per vector, scalar tail. */
#include "maxpool.h"

#include <stddef.h>

#include "simd128.h"

void fw_f32_maxpool2x2__simd128(const float *input, int in_h, int in_w, int channels, int stride, float *output) {
  const int out_h = (in_h + stride - 1) / stride, out_w = (in_w + stride - 1) / stride;
  const int vec_channels = channels & ~3;
  for (int oy = 0; oy < out_h; oy++) {
    const int y0 = oy * stride, y1 = y0 + 1 < in_h ? y0 + 1 : y0;
    for (int ox = 0; ox < out_w; ox++) {
      const int x0 = ox * stride, x1 = x0 + 1 < in_w ? x0 + 1 : x0;
      const float *a = input + ((size_t)y0 * in_w + x0) * channels, *b = input + ((size_t)y0 * in_w + x1) * channels;
      const float *c = input + ((size_t)y1 * in_w + x0) * channels, *d = input + ((size_t)y1 * in_w + x1) * channels;
      float *out = output + ((size_t)oy * out_w + ox) * channels;
      int ch = 0;
      for (; ch < vec_channels; ch += 4) {
        v128_t m = wasm_f32x4_pmax(wasm_v128_load(a + ch), wasm_v128_load(b + ch));
        m = wasm_f32x4_pmax(m, wasm_f32x4_pmax(wasm_v128_load(c + ch), wasm_v128_load(d + ch)));
        wasm_v128_store(out + ch, m);
      }
      for (; ch < channels; ch++) {
        float m = a[ch];
        if (b[ch] > m) m = b[ch];
        if (c[ch] > m) m = c[ch];
        if (d[ch] > m) m = d[ch];
        out[ch] = m;
      }
    }
  }
}
