/* Scalar reference for fw_f32_maxpool2x2. With a 2x2 window TensorFlow's SAME
 * padding is 0 before and 0 or 1 after, so each window starts at (oy, ox) *
 * stride and only its second row/column may fall outside. */
#include "maxpool.h"

#include <stddef.h>

void fw_f32_maxpool2x2__scalar(const float *input, int in_h, int in_w, int channels, int stride, float *output) {
  const int out_h = (in_h + stride - 1) / stride, out_w = (in_w + stride - 1) / stride;
  for (int oy = 0; oy < out_h; oy++) {
    const int y0 = oy * stride, y1 = y0 + 1 < in_h ? y0 + 1 : y0;
    for (int ox = 0; ox < out_w; ox++) {
      const int x0 = ox * stride, x1 = x0 + 1 < in_w ? x0 + 1 : x0;
      const float *a = input + ((size_t)y0 * in_w + x0) * channels, *b = input + ((size_t)y0 * in_w + x1) * channels;
      const float *c = input + ((size_t)y1 * in_w + x0) * channels, *d = input + ((size_t)y1 * in_w + x1) * channels;
      float *out = output + ((size_t)oy * out_w + ox) * channels;
      for (int ch = 0; ch < channels; ch++) {
        float m = a[ch];
        if (b[ch] > m) m = b[ch];
        if (c[ch] > m) m = c[ch];
        if (d[ch] > m) m = d[ch];
        out[ch] = m;
      }
    }
  }
}
