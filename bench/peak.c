/* Bench-only probe of this machine's wasm SIMD128 arithmetic peak (not part of
 * the library). f32: 12 independent chains of f32x4 mul + add, the most a
 * core sustains without FMA (wasm has none); i16: 12 chains of
 * i32x4.dot_i16x8_s + add. Each call runs `iterations` rounds; the caller
 * times it. Results are returned so nothing is optimised away. */
#include <wasm_simd128.h>

#define CHAINS 12

float peak_f32(int iterations, float seed) {
  v128_t acc[CHAINS];
  const v128_t m = wasm_f32x4_splat(0.999999f), c = wasm_f32x4_splat(seed * 1e-7f);
  for (int i = 0; i < CHAINS; i++) acc[i] = wasm_f32x4_splat(seed + (float)i);
  for (int n = 0; n < iterations; n++)
    for (int i = 0; i < CHAINS; i++) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), c);
  v128_t s = acc[0];
  for (int i = 1; i < CHAINS; i++) s = wasm_f32x4_add(s, acc[i]);
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 3);
}

int peak_i16(int iterations, int seed) {
  v128_t acc[CHAINS];
  const v128_t b = wasm_i16x8_splat(3);
  for (int i = 0; i < CHAINS; i++) acc[i] = wasm_i32x4_splat(seed + i);
  /* Each step is one dot and one add, as in a GEMM's inner loop; the chain's
   * own value is the other operand, so nothing can be hoisted. */
  for (int n = 0; n < iterations; n++)
    for (int i = 0; i < CHAINS; i++) acc[i] = wasm_i32x4_add(acc[i], wasm_i32x4_dot_i16x8(acc[i], b));
  v128_t s = acc[0];
  for (int i = 1; i < CHAINS; i++) s = wasm_i32x4_add(s, acc[i]);
  return wasm_i32x4_extract_lane(s, 0) + wasm_i32x4_extract_lane(s, 3);
}
