#include "batchnorm.h"

#include <math.h>

void fw_fold_batchnorm(float *filter, size_t filter_count, int channels, const float *bias, const float *mean,
                       const float *variance, const float *scale, const float *offset, double epsilon,
                       float *bias_out) {
  for (int c = 0; c < channels; c++) {
    const double factor = (scale ? scale[c] : 1.0) / sqrt((double)variance[c] + epsilon);
    for (size_t i = (size_t)c; i < filter_count; i += (size_t)channels) filter[i] = (float)(filter[i] * factor);
    bias_out[c] = (float)(((bias ? bias[c] : 0.0) - mean[c]) * factor + offset[c]);
  }
}
