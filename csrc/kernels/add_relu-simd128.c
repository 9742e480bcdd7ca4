/* SIMD128 twin of fw_f32_add_relu__scalar: 4 values per vector, scalar tail. */
#include "add_relu.h"

#include "simd128.h"

void fw_f32_add_relu__simd128(const float *a, const float *b, size_t n, float *sum, float *out) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t s = wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i));
    if (sum) wasm_v128_store(sum + i, s);
    wasm_v128_store(out + i, wasm_f32x4_pmax(s, zero));
  }
  for (; i < n; i++) {
    const float s = a[i] + b[i];
    if (sum) sum[i] = s;
    out[i] = s > 0.0f ? s : 0.0f;
  }
}
