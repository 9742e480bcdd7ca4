/* Scalar reference for the Winograd F(2x2, 3x3) transforms, and the weight packing. */
#include "winograd.h"

#include <string.h>

#include "conv.h"

size_t fw_winograd_packed_size(int in_c, int out_c) {
  return FW_WINOGRAD_POSITIONS * fw_conv_packed_size(1, in_c, out_c);
}

void fw_pack_winograd(const float *filter, int in_c, int out_c, float *packed) {
  /* 16 consecutive 1x1 packs (conv.h): [panels][8 zero biases | in_c x 8 outputs],
   * written directly; padded output channels and biases stay zero. */
  const size_t one = fw_conv_packed_size(1, in_c, out_c);
  const size_t panel = FW_CONV_PANEL * (1 + (size_t)in_c);
  memset(packed, 0, FW_WINOGRAD_POSITIONS * one * sizeof(float));
  for (int ci = 0; ci < in_c; ci++) {
    for (int co = 0; co < out_c; co++) {
      double g[3][3], t[4][3];
      for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++) g[ky][kx] = filter[((size_t)(ky * 3 + kx) * in_c + ci) * out_c + co];
      for (int k = 0; k < 3; k++) { /* t = G g */
        t[0][k] = g[0][k];
        t[1][k] = 0.5 * (g[0][k] + g[1][k] + g[2][k]);
        t[2][k] = 0.5 * (g[0][k] - g[1][k] + g[2][k]);
        t[3][k] = g[2][k];
      }
      const size_t at = (size_t)(co / FW_CONV_PANEL) * panel + FW_CONV_PANEL + (size_t)ci * FW_CONV_PANEL +
                        (size_t)(co % FW_CONV_PANEL);
      for (int r = 0; r < 4; r++) { /* U = t G^T */
        const double row[4] = {t[r][0], 0.5 * (t[r][0] + t[r][1] + t[r][2]), 0.5 * (t[r][0] - t[r][1] + t[r][2]),
                               t[r][2]};
        for (int q = 0; q < 4; q++) packed[(size_t)(r * 4 + q) * one + at] = (float)row[q];
      }
    }
  }
}

void fw_f32_winograd_input_tiles__scalar(const float *input, int h, int w, int c, float *v, size_t plane,
                                         int tile_begin, int tile_end) {
  const int tiles_x = (w + 1) / 2;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in v */
    for (int ch = 0; ch < c; ch++) {
      float d[4][4], t[4][4];
      for (int r = 0; r < 4; r++) {
        const int iy = 2 * ty - 1 + r;
        for (int q = 0; q < 4; q++) {
          const int ix = 2 * tx - 1 + q;
          d[r][q] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? input[((size_t)iy * w + ix) * c + ch] : 0.0f;
        }
      }
      for (int q = 0; q < 4; q++) { /* t = B^T d */
        t[0][q] = d[0][q] - d[2][q];
        t[1][q] = d[1][q] + d[2][q];
        t[2][q] = d[2][q] - d[1][q];
        t[3][q] = d[1][q] - d[3][q];
      }
      for (int r = 0; r < 4; r++) { /* v = t B */
        float *out = v + (size_t)(r * 4) * plane + tile * c + ch;
        out[0] = t[r][0] - t[r][2];
        out[plane] = t[r][1] + t[r][2];
        out[2 * plane] = t[r][2] - t[r][1];
        out[3 * plane] = t[r][1] - t[r][3];
      }
    }
  }
}

void fw_f32_winograd_output_tiles__scalar(const float *m, size_t plane, int h, int w, int out_c, const float *bias,
                                          float *output, fw_activation act, int tile_begin, int tile_end) {
  const int tiles_x = (w + 1) / 2;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in m */
    for (int ch = 0; ch < out_c; ch++) {
      float s[2][4];
      const float *x = m + tile * out_c + ch;
      for (int q = 0; q < 4; q++) { /* s = A^T m */
        const float m0 = x[(size_t)q * plane], m1 = x[(size_t)(4 + q) * plane];
        const float m2 = x[(size_t)(8 + q) * plane], m3 = x[(size_t)(12 + q) * plane];
        s[0][q] = m0 + m1 + m2;
        s[1][q] = m1 - m2 - m3;
      }
      const float b = bias ? bias[ch] : 0.0f;
      for (int a = 0; a < 2; a++) { /* y = s A */
        const int oy = 2 * ty + a;
        if (oy >= h) break;
        const float y0 = s[a][0] + s[a][1] + s[a][2] + b, y1 = s[a][1] - s[a][2] - s[a][3] + b;
        output[((size_t)oy * w + 2 * tx) * out_c + ch] = fw_activate(y0, act);
        if (2 * tx + 1 < w) output[((size_t)oy * w + 2 * tx + 1) * out_c + ch] = fw_activate(y1, act);
      }
    }
  }
}
