/* SIMD128 twin of fw_f32_add__scalar: 4 values per vector, the tail scalar.
 * pmax(0, s) is 0 unless 0 < s, exactly the scalar relu (also for -0). */
#include "add.h"

#include "simd128.h"

void fw_f32_add__simd128(const float *a, const float *b, size_t n, float *sum, float *relu_sum) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t s = wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i));
    if (sum) wasm_v128_store(sum + i, s);
    if (relu_sum) wasm_v128_store(relu_sum + i, wasm_f32x4_pmax(zero, s));
  }
  for (; i < n; i++) {
    const float s = a[i] + b[i];
    if (sum) sum[i] = s;
    if (relu_sum) relu_sum[i] = s > 0.0f ? s : 0.0f;
  }
}
