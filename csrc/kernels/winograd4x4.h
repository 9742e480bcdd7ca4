/* Winograd F(4x4, 3x3) for 3x3 stride-1 SAME convolutions over NHWC float
 * tensors: each 4x4 block of outputs ("tile") comes from a 6x6 input patch
 * with 36 multiplies per channel pair instead of 144 (F(2x2, 3x3) in
 * winograd.h needs 64 for the same four 2x2 tiles). The steps and layouts are
 * those of winograd.h with 36 positions instead of 16:
 *
 *   1. input tiles:  V[xi][tile][c] = (B^T d B)[xi], d the tile's 6x6 patch
 *      (rows 4*ty-1 .. 4*ty+4, columns likewise; taps outside the image are 0,
 *      SAME padding 1).
 *   2. for each of the 36 positions xi, M[xi] = V[xi] x U[xi]: a 1x1 conv
 *      (fw_f32_conv over a 1 x tiles "image") with the packed weights from
 *      fw_pack_winograd4x4 (36 consecutive 1x1 packs, zero bias).
 *   3. output tiles: output = activation(A^T M A + bias), keeping only the
 *      pixels inside the h x w output.
 *
 * tiles = ceil(h / 4) * ceil(w / 4), in row-major tile order. The matrices
 * (interpolation points 0, 1, -1, 2, -2 and infinity):
 *   B^T = [4  0 -5  0 1 0;  0 -4 -4  1 1 0;  0 4 -4 -1 1 0;
 *          0 -2 -1  2 1 0;  0  2 -1 -2 1 0;  0 4  0 -5 0 1]
 *   G   = [1/4 0 0;  -1/6 -1/6 -1/6;  -1/6 1/6 -1/6;
 *          1/24 1/12 1/6;  1/24 -1/12 1/6;  0 0 1]
 *   A^T = [1 1 1 1 1 0;  0 1 -1 2 -2 0;  0 1 1 4 4 0;  0 1 -1 8 -8 1]
 * and U = G g G^T. Results differ from the direct convolution by float
 * rounding only, though more of it than F(2x2, 3x3)'s (the transforms scale
 * terms by up to 8 before they cancel); the kernel tests hold both to the
 * same tolerance.
 *
 * The functions take tile ranges [tile_begin, tile_end) with an explicit
 * plane, exactly as fw_f32_winograd_input_tiles / _output_tiles do. */
#ifndef FW_WINOGRAD4X4_H
#define FW_WINOGRAD4X4_H

#include <stddef.h>

#include "activation.h"

#define FW_WINOGRAD4X4_POSITIONS 36

static inline int fw_winograd4x4_tiles(int h, int w) { return ((h + 3) / 4) * ((w + 3) / 4); }

/* Floats fw_pack_winograd4x4 writes: 36 x fw_conv_packed_size(1, in_c, out_c). */
size_t fw_winograd4x4_packed_size(int in_c, int out_c);

/* filter: HWIO [3][3][in_c][out_c]. */
void fw_pack_winograd4x4(const float *filter, int in_c, int out_c, float *packed);

/* input [h][w][c] -> tile t, position xi at v[xi * plane + (t - tile_begin) * c] */
void fw_f32_winograd4x4_input_tiles__scalar(const float *input, int h, int w, int c, float *v, size_t plane,
                                            int tile_begin, int tile_end);
void fw_f32_winograd4x4_input_tiles__simd128(const float *input, int h, int w, int c, float *v, size_t plane,
                                             int tile_begin, int tile_end);

/* m (laid out as v, with out_c) -> output [h][w][out_c]; bias [out_c] (NULL for none). */
void fw_f32_winograd4x4_output_tiles__scalar(const float *m, size_t plane, int h, int w, int out_c,
                                             const float *bias, float *output, fw_activation act, int tile_begin,
                                             int tile_end);
void fw_f32_winograd4x4_output_tiles__simd128(const float *m, size_t plane, int h, int w, int out_c,
                                              const float *bias, float *output, fw_activation act, int tile_begin,
                                              int tile_end);

/* The 1-D transforms, shared by the scalar and SIMD twins so that both round
 * alike (the SIMD twin spells the same expressions in vector operations).
 * Input: o = B^T d. */
static inline void fw_winograd4x4_input_1d(const float d[6], float o[6]) {
  const float a = d[4] - 4.0f * d[2], b = d[3] - 4.0f * d[1];
  const float e = d[4] - d[2], f = 2.0f * (d[3] - d[1]);
  o[0] = (4.0f * d[0] - 5.0f * d[2]) + d[4];
  o[1] = a + b;
  o[2] = a - b;
  o[3] = e + f;
  o[4] = e - f;
  o[5] = (4.0f * d[1] - 5.0f * d[3]) + d[5];
}

/* Output: y = A^T m. */
static inline void fw_winograd4x4_output_1d(const float m[6], float y[4]) {
  const float p = m[1] + m[2], q = m[1] - m[2], r = m[3] + m[4], s = m[3] - m[4];
  y[0] = (m[0] + p) + r;
  y[1] = q + 2.0f * s;
  y[2] = p + 4.0f * r;
  y[3] = (q + 8.0f * s) + m[5];
}

#endif
