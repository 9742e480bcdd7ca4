/* 3x3 max pooling over NHWC float tensors, any stride, TensorFlow SAME or
 * VALID padding: geometry from fw_conv_geometry_tf(in_h, in_w, c, c, 3,
 * stride, padding). Windows are clipped to the input, so padding never wins a
 * max (tf.maxPool's semantics). Reads only the input tensor, writes exactly
 * out_h * out_w * c floats. Results are exact (no arithmetic), so the twins
 * agree bit for bit on finite inputs. */
#ifndef FW_MAXPOOL3X3_H
#define FW_MAXPOOL3X3_H

#include "conv.h"

void fw_f32_maxpool3x3__scalar(const fw_conv_geometry *g, const float *input, float *output);
void fw_f32_maxpool3x3__simd128(const fw_conv_geometry *g, const float *input, float *output);

#endif
