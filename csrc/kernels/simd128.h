/* Helpers shared by the SIMD128 kernels. */
#ifndef FW_SIMD128_H
#define FW_SIMD128_H

#include <wasm_simd128.h>

#include "activation.h"

/* Same results as fw_activate() lane by lane (pmin/pmax: x86-friendly, and
 * NaN-propagation is irrelevant for finite activations). */
static inline v128_t fw_activate_f32x4(v128_t x, fw_activation act) {
  switch (act.kind) {
    case FW_ACT_RELU: return wasm_f32x4_pmax(x, wasm_f32x4_splat(0.0f));
    case FW_ACT_RELU6:
      return wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(6.0f));
    case FW_ACT_LEAKY: return wasm_f32x4_pmax(x, wasm_f32x4_mul(x, wasm_f32x4_splat(act.alpha)));
    default: return x;
  }
}

/* fw_activate_channel() for 4 consecutive output channels c .. c + 3 (all of
 * them must exist: PReLU reads alphas[c .. c + 3]). */
static inline v128_t fw_activate_f32x4_channels(v128_t x, fw_activation act, int c) {
  if (act.kind == FW_ACT_PRELU) {
    const v128_t scaled = wasm_f32x4_mul(x, wasm_v128_load(act.alphas + c));
    return wasm_v128_bitselect(x, scaled, wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)));
  }
  return fw_activate_f32x4(x, act);
}

#endif
