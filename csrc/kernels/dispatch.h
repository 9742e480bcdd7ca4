/* Which twin of each kernel the nets call: SIMD128 when the build has it
 * (wasm with -msimd128), the scalar reference otherwise (native builds and the
 * scalar wasm fallback). Tests call both twins by their full names. */
#ifndef FW_DISPATCH_H
#define FW_DISPATCH_H

#include "conv.h"
#include "dwconv.h"
#include "maxpool.h"
#include "maxpool_kxk.h"

#ifdef __wasm_simd128__
#define fw_f32_conv fw_f32_conv__simd128
#define fw_f32_dwconv3x3 fw_f32_dwconv3x3__simd128
#define fw_f32_maxpool2x2 fw_f32_maxpool2x2__simd128
#define fw_f32_maxpool_kxk fw_f32_maxpool_kxk__simd128
#else
#define fw_f32_conv fw_f32_conv__scalar
#define fw_f32_dwconv3x3 fw_f32_dwconv3x3__scalar
#define fw_f32_maxpool2x2 fw_f32_maxpool2x2__scalar
#define fw_f32_maxpool_kxk fw_f32_maxpool_kxk__scalar
#endif

#endif
