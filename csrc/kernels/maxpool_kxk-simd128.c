/* SIMD128 twin of fw_f32_maxpool_kxk__scalar: 4 channels per vector, scalar tail. */
#include "maxpool_kxk.h"

#include "simd128.h"

static void window(int out_index, int stride, int pad_before, int kernel, int extent, int *first, int *end) {
  const int start = out_index * stride - pad_before;
  *first = start < 0 ? 0 : start;
  *end = start + kernel < extent ? start + kernel : extent;
}

void fw_f32_maxpool_kxk__simd128(const fw_conv_geometry *g, const float *input, float *output) {
  const int c = g->in_c, vec_c = c & ~3;
  for (int oy = 0; oy < g->out_h; oy++) {
    int y0, y1;
    window(oy, g->stride, g->pad_top, g->kernel, g->in_h, &y0, &y1);
    for (int ox = 0; ox < g->out_w; ox++) {
      int x0, x1;
      window(ox, g->stride, g->pad_left, g->kernel, g->in_w, &x0, &x1);
      float *out = output + ((size_t)oy * g->out_w + ox) * c;
      const float *first = input + ((size_t)y0 * g->in_w + x0) * c;
      int ch = 0;
      for (; ch < vec_c; ch += 4) {
        v128_t m = wasm_v128_load(first + ch);
        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++) m = wasm_f32x4_pmax(m, wasm_v128_load(input + ((size_t)y * g->in_w + x) * c + ch));
        wasm_v128_store(out + ch, m);
      }
      for (; ch < c; ch++) {
        float m = first[ch];
        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++) {
            const float v = input[((size_t)y * g->in_w + x) * c + ch];
            if (v > m) m = v;
          }
        out[ch] = m;
      }
    }
  }
}
