/* Scalar reference for fw_f32_add_relu. */
#include "add_relu.h"

void fw_f32_add_relu__scalar(const float *a, const float *b, size_t n, float *sum, float *out) {
  for (size_t i = 0; i < n; i++) {
    const float s = a[i] + b[i];
    if (sum) sum[i] = s;
    out[i] = s > 0.0f ? s : 0.0f;
  }
}
