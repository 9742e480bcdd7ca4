/* Scalar reference for fw_f32_maxpool3x3. */
#include "maxpool3x3.h"

void fw_f32_maxpool3x3__scalar(const fw_conv_geometry *g, const float *input, float *output) {
  const int channels = g->in_c;
  for (int oy = 0; oy < g->out_h; oy++) {
    const int y0 = oy * g->stride - g->pad_top;
    const int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + 3 > g->in_h ? g->in_h - y0 : 3;
    for (int ox = 0; ox < g->out_w; ox++) {
      const int x0 = ox * g->stride - g->pad_left;
      const int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + 3 > g->in_w ? g->in_w - x0 : 3;
      float *out = output + ((size_t)oy * g->out_w + ox) * channels;
      const float *first = input + ((size_t)(y0 + ky0) * g->in_w + x0 + kx0) * channels;
      for (int c = 0; c < channels; c++) out[c] = first[c];
      for (int ky = ky0; ky < ky1; ky++) {
        for (int kx = kx0; kx < kx1; kx++) {
          const float *in = input + ((size_t)(y0 + ky) * g->in_w + x0 + kx) * channels;
          for (int c = 0; c < channels; c++)
            if (in[c] > out[c]) out[c] = in[c];
        }
      }
    }
  }
}
