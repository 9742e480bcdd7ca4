/* 3x3 max pooling, stride 2, VALID padding, over NHWC float tensors (the
 * recognition net's stem pool, tf.maxPool(x, 3, 2, 'valid')).
 * Output is [(in_h - 3) / 2 + 1][(in_w - 3) / 2 + 1][channels]; in_h and in_w
 * must be at least 3. Reads only the input tensor. */
#ifndef FW_MAXPOOL3X3_H
#define FW_MAXPOOL3X3_H

void fw_f32_maxpool3x3s2__scalar(const float *input, int in_h, int in_w, int channels, float *output);
void fw_f32_maxpool3x3s2__simd128(const float *input, int in_h, int in_w, int channels, float *output);

#endif
