/* Mean over all pixels of an NHWC float map, per channel: output[c] =
 * sum over p of input[p * channels + c], divided by pixels (summed in pixel
 * order in float). This is the full-map avgPool of the landmark, expression
 * and age/gender nets and the recognition net's mean over height and width.
 * pixels >= 1. */
#ifndef FW_GLOBAL_MEAN_H
#define FW_GLOBAL_MEAN_H

void fw_f32_global_mean__scalar(const float *input, int pixels, int channels, float *output);
void fw_f32_global_mean__simd128(const float *input, int pixels, int channels, float *output);

#endif
