/* SIMD128 twin of fw_f32_global_mean__scalar: 4 channels per vector, same
 * summation order per channel, scalar tail. */
#include "global_mean.h"

#include <stddef.h>

#include "simd128.h"

void fw_f32_global_mean__simd128(const float *input, int pixels, int channels, float *output) {
  const int vec_channels = channels & ~3;
  const v128_t count = wasm_f32x4_splat((float)pixels);
  int c = 0;
  for (; c < vec_channels; c += 4) {
    v128_t sum = wasm_f32x4_splat(0.0f);
    for (int p = 0; p < pixels; p++) sum = wasm_f32x4_add(sum, wasm_v128_load(input + (size_t)p * channels + c));
    wasm_v128_store(output + c, wasm_f32x4_div(sum, count));
  }
  for (; c < channels; c++) {
    float sum = 0.0f;
    for (int p = 0; p < pixels; p++) sum += input[(size_t)p * channels + c];
    output[c] = sum / (float)pixels;
  }
}
