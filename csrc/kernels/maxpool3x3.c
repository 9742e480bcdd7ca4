/* Scalar reference for fw_f32_maxpool3x3s2. */
#include "maxpool3x3.h"

#include <stddef.h>

void fw_f32_maxpool3x3s2__scalar(const float *input, int in_h, int in_w, int channels, float *output) {
  const int out_h = (in_h - 3) / 2 + 1, out_w = (in_w - 3) / 2 + 1;
  for (int oy = 0; oy < out_h; oy++) {
    for (int ox = 0; ox < out_w; ox++) {
      float *out = output + ((size_t)oy * out_w + ox) * channels;
      const float *corner = input + ((size_t)(2 * oy) * in_w + 2 * ox) * channels;
      for (int c = 0; c < channels; c++) {
        float m = corner[c];
        for (int dy = 0; dy < 3; dy++)
          for (int dx = 0; dx < 3; dx++) {
            const float v = corner[((size_t)dy * in_w + dx) * channels + c];
            if (v > m) m = v;
          }
        out[c] = m;
      }
    }
  }
}
