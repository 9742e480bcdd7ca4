/* SIMD128 twins of the Winograd F(4x4, 3x3) transforms: 4 channels per
 * vector, scalar tail; the 1-D transforms are winograd4x4.h's expressions in
 * vector operations, so both twins round alike. */
#include "winograd4x4.h"

#include <stddef.h>

#include "simd128.h"

static inline __attribute__((always_inline)) void input_1d(const v128_t d[6], v128_t o[6]) {
  const v128_t two = wasm_f32x4_splat(2.0f), four = wasm_f32x4_splat(4.0f), five = wasm_f32x4_splat(5.0f);
  const v128_t a = wasm_f32x4_sub(d[4], wasm_f32x4_mul(four, d[2]));
  const v128_t b = wasm_f32x4_sub(d[3], wasm_f32x4_mul(four, d[1]));
  const v128_t e = wasm_f32x4_sub(d[4], d[2]);
  const v128_t f = wasm_f32x4_mul(two, wasm_f32x4_sub(d[3], d[1]));
  o[0] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d[0]), wasm_f32x4_mul(five, d[2])), d[4]);
  o[1] = wasm_f32x4_add(a, b);
  o[2] = wasm_f32x4_sub(a, b);
  o[3] = wasm_f32x4_add(e, f);
  o[4] = wasm_f32x4_sub(e, f);
  o[5] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d[1]), wasm_f32x4_mul(five, d[3])), d[5]);
}

static inline __attribute__((always_inline)) void output_1d(const v128_t m[6], v128_t y[4]) {
  const v128_t two = wasm_f32x4_splat(2.0f), four = wasm_f32x4_splat(4.0f), eight = wasm_f32x4_splat(8.0f);
  const v128_t p = wasm_f32x4_add(m[1], m[2]), q = wasm_f32x4_sub(m[1], m[2]);
  const v128_t r = wasm_f32x4_add(m[3], m[4]), s = wasm_f32x4_sub(m[3], m[4]);
  y[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], p), r);
  y[1] = wasm_f32x4_add(q, wasm_f32x4_mul(two, s));
  y[2] = wasm_f32x4_add(p, wasm_f32x4_mul(four, r));
  y[3] = wasm_f32x4_add(wasm_f32x4_add(q, wasm_f32x4_mul(eight, s)), m[5]);
}

void fw_f32_winograd4x4_input_tiles__simd128(const float *input, int h, int w, int c, float *v, size_t plane,
                                             int tile_begin, int tile_end) {
  const int tiles_x = (w + 3) / 4;
  const int vec_channels = c & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in v */
    const float *pixels[6][6]; /* patch pixel pointers, NULL outside the image */
    for (int r = 0; r < 6; r++) {
      const int iy = 4 * ty - 1 + r;
      for (int q = 0; q < 6; q++) {
        const int ix = 4 * tx - 1 + q;
        pixels[r][q] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? input + ((size_t)iy * w + ix) * c : NULL;
      }
    }
    float *out = v + tile * c;
    int ch = 0;
    for (; ch < vec_channels; ch += 4) {
      v128_t t[6][6];
      for (int q = 0; q < 6; q++) { /* t = B^T d, column by column */
        v128_t column[6], o[6];
        for (int r = 0; r < 6; r++) column[r] = pixels[r][q] ? wasm_v128_load(pixels[r][q] + ch) : zero;
        input_1d(column, o);
        for (int r = 0; r < 6; r++) t[r][q] = o[r];
      }
      for (int r = 0; r < 6; r++) { /* v = t B, row by row */
        v128_t row[6];
        input_1d(t[r], row);
        for (int q = 0; q < 6; q++) wasm_v128_store(out + (size_t)(r * 6 + q) * plane + ch, row[q]);
      }
    }
    for (; ch < c; ch++) {
      float t[6][6];
      for (int q = 0; q < 6; q++) {
        float column[6], o[6];
        for (int r = 0; r < 6; r++) column[r] = pixels[r][q] ? pixels[r][q][ch] : 0.0f;
        fw_winograd4x4_input_1d(column, o);
        for (int r = 0; r < 6; r++) t[r][q] = o[r];
      }
      for (int r = 0; r < 6; r++) {
        float row[6];
        fw_winograd4x4_input_1d(t[r], row);
        for (int q = 0; q < 6; q++) out[(size_t)(r * 6 + q) * plane + ch] = row[q];
      }
    }
  }
}

void fw_f32_winograd4x4_output_tiles__simd128(const float *m, size_t plane, int h, int w, int out_c,
                                              const float *bias, float *output, fw_activation act, int tile_begin,
                                              int tile_end) {
  const int tiles_x = (w + 3) / 4;
  const int vec_channels = out_c & ~3;
  for (int index = tile_begin; index < tile_end; index++) {
    const int ty = index / tiles_x, tx = index % tiles_x;
    const size_t tile = (size_t)(index - tile_begin); /* its place in m */
    const int rows = h - 4 * ty < 4 ? h - 4 * ty : 4, cols = w - 4 * tx < 4 ? w - 4 * tx : 4;
    const float *x = m + tile * out_c;
    float *dst = output + ((size_t)(4 * ty) * w + 4 * tx) * out_c;
    int ch = 0;
    for (; ch < vec_channels; ch += 4) {
      v128_t s[4][6];
      for (int q = 0; q < 6; q++) { /* s = A^T m, column by column */
        v128_t column[6], y[4];
        for (int r = 0; r < 6; r++) column[r] = wasm_v128_load(x + (size_t)(r * 6 + q) * plane + ch);
        output_1d(column, y);
        for (int a = 0; a < 4; a++) s[a][q] = y[a];
      }
      const v128_t b = bias ? wasm_v128_load(bias + ch) : wasm_f32x4_splat(0.0f);
      for (int a = 0; a < rows; a++) { /* y = s A, row by row */
        v128_t y[4];
        output_1d(s[a], y);
        float *row = dst + (size_t)a * w * out_c + ch;
        for (int q = 0; q < cols; q++) wasm_v128_store(row + (size_t)q * out_c, fw_activate_f32x4(wasm_f32x4_add(y[q], b), act));
      }
    }
    for (; ch < out_c; ch++) {
      float s[4][6];
      for (int q = 0; q < 6; q++) {
        float column[6], y[4];
        for (int r = 0; r < 6; r++) column[r] = x[(size_t)(r * 6 + q) * plane + ch];
        fw_winograd4x4_output_1d(column, y);
        for (int a = 0; a < 4; a++) s[a][q] = y[a];
      }
      const float b = bias ? bias[ch] : 0.0f;
      for (int a = 0; a < rows; a++) {
        float y[4];
        fw_winograd4x4_output_1d(s[a], y);
        float *row = dst + (size_t)a * w * out_c + ch;
        for (int q = 0; q < cols; q++) row[(size_t)q * out_c] = fw_activate(y[q] + b, act);
      }
    }
  }
}
