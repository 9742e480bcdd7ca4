/* Scalar reference for fw_f32_dwconv3x3 and its weight packing. */
#include "dwconv.h"

size_t fw_dwconv3x3_packed_size(int channels) {
  size_t groups = ((size_t)channels + FW_DWCONV_GROUP - 1) / FW_DWCONV_GROUP;
  return groups * FW_DWCONV_GROUP * 10;
}

void fw_pack_dwconv3x3(const float *filter, const float *bias, int channels, float *packed) {
  for (int c0 = 0; c0 < channels; c0 += FW_DWCONV_GROUP) {
    for (int j = 0; j < FW_DWCONV_GROUP; j++) *packed++ = (bias && c0 + j < channels) ? bias[c0 + j] : 0.0f;
    for (int t = 0; t < 9; t++)
      for (int j = 0; j < FW_DWCONV_GROUP; j++)
        *packed++ = c0 + j < channels ? filter[(size_t)t * channels + c0 + j] : 0.0f;
  }
}

void fw_f32_dwconv3x3__scalar(const fw_conv_geometry *g, const float *input, const float *packed,
                              const float *zero, float *output, fw_activation act) {
  (void)zero;
  const int channels = g->in_c;
  for (int oy = 0; oy < g->out_h; oy++) {
    for (int ox = 0; ox < g->out_w; ox++) {
      float *out = output + ((size_t)oy * g->out_w + ox) * channels;
      for (int c = 0; c < channels; c++) {
        const float *w = packed + (size_t)(c / FW_DWCONV_GROUP) * FW_DWCONV_GROUP * 10;
        const int lane = c % FW_DWCONV_GROUP;
        float acc = w[lane];
        for (int ky = 0; ky < 3; ky++) {
          const int iy = oy * g->stride - g->pad_top + ky;
          if (iy < 0 || iy >= g->in_h) continue;
          for (int kx = 0; kx < 3; kx++) {
            const int ix = ox * g->stride - g->pad_left + kx;
            if (ix < 0 || ix >= g->in_w) continue;
            acc += input[((size_t)iy * g->in_w + ix) * channels + c] * w[FW_DWCONV_GROUP * (1 + ky * 3 + kx) + lane];
          }
        }
        out[c] = fw_activate(acc, act);
      }
    }
  }
}
