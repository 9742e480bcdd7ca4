/* SIMD128 twin of fw_f32_conv__scalar: a 4-pixel x 8-channel register tile
 * ("load-splat": each input value is splatted across a vector and multiplied
 * with 8 packed output channels). A tile whose taps all lie inside the input
 * addresses them as base + tap offset + pixel step; a border tile first
 * resolves its K*K input pointers per pixel, padding taps pointing at `zero`.
 * Each tile sweeps every output panel, so its input stays in L1 while the
 * weights stream. */
#include "conv.h"

#include "simd128.h"

#define TILE_PIXELS 4

typedef struct tile_acc {
  v128_t lo[TILE_PIXELS], hi[TILE_PIXELS]; /* output channels 0-3 and 4-7 of each pixel */
} tile_acc;

/* Adds one tap's cin input channels of the four pixels x0..x3, times the
 * panel's weights at *wp (advanced past them). Inlined so a constant cin
 * unrolls. */
static inline __attribute__((always_inline)) void accumulate_tap(tile_acc *a, const float **wp, const float *x0,
                                                                  const float *x1, const float *x2, const float *x3,
                                                                  int cin) {
  v128_t a0l = a->lo[0], a0h = a->hi[0], a1l = a->lo[1], a1h = a->hi[1];
  v128_t a2l = a->lo[2], a2h = a->hi[2], a3l = a->lo[3], a3h = a->hi[3];
  const float *w = *wp;
  for (int c = 0; c < cin; c++, w += FW_CONV_PANEL) {
    const v128_t wl = wasm_v128_load(w), wh = wasm_v128_load(w + 4);
    const v128_t v0 = wasm_v128_load32_splat(x0 + c);
    const v128_t v1 = wasm_v128_load32_splat(x1 + c);
    const v128_t v2 = wasm_v128_load32_splat(x2 + c);
    const v128_t v3 = wasm_v128_load32_splat(x3 + c);
    a0l = wasm_f32x4_add(a0l, wasm_f32x4_mul(v0, wl));
    a0h = wasm_f32x4_add(a0h, wasm_f32x4_mul(v0, wh));
    a1l = wasm_f32x4_add(a1l, wasm_f32x4_mul(v1, wl));
    a1h = wasm_f32x4_add(a1h, wasm_f32x4_mul(v1, wh));
    a2l = wasm_f32x4_add(a2l, wasm_f32x4_mul(v2, wl));
    a2h = wasm_f32x4_add(a2h, wasm_f32x4_mul(v2, wh));
    a3l = wasm_f32x4_add(a3l, wasm_f32x4_mul(v3, wl));
    a3h = wasm_f32x4_add(a3h, wasm_f32x4_mul(v3, wh));
  }
  *wp = w;
  a->lo[0] = a0l, a->hi[0] = a0h, a->lo[1] = a1l, a->hi[1] = a1h;
  a->lo[2] = a2l, a->hi[2] = a2h, a->lo[3] = a3l, a->hi[3] = a3h;
}

static inline __attribute__((always_inline)) void start_tile(tile_acc *a, const float *panel) {
  const v128_t bias_lo = wasm_v128_load(panel), bias_hi = wasm_v128_load(panel + 4);
  for (int i = 0; i < TILE_PIXELS; i++) a->lo[i] = bias_lo, a->hi[i] = bias_hi;
}

/* Interior tile: pixel i's tap t is at base + offsets[t] + i * step. */
static inline __attribute__((always_inline)) void interior_tile(tile_acc *a, const float *panel, const float *base,
                                                                 const int *offsets, size_t step, int taps, int cin) {
  start_tile(a, panel);
  const float *w = panel + FW_CONV_PANEL;
  for (int t = 0; t < taps; t++) {
    const float *x0 = base + offsets[t];
    accumulate_tap(a, &w, x0, x0 + step, x0 + 2 * step, x0 + 3 * step, cin);
  }
}

/* Border tile: explicit per-pixel tap pointers. */
static inline __attribute__((always_inline)) void border_tile(tile_acc *a, const float *panel,
                                                               const float *const rows[][TILE_PIXELS], int taps,
                                                               int cin) {
  start_tile(a, panel);
  const float *w = panel + FW_CONV_PANEL;
  for (int t = 0; t < taps; t++) accumulate_tap(a, &w, rows[t][0], rows[t][1], rows[t][2], rows[t][3], cin);
}

static void store_tile(const tile_acc *a, float *out, int pixels, int out_c, int p, fw_activation act) {
  const int full_panel = p + FW_CONV_PANEL <= out_c;
  for (int i = 0; i < pixels; i++) {
    float *dst = out + (size_t)i * out_c + p;
    if (full_panel) {
      wasm_v128_store(dst, fw_activate_f32x4_channels(a->lo[i], act, p));
      wasm_v128_store(dst + 4, fw_activate_f32x4_channels(a->hi[i], act, p + 4));
    } else {
      /* Channels past out_c have no PReLU alpha: activate the tail one by one. */
      float tmp[FW_CONV_PANEL];
      wasm_v128_store(tmp, a->lo[i]);
      wasm_v128_store(tmp + 4, a->hi[i]);
      for (int j = 0; p + j < out_c; j++) dst[j] = fw_activate_channel(tmp[j], act, p + j);
    }
  }
}

void fw_f32_conv__simd128(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                          float *output, fw_activation act) {
  const int k = g->kernel, cin = g->in_c, taps = k * k, s = g->stride;
  const size_t panel_size = FW_CONV_PANEL * (1 + (size_t)taps * cin);
  const size_t step = (size_t)s * cin; /* input floats between neighbouring output pixels */
  int offsets[FW_CONV_MAX_KERNEL * FW_CONV_MAX_KERNEL];
  for (int ky = 0; ky < k; ky++)
    for (int kx = 0; kx < k; kx++) offsets[ky * k + kx] = (ky * g->in_w + kx) * cin;
  const float *rows[FW_CONV_MAX_KERNEL * FW_CONV_MAX_KERNEL][TILE_PIXELS];
  tile_acc acc;

  for (int oy = 0; oy < g->out_h; oy++) {
    const int iy0 = oy * s - g->pad_top;
    const int rows_inside = iy0 >= 0 && iy0 + k <= g->in_h;
    for (int ox0 = 0; ox0 < g->out_w; ox0 += TILE_PIXELS) {
      const int n = g->out_w - ox0 < TILE_PIXELS ? g->out_w - ox0 : TILE_PIXELS;
      const int ix0 = ox0 * s - g->pad_left;
      const int inside = rows_inside && n == TILE_PIXELS && ix0 >= 0 && ix0 + (TILE_PIXELS - 1) * s + k <= g->in_w;
      float *out = output + ((size_t)oy * g->out_w + ox0) * g->out_c;
      if (inside) {
        const float *base = input + ((size_t)iy0 * g->in_w + ix0) * cin;
        const float *w = packed;
        for (int p = 0; p < g->out_c; p += FW_CONV_PANEL, w += panel_size) {
          /* Three input channels (the nets' first layers) get an unrolled body. */
          if (cin == 3)
            interior_tile(&acc, w, base, offsets, step, taps, 3);
          else
            interior_tile(&acc, w, base, offsets, step, taps, cin);
          store_tile(&acc, out, n, g->out_c, p, act);
        }
        continue;
      }
      for (int ky = 0; ky < k; ky++) {
        const int iy = iy0 + ky;
        for (int kx = 0; kx < k; kx++) {
          for (int i = 0; i < TILE_PIXELS; i++) {
            /* Pixels past the row end repeat the last one; only n are stored. */
            const int ix = (ox0 + (i < n ? i : n - 1)) * s - g->pad_left + kx;
            const int in_bounds = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
            rows[ky * k + kx][i] = in_bounds ? input + ((size_t)iy * g->in_w + ix) * cin : zero;
          }
        }
      }
      const float *w = packed;
      for (int p = 0; p < g->out_c; p += FW_CONV_PANEL, w += panel_size) {
        border_tile(&acc, w, (const float *const(*)[TILE_PIXELS])rows, taps, cin);
        store_tile(&acc, out, n, g->out_c, p, act);
      }
    }
  }
}
