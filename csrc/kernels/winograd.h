/* Winograd F(2x2, 3x3) for 3x3 stride-1 SAME convolutions over NHWC float
 * tensors (the recognition net's residual convs): each 2x2 block of outputs
 * ("tile") comes from a 4x4 input patch with 16 multiplies per channel pair
 * instead of 36. The convolution is done in three steps:
 *
 *   1. input tiles: V[xi][tile][c] = (B^T d B)[xi] for each tile's 4x4
 *      patch d (rows 2*ty-1 .. 2*ty+2, columns likewise; taps outside the
 *      image are 0, which is SAME padding 1).
 *   2. for each of the 16 positions xi, M[xi] = V[xi] x U[xi]: a 1x1 conv
 *      (fw_f32_conv over a 1 x tiles "image") with the packed weights from
 *      fw_pack_winograd (16 consecutive 1x1 packs, zero bias).
 *   3. output tiles: output = activation(A^T M A + bias), keeping only the
 *      pixels inside the h x w output.
 *
 * tiles = ceil(h / 2) * ceil(w / 2), in row-major tile order. With
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
 *   A^T = [1 1 1 0; 0 1 -1 -1],  U = G g G^T.
 * Results differ from the direct convolution by float rounding only. */
#ifndef FW_WINOGRAD_H
#define FW_WINOGRAD_H

#include <stddef.h>

#include "activation.h"

#define FW_WINOGRAD_POSITIONS 16

static inline int fw_winograd_tiles(int h, int w) { return ((h + 1) / 2) * ((w + 1) / 2); }

/* Floats fw_pack_winograd writes: 16 x fw_conv_packed_size(1, in_c, out_c). */
size_t fw_winograd_packed_size(int in_c, int out_c);

/* filter: HWIO [3][3][in_c][out_c]. */
void fw_pack_winograd(const float *filter, int in_c, int out_c, float *packed);

/* The transforms take tiles [tile_begin, tile_end) (row-major tile order),
 * with the tiles of the range stored at their offset from tile_begin:
 *   tile t, position xi at  v[xi * plane + (t - tile_begin) * c]
 * (m likewise with out_c). plane = tiles * c lays out the whole map as
 * [16][tiles][c] (v pointing at tile_begin's row of it); plane = (tile_end -
 * tile_begin) * c packs a block of tiles into a buffer of its own. Tiles are
 * independent, so any split gives the same values bit for bit.
 *
 * input [h][w][c] -> v;  m -> output [h][w][out_c], bias [out_c] (NULL for none). */
void fw_f32_winograd_input_tiles__scalar(const float *input, int h, int w, int c, float *v, size_t plane,
                                         int tile_begin, int tile_end);
void fw_f32_winograd_input_tiles__simd128(const float *input, int h, int w, int c, float *v, size_t plane,
                                          int tile_begin, int tile_end);
void fw_f32_winograd_output_tiles__scalar(const float *m, size_t plane, int h, int w, int out_c, const float *bias,
                                          float *output, fw_activation act, int tile_begin, int tile_end);
void fw_f32_winograd_output_tiles__simd128(const float *m, size_t plane, int h, int w, int out_c, const float *bias,
                                           float *output, fw_activation act, int tile_begin, int tile_end);

#endif
