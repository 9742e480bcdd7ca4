/* SIMD128 twin of fw_f32_conv__scalar: a 4-pixel x 8-channel register tile
 * ("load-splat": each input value is splatted across a vector and multiplied
 * with 8 packed output channels). Each tile first resolves its K*K input
 * pointers per pixel (taps in the padding point at `zero`), then sweeps every
 * output panel, so the input strip stays in L1 while weights stream. */
#include "conv.h"

#include "simd128.h"

#define TILE_PIXELS 4

void fw_f32_conv__simd128(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                          float *output, fw_activation act) {
  const int k = g->kernel, cin = g->in_c, taps = k * k;
  const size_t panel_size = FW_CONV_PANEL * (1 + (size_t)taps * cin);
  const float *rows[FW_CONV_MAX_KERNEL * FW_CONV_MAX_KERNEL][TILE_PIXELS];

  for (int oy = 0; oy < g->out_h; oy++) {
    for (int ox0 = 0; ox0 < g->out_w; ox0 += TILE_PIXELS) {
      const int n = g->out_w - ox0 < TILE_PIXELS ? g->out_w - ox0 : TILE_PIXELS;
      for (int ky = 0; ky < k; ky++) {
        const int iy = oy * g->stride - g->pad_top + ky;
        for (int kx = 0; kx < k; kx++) {
          for (int i = 0; i < TILE_PIXELS; i++) {
            /* Pixels past the row end repeat the last one; only n are stored. */
            const int ox = ox0 + (i < n ? i : n - 1);
            const int ix = ox * g->stride - g->pad_left + kx;
            const int inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
            rows[ky * k + kx][i] = inside ? input + ((size_t)iy * g->in_w + ix) * cin : zero;
          }
        }
      }
      float *out = output + ((size_t)oy * g->out_w + ox0) * g->out_c;
      const float *w = packed;
      for (int p = 0; p < g->out_c; p += FW_CONV_PANEL, w += panel_size) {
        v128_t a0l = wasm_v128_load(w), a0h = wasm_v128_load(w + 4);
        v128_t a1l = a0l, a1h = a0h, a2l = a0l, a2h = a0h, a3l = a0l, a3h = a0h;
        const float *wp = w + FW_CONV_PANEL;
        for (int t = 0; t < taps; t++) {
          const float *x0 = rows[t][0], *x1 = rows[t][1], *x2 = rows[t][2], *x3 = rows[t][3];
          for (int c = 0; c < cin; c++, wp += FW_CONV_PANEL) {
            const v128_t wl = wasm_v128_load(wp), wh = wasm_v128_load(wp + 4);
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
        }
        v128_t acc[TILE_PIXELS][2] = {{a0l, a0h}, {a1l, a1h}, {a2l, a2h}, {a3l, a3h}};
        const int full_panel = p + FW_CONV_PANEL <= g->out_c;
        for (int i = 0; i < n; i++) {
          float *dst = out + (size_t)i * g->out_c + p;
          if (full_panel) {
            wasm_v128_store(dst, fw_activate_f32x4_channels(acc[i][0], act, p));
            wasm_v128_store(dst + 4, fw_activate_f32x4_channels(acc[i][1], act, p + 4));
          } else {
            /* Channels past out_c have no PReLU alpha: activate the tail one by one. */
            float tmp[FW_CONV_PANEL];
            wasm_v128_store(tmp, acc[i][0]);
            wasm_v128_store(tmp + 4, acc[i][1]);
            for (int j = 0; p + j < g->out_c; j++) dst[j] = fw_activate_channel(tmp[j], act, p + j);
          }
        }
      }
    }
  }
}
