/* 2x2 max pooling over NHWC float tensors with TensorFlow's SAME padding,
 * stride 1 or 2: the window is clipped at the bottom/right edge (padding never
 * wins a max), output size ceil(in / stride). */
#ifndef FW_MAXPOOL_H
#define FW_MAXPOOL_H

void fw_f32_maxpool2x2__scalar(const float *input, int in_h, int in_w, int channels, int stride, float *output);
void fw_f32_maxpool2x2__simd128(const float *input, int in_h, int in_w, int channels, int stride, float *output);

#endif
