/* Scalar reference for fw_f32_global_mean. */
#include "global_mean.h"

#include <stddef.h>

void fw_f32_global_mean__scalar(const float *input, int pixels, int channels, float *output) {
  for (int c = 0; c < channels; c++) {
    float sum = 0.0f;
    for (int p = 0; p < pixels; p++) sum += input[(size_t)p * channels + c];
    output[c] = sum / (float)pixels;
  }
}
