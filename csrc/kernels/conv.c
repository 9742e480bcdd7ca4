/* Scalar reference for fw_f32_conv and the packing it shares with the SIMD twin. */
#include "conv.h"

void fw_tf_padding(int in, int kernel, int stride, fw_padding padding, int *out, int *pad_before) {
  if (padding == FW_PAD_SAME) {
    *out = (in + stride - 1) / stride;
    int total = (*out - 1) * stride + kernel - in;
    if (total < 0) total = 0;
    *pad_before = total / 2;
  } else {
    *out = in >= kernel ? (in - kernel) / stride + 1 : 0;
    *pad_before = 0;
  }
}

fw_conv_geometry fw_conv_geometry_tf(int in_h, int in_w, int in_c, int out_c, int kernel, int stride,
                                     fw_padding padding) {
  fw_conv_geometry g = {in_h, in_w, in_c, 0, 0, out_c, kernel, stride, 0, 0};
  fw_tf_padding(in_h, kernel, stride, padding, &g.out_h, &g.pad_top);
  fw_tf_padding(in_w, kernel, stride, padding, &g.out_w, &g.pad_left);
  return g;
}

fw_conv_geometry fw_conv_row_band(const fw_conv_geometry *g, int first_row, int rows) {
  fw_conv_geometry band = *g;
  band.out_h = rows;
  band.pad_top = g->pad_top - first_row * g->stride;
  return band;
}

size_t fw_conv_packed_size(int kernel, int in_c, int out_c) {
  size_t panels = ((size_t)out_c + FW_CONV_PANEL - 1) / FW_CONV_PANEL;
  return panels * FW_CONV_PANEL * (1 + (size_t)kernel * kernel * in_c);
}

void fw_pack_conv(const float *filter, const float *bias, int kernel, int in_c, int out_c, float *packed) {
  size_t taps = (size_t)kernel * kernel * in_c;
  for (int p = 0; p < out_c; p += FW_CONV_PANEL) {
    for (int j = 0; j < FW_CONV_PANEL; j++) *packed++ = (bias && p + j < out_c) ? bias[p + j] : 0.0f;
    for (size_t t = 0; t < taps; t++)
      for (int j = 0; j < FW_CONV_PANEL; j++) *packed++ = p + j < out_c ? filter[t * out_c + p + j] : 0.0f;
  }
}

void fw_f32_conv__scalar(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                         float *output, fw_activation act) {
  (void)zero;
  const int k = g->kernel;
  const size_t panel_size = FW_CONV_PANEL * (1 + (size_t)k * k * g->in_c);
  for (int oy = 0; oy < g->out_h; oy++) {
    for (int ox = 0; ox < g->out_w; ox++) {
      float *out = output + ((size_t)oy * g->out_w + ox) * g->out_c;
      for (int p = 0; p < g->out_c; p += FW_CONV_PANEL) {
        const float *w = packed + (size_t)(p / FW_CONV_PANEL) * panel_size;
        float acc[FW_CONV_PANEL];
        for (int j = 0; j < FW_CONV_PANEL; j++) acc[j] = w[j];
        w += FW_CONV_PANEL;
        for (int ky = 0; ky < k; ky++) {
          int iy = oy * g->stride - g->pad_top + ky;
          for (int kx = 0; kx < k; kx++) {
            int ix = ox * g->stride - g->pad_left + kx;
            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
              w += (size_t)g->in_c * FW_CONV_PANEL;
              continue;
            }
            const float *in = input + ((size_t)iy * g->in_w + ix) * g->in_c;
            for (int c = 0; c < g->in_c; c++, w += FW_CONV_PANEL)
              for (int j = 0; j < FW_CONV_PANEL; j++) acc[j] += in[c] * w[j];
          }
        }
        for (int j = 0; j < FW_CONV_PANEL && p + j < g->out_c; j++) out[p + j] = fw_activate_channel(acc[j], act, p + j);
      }
    }
  }
}
