/* SIMD128 twin of fw_f32_shortcut_down__scalar: 4 channels per vector over
 * the pooled channels, scalar tail, then the zero-padded channels. */
#include "shortcut_down.h"

#include <stddef.h>

#include "simd128.h"

void fw_f32_shortcut_down__simd128(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                                   int body_w, int out_c, float *output) {
  const int out_h = in_h / 2, out_w = in_w / 2;
  const int vec_channels = in_c & ~3;
  const v128_t quarter = wasm_f32x4_splat(0.25f), zero = wasm_f32x4_splat(0.0f);
  for (int y = 0; y < out_h; y++) {
    for (int x = 0; x < out_w; x++) {
      const float *p00 = input + ((size_t)(2 * y) * in_w + 2 * x) * in_c;
      const float *p01 = p00 + in_c, *p10 = p00 + (size_t)in_w * in_c, *p11 = p10 + in_c;
      const float *b = (y < body_h && x < body_w) ? body + ((size_t)y * body_w + x) * out_c : NULL;
      float *out = output + ((size_t)y * out_w + x) * out_c;
      int c = 0;
      for (; c < vec_channels; c += 4) {
        v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(p00 + c), wasm_v128_load(p01 + c)),
                                  wasm_v128_load(p10 + c));
        s = wasm_f32x4_mul(wasm_f32x4_add(s, wasm_v128_load(p11 + c)), quarter);
        if (b) s = wasm_f32x4_add(s, wasm_v128_load(b + c));
        wasm_v128_store(out + c, wasm_f32x4_pmax(s, zero));
      }
      for (; c < out_c; c++) {
        float s = c < in_c ? (p00[c] + p01[c] + p10[c] + p11[c]) * 0.25f : 0.0f;
        if (b) s += b[c];
        out[c] = s > 0.0f ? s : 0.0f;
      }
    }
  }
}
