/* Depthwise 3x3 convolution over NHWC float tensors, stride 1 or 2, SAME or
 * VALID padding (geometry from fw_conv_geometry_tf with in_c == out_c and
 * kernel 3), with optional bias and a fused activation.
 *
 * Packed weights, made once at load by fw_pack_dwconv3x3():
 *   [ceil(c / 4) groups] x [4 biases | 9 taps x 4 channels]
 *   taps ordered (ky, kx); channels past c are zero.
 *
 * Taps in the padding read the `zero` buffer (at least c zeros). */
#ifndef FW_DWCONV_H
#define FW_DWCONV_H

#include <stddef.h>

#include "conv.h"

#define FW_DWCONV_GROUP 4

size_t fw_dwconv3x3_packed_size(int channels);

/* filter: [3][3][c][1] as in face-api.js's manifests; bias: [c] or NULL. */
void fw_pack_dwconv3x3(const float *filter, const float *bias, int channels, float *packed);

void fw_f32_dwconv3x3__scalar(const fw_conv_geometry *g, const float *input, const float *packed,
                              const float *zero, float *output, fw_activation act);
void fw_f32_dwconv3x3__simd128(const fw_conv_geometry *g, const float *input, const float *packed,
                               const float *zero, float *output, fw_activation act);

#endif
