/* KxK max pooling over NHWC float tensors, any stride, TensorFlow's SAME or
 * VALID geometry: g comes from fw_conv_geometry_tf(in_h, in_w, c, c, K,
 * stride, padding) (in_c == out_c == channels). Taps that fall in the padding
 * are skipped, so padding never wins a max (tf.maxPool pads with -infinity);
 * every window of a TF geometry has at least one tap inside the input.
 *
 * Reads only the input tensor, writes exactly out_h * out_w * channels floats.
 * (fw_f32_maxpool2x2 is the faster special case for 2x2 SAME windows.) */
#ifndef FW_MAXPOOL_KXK_H
#define FW_MAXPOOL_KXK_H

#include "conv.h"

void fw_f32_maxpool_kxk__scalar(const fw_conv_geometry *g, const float *input, float *output);
void fw_f32_maxpool_kxk__simd128(const fw_conv_geometry *g, const float *input, float *output);

#endif
