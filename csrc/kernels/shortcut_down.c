/* Scalar reference for fw_f32_shortcut_down. */
#include "shortcut_down.h"

#include <stddef.h>

void fw_f32_shortcut_down__scalar(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                                  int body_w, int out_c, float *output) {
  const int out_h = in_h / 2, out_w = in_w / 2;
  for (int y = 0; y < out_h; y++) {
    for (int x = 0; x < out_w; x++) {
      const float *p00 = input + ((size_t)(2 * y) * in_w + 2 * x) * in_c;
      const float *p01 = p00 + in_c, *p10 = p00 + (size_t)in_w * in_c, *p11 = p10 + in_c;
      const float *b = (y < body_h && x < body_w) ? body + ((size_t)y * body_w + x) * out_c : NULL;
      float *out = output + ((size_t)y * out_w + x) * out_c;
      for (int c = 0; c < out_c; c++) {
        float s = c < in_c ? (p00[c] + p01[c] + p10[c] + p11[c]) * 0.25f : 0.0f;
        if (b) s += b[c];
        out[c] = s > 0.0f ? s : 0.0f;
      }
    }
  }
}
