/* Batch normalization folded into the convolution before it, once at load:
 *   y = (conv(x) + bias - mean) * scale / sqrt(variance + epsilon) + offset
 * (tf.batchNorm's formula) becomes conv'(x) + bias' with
 *   filter'[..., c] = filter[..., c] * f[c],  bias'[c] = (bias[c] - mean[c]) * f[c] + offset[c],
 *   f[c] = scale[c] / sqrt(variance[c] + epsilon)   (computed in double).
 * The channel is the filter's last axis: HWIO conv filters [K,K,in,out] and
 * face-api.js's depthwise filters [3,3,C,1] alike, so `channels` is out or C. */
#ifndef FW_BATCHNORM_H
#define FW_BATCHNORM_H

#include <stddef.h>

/* bias may be NULL for a conv without one; bias_out receives the folded bias.
 * scale may be NULL for 1. */
void fw_fold_batchnorm(float *filter, size_t filter_count, int channels, const float *bias, const float *mean,
                       const float *variance, const float *scale, const float *offset, double epsilon,
                       float *bias_out);

#endif
