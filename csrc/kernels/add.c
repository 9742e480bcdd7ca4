/* Scalar reference for fw_f32_add. */
#include "add.h"

void fw_f32_add__scalar(const float *a, const float *b, size_t n, float *sum, float *relu_sum) {
  for (size_t i = 0; i < n; i++) {
    const float s = a[i] + b[i];
    if (sum) sum[i] = s;
    if (relu_sum) relu_sum[i] = s > 0.0f ? s : 0.0f;
  }
}
