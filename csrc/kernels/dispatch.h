/* Which twin of each kernel the nets call: SIMD128 when the build has it
 * (wasm with -msimd128), the scalar reference otherwise (native builds and the
 * scalar wasm fallback). Tests call both twins by their full names. */
#ifndef FW_DISPATCH_H
#define FW_DISPATCH_H

#include "conv.h"
#include "dwconv.h"
#include "maxpool.h"
#include "add.h"
#include "global_mean.h"
#include "shortcut_down.h"
#include "winograd.h"
#include "winograd4x4.h"
#include "maxpool_kxk.h"
#include "pointwise_i16.h"

#ifdef __wasm_simd128__
#define fw_f32_conv fw_f32_conv__simd128
#define fw_f32_dwconv3x3 fw_f32_dwconv3x3__simd128
#define fw_f32_maxpool2x2 fw_f32_maxpool2x2__simd128
#define fw_f32_add fw_f32_add__simd128
#define fw_f32_global_mean fw_f32_global_mean__simd128
#define fw_f32_shortcut_down fw_f32_shortcut_down__simd128
#define fw_f32_winograd_input_tiles fw_f32_winograd_input_tiles__simd128
#define fw_f32_winograd_output_tiles fw_f32_winograd_output_tiles__simd128
#define fw_f32_winograd4x4_input_tiles fw_f32_winograd4x4_input_tiles__simd128
#define fw_f32_winograd4x4_output_tiles fw_f32_winograd4x4_output_tiles__simd128
#define fw_f32_maxpool_kxk fw_f32_maxpool_kxk__simd128
#define fw_i16_quantize_rows fw_i16_quantize_rows__simd128
#define fw_i16_pointwise fw_i16_pointwise__simd128
#else
#define fw_f32_conv fw_f32_conv__scalar
#define fw_f32_dwconv3x3 fw_f32_dwconv3x3__scalar
#define fw_f32_maxpool2x2 fw_f32_maxpool2x2__scalar
#define fw_f32_add fw_f32_add__scalar
#define fw_f32_global_mean fw_f32_global_mean__scalar
#define fw_f32_shortcut_down fw_f32_shortcut_down__scalar
#define fw_f32_winograd_input_tiles fw_f32_winograd_input_tiles__scalar
#define fw_f32_winograd_output_tiles fw_f32_winograd_output_tiles__scalar
#define fw_f32_winograd4x4_input_tiles fw_f32_winograd4x4_input_tiles__scalar
#define fw_f32_winograd4x4_output_tiles fw_f32_winograd4x4_output_tiles__scalar
#define fw_f32_maxpool_kxk fw_f32_maxpool_kxk__scalar
#define fw_i16_quantize_rows fw_i16_quantize_rows__scalar
#define fw_i16_pointwise fw_i16_pointwise__scalar
#endif

#endif
