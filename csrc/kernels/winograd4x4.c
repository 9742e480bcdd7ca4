/* Scalar reference for the Winograd F(4x4, 3x3) transforms, and the weight packing. */
#include "winograd4x4.h"

#include <string.h>

#include "conv.h"

size_t fw_winograd4x4_packed_size(int in_c, int out_c) {
  return FW_WINOGRAD4X4_POSITIONS * fw_conv_packed_size(1, in_c, out_c);
}

/* u = G g for one column g of 3 taps, in double (rounded once, at the end). */
static void weight_1d(const double g[3], double u[6]) {
  u[0] = g[0] / 4.0;
  u[1] = -(g[0] + g[1] + g[2]) / 6.0;
  u[2] = -(g[0] - g[1] + g[2]) / 6.0;
  u[3] = g[0] / 24.0 + g[1] / 12.0 + g[2] / 6.0;
  u[4] = g[0] / 24.0 - g[1] / 12.0 + g[2] / 6.0;
  u[5] = g[2];
}

void fw_pack_winograd4x4(const float *filter, int in_c, int out_c, float *packed) {
  /* 36 consecutive 1x1 packs (conv.h): [panels][8 zero biases | in_c x 8 outputs],
   * written directly; padded output channels and biases stay zero. */
  const size_t one = fw_conv_packed_size(1, in_c, out_c);
  const size_t panel = FW_CONV_PANEL * (1 + (size_t)in_c);
  memset(packed, 0, FW_WINOGRAD4X4_POSITIONS * one * sizeof(float));
  for (int ci = 0; ci < in_c; ci++) {
    for (int co = 0; co < out_c; co++) {
      double t[6][3]; /* t = G g, column by column */
      for (int kx = 0; kx < 3; kx++) {
        double column[3], u[6];
        for (int ky = 0; ky < 3; ky++) column[ky] = filter[((size_t)(ky * 3 + kx) * in_c + ci) * out_c + co];
        weight_1d(column, u);
        for (int r = 0; r < 6; r++) t[r][kx] = u[r];
      }
      const size_t at = (size_t)(co / FW_CONV_PANEL) * panel + FW_CONV_PANEL + (size_t)ci * FW_CONV_PANEL +
                        (size_t)(co % FW_CONV_PANEL);
      for (int r = 0; r < 6; r++) { /* U = t G^T, row by row */
        double u[6];
        weight_1d(t[r], u);
        for (int q = 0; q < 6; q++) packed[(size_t)(r * 6 + q) * one + at] = (float)u[q];
      }
    }
  }
}

void fw_f32_winograd4x4_input_tiles__scalar(const float *input, int h, int w, int c, float *v, size_t plane,
                                            int tile_begin, int tile_end) {
  const int tiles_x = (w + 3) / 4;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in v */
    for (int ch = 0; ch < c; ch++) {
      float column[6], t[6][6], row[6];
      for (int q = 0; q < 6; q++) { /* t = B^T d, column by column */
        const int ix = 4 * tx - 1 + q;
        for (int r = 0; r < 6; r++) {
          const int iy = 4 * ty - 1 + r;
          column[r] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? input[((size_t)iy * w + ix) * c + ch] : 0.0f;
        }
        float o[6];
        fw_winograd4x4_input_1d(column, o);
        for (int r = 0; r < 6; r++) t[r][q] = o[r];
      }
      for (int r = 0; r < 6; r++) { /* v = t B, row by row */
        fw_winograd4x4_input_1d(t[r], row);
        for (int q = 0; q < 6; q++) v[(size_t)(r * 6 + q) * plane + tile * c + ch] = row[q];
      }
    }
  }
}

void fw_f32_winograd4x4_output_tiles__scalar(const float *m, size_t plane, int h, int w, int out_c,
                                             const float *bias, float *output, fw_activation act, int tile_begin,
                                             int tile_end) {
  const int tiles_x = (w + 3) / 4;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in m */
    const int rows = h - 4 * ty < 4 ? h - 4 * ty : 4, cols = w - 4 * tx < 4 ? w - 4 * tx : 4;
    for (int ch = 0; ch < out_c; ch++) {
      const float *x = m + tile * out_c + ch;
      float s[4][6];
      for (int q = 0; q < 6; q++) { /* s = A^T m, column by column */
        float column[6], y[4];
        for (int r = 0; r < 6; r++) column[r] = x[(size_t)(r * 6 + q) * plane];
        fw_winograd4x4_output_1d(column, y);
        for (int a = 0; a < 4; a++) s[a][q] = y[a];
      }
      const float b = bias ? bias[ch] : 0.0f;
      for (int a = 0; a < rows; a++) { /* y = s A, row by row */
        float y[4];
        fw_winograd4x4_output_1d(s[a], y);
        float *dst = output + ((size_t)(4 * ty + a) * w + 4 * tx) * out_c + ch;
        for (int q = 0; q < cols; q++) dst[(size_t)q * out_c] = fw_activate(y[q] + b, act);
      }
    }
  }
}
