/* SIMD128 twins of the Winograd F(2x2, 3x3) transforms: 4 channels per
 * vector, scalar tail, same arithmetic order as the scalar reference. */
#include "winograd.h"

#include <stddef.h>

#include "simd128.h"

void fw_f32_winograd_input_tiles__simd128(const float *input, int h, int w, int c, float *v, size_t plane,
                                          int tile_begin, int tile_end) {
  const int tiles_x = (w + 1) / 2;
  const int vec_channels = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in v */
    const float *rows[4][4]; /* patch pixel pointers, NULL outside the image */
    for (int r = 0; r < 4; r++) {
      const int iy = 2 * ty - 1 + r;
      for (int q = 0; q < 4; q++) {
        const int ix = 2 * tx - 1 + q;
        rows[r][q] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? input + ((size_t)iy * w + ix) * c : NULL;
      }
    }
    int ch = 0;
    for (; ch < vec_channels; ch += 4) {
      v128_t d[4][4], t[4][4];
      for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) d[r][q] = rows[r][q] ? wasm_v128_load(rows[r][q] + ch) : zero;
      for (int q = 0; q < 4; q++) {
        t[0][q] = wasm_f32x4_sub(d[0][q], d[2][q]);
        t[1][q] = wasm_f32x4_add(d[1][q], d[2][q]);
        t[2][q] = wasm_f32x4_sub(d[2][q], d[1][q]);
        t[3][q] = wasm_f32x4_sub(d[1][q], d[3][q]);
      }
      for (int r = 0; r < 4; r++) {
        float *out = v + (size_t)(r * 4) * plane + tile * c + ch;
        wasm_v128_store(out, wasm_f32x4_sub(t[r][0], t[r][2]));
        wasm_v128_store(out + plane, wasm_f32x4_add(t[r][1], t[r][2]));
        wasm_v128_store(out + 2 * plane, wasm_f32x4_sub(t[r][2], t[r][1]));
        wasm_v128_store(out + 3 * plane, wasm_f32x4_sub(t[r][1], t[r][3]));
      }
    }
    for (; ch < c; ch++) {
      float d[4][4], t[4][4];
      for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) d[r][q] = rows[r][q] ? rows[r][q][ch] : 0.0f;
      for (int q = 0; q < 4; q++) {
        t[0][q] = d[0][q] - d[2][q];
        t[1][q] = d[1][q] + d[2][q];
        t[2][q] = d[2][q] - d[1][q];
        t[3][q] = d[1][q] - d[3][q];
      }
      for (int r = 0; r < 4; r++) {
        float *out = v + (size_t)(r * 4) * plane + tile * c + ch;
        out[0] = t[r][0] - t[r][2];
        out[plane] = t[r][1] + t[r][2];
        out[2 * plane] = t[r][2] - t[r][1];
        out[3 * plane] = t[r][1] - t[r][3];
      }
    }
  }
}

void fw_f32_winograd_output_tiles__simd128(const float *m, size_t plane, int h, int w, int out_c, const float *bias,
                                           float *output, fw_activation act, int tile_begin, int tile_end) {
  const int tiles_x = (w + 1) / 2;
  const int vec_channels = out_c & ~3;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in m */
    const int rows = 2 * ty + 1 < h ? 2 : 1, cols = 2 * tx + 1 < w ? 2 : 1;
    int ch = 0;
    for (; ch < vec_channels; ch += 4) {
      v128_t s[2][4];
      const float *x = m + tile * out_c + ch;
      for (int q = 0; q < 4; q++) {
        const v128_t m0 = wasm_v128_load(x + (size_t)q * plane), m1 = wasm_v128_load(x + (size_t)(4 + q) * plane);
        const v128_t m2 = wasm_v128_load(x + (size_t)(8 + q) * plane);
        const v128_t m3 = wasm_v128_load(x + (size_t)(12 + q) * plane);
        s[0][q] = wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2);
        s[1][q] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
      }
      const v128_t b = bias ? wasm_v128_load(bias + ch) : wasm_f32x4_splat(0.0f);
      for (int a = 0; a < rows; a++) {
        float *dst = output + ((size_t)(2 * ty + a) * w + 2 * tx) * out_c + ch;
        const v128_t y0 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s[a][0], s[a][1]), s[a][2]), b);
        wasm_v128_store(dst, fw_activate_f32x4(y0, act));
        if (cols == 2) {
          const v128_t y1 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s[a][1], s[a][2]), s[a][3]), b);
          wasm_v128_store(dst + out_c, fw_activate_f32x4(y1, act));
        }
      }
    }
    for (; ch < out_c; ch++) {
      float s[2][4];
      const float *x = m + tile * out_c + ch;
      for (int q = 0; q < 4; q++) {
        const float m0 = x[(size_t)q * plane], m1 = x[(size_t)(4 + q) * plane];
        const float m2 = x[(size_t)(8 + q) * plane], m3 = x[(size_t)(12 + q) * plane];
        s[0][q] = m0 + m1 + m2;
        s[1][q] = m1 - m2 - m3;
      }
      const float b = bias ? bias[ch] : 0.0f;
      for (int a = 0; a < rows; a++) {
        float *dst = output + ((size_t)(2 * ty + a) * w + 2 * tx) * out_c + ch;
        dst[0] = fw_activate(s[a][0] + s[a][1] + s[a][2] + b, act);
        if (cols == 2) dst[out_c] = fw_activate(s[a][1] - s[a][2] - s[a][3] + b, act);
      }
    }
  }
}
