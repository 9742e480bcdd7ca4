/* Dense KxK convolution over NHWC float tensors (K = 1 is the pointwise
 * GEMM), with bias and a fused activation.
 *
 * Geometry follows TensorFlow: fw_conv_geometry_tf() derives output size and
 * the top/left padding for SAME or VALID exactly as tf.conv2d does (SAME puts
 * the odd pixel of padding at the bottom/right).
 *
 * Packed weights, made once at load by fw_pack_conv():
 *   [ceil(out_c / 8) panels] x [8 biases | K*K*in_c taps x 8 outputs]
 *   taps ordered (ky, kx, ci); output channels past out_c are zero.
 *
 * The kernels read each input pixel's in_c floats and, for taps that fall in
 * the padding, the `zero` buffer (at least in_c zeros). They never read past
 * the input tensor or write past out_h * out_w * out_c outputs.
 *
 * Every activation kind is supported, FW_ACT_PRELU included (act.alphas holds
 * out_c values; none past it is read). */
#ifndef FW_CONV_H
#define FW_CONV_H

#include <stddef.h>

#include "activation.h"

typedef enum fw_padding { FW_PAD_VALID = 0, FW_PAD_SAME = 1 } fw_padding;

typedef struct fw_conv_geometry {
  int in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int kernel; /* K: the filter is K x K */
  int stride;
  int pad_top, pad_left;
} fw_conv_geometry;

#define FW_CONV_PANEL 8
#define FW_CONV_MAX_KERNEL 7 /* largest K the kernels accept (the recognition stem) */

/* Output size along one axis and the padding before it, as TensorFlow does. */
void fw_tf_padding(int in, int kernel, int stride, fw_padding padding, int *out, int *pad_before);

fw_conv_geometry fw_conv_geometry_tf(int in_h, int in_w, int in_c, int out_c, int kernel, int stride,
                                     fw_padding padding);

/* Output rows [first_row, first_row + rows) of g as a geometry of their own:
 * the same input and in_h, pad_top moved up by first_row * stride, so every
 * tap resolves as in the whole map. A kernel run on it writes those rows
 * (from output + first_row * out_w * out_c) bit for bit as one call over the
 * whole map would: how threads split convs and pools. */
fw_conv_geometry fw_conv_row_band(const fw_conv_geometry *g, int first_row, int rows);

/* Number of floats fw_pack_conv() writes. */
size_t fw_conv_packed_size(int kernel, int in_c, int out_c);

/* filter: HWIO [K][K][in_c][out_c]; bias: [out_c] or NULL for zeros. */
void fw_pack_conv(const float *filter, const float *bias, int kernel, int in_c, int out_c, float *packed);

void fw_f32_conv__scalar(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                         float *output, fw_activation act);
void fw_f32_conv__simd128(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                          float *output, fw_activation act);

#endif
