/* Scalar reference for the int16 pointwise kernels, and the packing they share. */
#include "pointwise_i16.h"

#include <math.h>

size_t fw_i16_pointwise_codes_size(int in_c, int out_c) {
  const size_t panels = ((size_t)out_c + FW_I16_PANEL - 1) / FW_I16_PANEL;
  return panels * FW_I16_PANEL * (size_t)fw_i16_row_stride(in_c);
}

int fw_i16_pointwise_pack(const float *filter, double qscale, double qmin, int in_c, int out_c, int16_t *codes) {
  if (!(qscale > 0.0)) return -1;
  const int pairs = fw_i16_row_stride(in_c) / 2;
  for (int p = 0; p < out_c; p += FW_I16_PANEL) {
    for (int kp = 0; kp < pairs; kp++) {
      for (int j = 0; j < FW_I16_PANEL; j++) {
        for (int h = 0; h < 2; h++) {
          const int k = 2 * kp + h, n = p + j;
          int code = 128;
          if (k < in_c && n < out_c) {
            const float v = filter[(size_t)k * out_c + n];
            const double c = nearbyint(((double)v - qmin) / qscale);
            if (!(c >= 0.0 && c <= 255.0) || (float)(c * qscale + qmin) != v) return -1;
            code = (int)c;
          }
          /* lanes: [n0: k, k+1][n1: k, k+1].. in each half-panel of 4 outputs */
          codes[(j / 4) * 8 + (j % 4) * 2 + h] = (int16_t)(code - 128);
        }
      }
      codes += 2 * FW_I16_PANEL;
    }
  }
  return 0;
}

void fw_i16_quantize_rows__scalar(const float *x, int pixels, int in_c, int16_t *q, float *row_scale,
                                  int32_t *row_sum) {
  const int stride = fw_i16_row_stride(in_c), limit = fw_i16_quant_limit(in_c);
  for (int p = 0; p < pixels; p++, x += in_c, q += stride) {
    float m = 0.0f;
    for (int k = 0; k < in_c; k++) m = fmaxf(m, fabsf(x[k]));
    const float inv = m > 0.0f ? (float)limit / m : 0.0f;
    int32_t sum = 0;
    for (int k = 0; k < in_c; k++) {
      const int v = fw_i16_quantize_value(x[k], inv);
      q[k] = (int16_t)v;
      sum += v;
    }
    if (in_c & 1) q[in_c] = 0;
    row_scale[p] = m / (float)limit;
    row_sum[p] = sum;
  }
}

void fw_i16_pointwise__scalar(const fw_pointwise_i16 *w, const int16_t *q, const float *row_scale,
                              const int32_t *row_sum, int pixels, float *output, fw_activation act) {
  const int stride = fw_i16_row_stride(w->in_c), pairs = stride / 2, out_c = w->out_c;
  const size_t panel_size = (size_t)FW_I16_PANEL * stride;
  for (int p = 0; p < pixels; p++) {
    const int16_t *x = q + (size_t)p * stride;
    const float a = w->scale * row_scale[p];
    const float b = (w->offset * row_scale[p]) * (float)row_sum[p];
    float *out = output + (size_t)p * out_c;
    for (int n0 = 0; n0 < out_c; n0 += FW_I16_PANEL) {
      const int16_t *c = w->codes + (size_t)(n0 / FW_I16_PANEL) * panel_size;
      int32_t acc[FW_I16_PANEL] = {0};
      for (int kp = 0; kp < pairs; kp++, c += 2 * FW_I16_PANEL)
        for (int j = 0; j < FW_I16_PANEL; j++) {
          const int16_t *cj = c + (j / 4) * 8 + (j % 4) * 2;
          acc[j] += cj[0] * x[2 * kp] + cj[1] * x[2 * kp + 1];
        }
      for (int j = 0; j < FW_I16_PANEL && n0 + j < out_c; j++)
        out[n0 + j] = fw_activate_channel(((float)acc[j] * a + b) + w->bias[n0 + j], act, n0 + j);
    }
  }
}
