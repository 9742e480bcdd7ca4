/* Kernel tests: every kernel twin against a naive loop written here, over odd
 * shapes (widths and channel counts that are not multiples of 4 or 8, 1x1,
 * 1xN, Nx1, outputs that are empty under VALID padding).
 *
 * The naive references read the filters in their original layout (HWIO for
 * conv, [3][3][c][1] for depthwise), never the packed one, accumulate in double
 * and apply the activation from its definition. Conv/dwconv results must be
 * within a normalized error: |got - want| <= 1e-5 * (1 + sum over taps |x*w|).
 * Max pooling, preprocessing and box math must match exactly.
 *
 * Natively only the __scalar twins exist; in wasm built with -msimd128
 * (__wasm_simd128__) every case runs on __scalar and __simd128.
 *
 * Memory checks: every output buffer has 16 NaN guard floats before and after
 * it (must stay bit-identical) and starts filled with another NaN pattern (an
 * output the kernel forgets to write fails the comparison). Inputs and the
 * `zero` buffer are followed and preceded by 1e30 "poison" floats so that an
 * over-read that reaches a result shows up as a huge error; under ASan the
 * poison is dropped so the allocations are exact and ASan sees every
 * out-of-bounds read.
 *
 * No stdio output here (emscripten standalone has none): results go to a
 * static log read with kernel_test_log(). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/preprocess.h"
#include "kernels/batchnorm.h"
#include "kernels/conv.h"
#include "kernels/dwconv.h"
#include "kernels/maxpool.h"
#include "kernels/add.h"
#include "kernels/global_mean.h"
#include "kernels/shortcut_down.h"
#include "kernels/winograd.h"
#include "kernels/winograd4x4.h"
#include "kernels/maxpool_kxk.h"
#include "kernels/pointwise_i16.h"
#include "nets/detection.h"

#ifdef __EMSCRIPTEN__
#define FW_TEST_EXPORT __attribute__((used, visibility("default")))
#else
#define FW_TEST_EXPORT
#endif

FW_TEST_EXPORT int run_kernel_tests(void);
FW_TEST_EXPORT const char *kernel_test_log(void);

#if defined(__SANITIZE_ADDRESS__)
#define FW_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FW_TEST_ASAN 1
#endif
#endif

#ifdef FW_TEST_ASAN
#define READ_PAD 0 /* exact allocations: ASan reports any over-read */
#else
#define READ_PAD 16 /* poison floats around inputs and `zero` */
#endif
#define READ_POISON 1e30f
#define GUARD 16 /* NaN guard floats around every output */

/* ------------------------------------------------------------------------ */
/* Log and counters                                                          */

#define LOG_SIZE 65536
#define LOG_RESERVE 256 /* always room for the summary lines */

static char log_buf[LOG_SIZE];
static size_t log_len;
static int log_dropped;
static int n_passed, n_failed;
static uint32_t case_counter;

static void log_line(const char *fmt, ...) {
  char line[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t len = strlen(line);
  if (log_len + len + 2 + LOG_RESERVE > LOG_SIZE) {
    log_dropped++;
    return;
  }
  memcpy(log_buf + log_len, line, len);
  log_len += len;
  log_buf[log_len++] = '\n';
  log_buf[log_len] = '\0';
}

static void log_final(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(log_buf + log_len, LOG_SIZE - log_len - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  log_len += (size_t)n < LOG_SIZE - log_len - 1 ? (size_t)n : LOG_SIZE - log_len - 2;
  log_buf[log_len++] = '\n';
  log_buf[log_len] = '\0';
}

/* One case's verdict. `params` names every parameter; `detail` says what broke. */
static void record(int ok, const char *kernel, const char *params, const char *detail) {
  if (ok) {
    n_passed++;
  } else {
    n_failed++;
    log_line("FAIL %s %s: %s", kernel, params, detail);
  }
}

/* ------------------------------------------------------------------------ */
/* Deterministic data                                                        */

typedef struct rng {
  uint32_t s;
} rng;

static uint32_t rng_next(rng *r) {
  r->s = r->s * 1664525u + 1013904223u;
  return r->s;
}

/* Uniform in [-1, 1]. */
static float rng_unit(rng *r) { return (float)((double)(rng_next(r) >> 8) * (2.0 / 16777215.0) - 1.0); }

static int rng_int(rng *r, int n) { return (int)((rng_next(r) >> 8) % (uint32_t)n); }

/* Every case gets its own seed, printed on failure. */
static uint32_t next_seed(void) { return 0x9e3779b9u * ++case_counter + 12345u; }

static void fill_unit(rng *r, float *x, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] = rng_unit(r);
}

/* ------------------------------------------------------------------------ */
/* Buffers with guards                                                       */

static const uint32_t guard_bits = 0xffc0deadu;     /* NaN around outputs */
static const uint32_t unwritten_bits = 0x7fc0beefu; /* NaN in outputs before a run */

typedef struct out_buf {
  float *block; /* GUARD | n outputs | GUARD */
  float *data;
  size_t n;
} out_buf;

static int out_alloc(out_buf *b, size_t n) {
  b->n = n;
  b->block = malloc((n + 2 * GUARD) * sizeof(float));
  b->data = b->block ? b->block + GUARD : NULL;
  return b->block != NULL;
}

static void out_reset(out_buf *b) {
  for (size_t i = 0; i < GUARD; i++) {
    memcpy(b->block + i, &guard_bits, sizeof(float));
    memcpy(b->data + b->n + i, &guard_bits, sizeof(float));
  }
  for (size_t i = 0; i < b->n; i++) memcpy(b->data + i, &unwritten_bits, sizeof(float));
}

/* "intact", or which side was written. */
static const char *out_guards(const out_buf *b) {
  int before = 0, after = 0;
  for (size_t i = 0; i < GUARD; i++) {
    uint32_t u;
    memcpy(&u, b->block + i, sizeof u);
    if (u != guard_bits) before = 1;
    memcpy(&u, b->data + b->n + i, sizeof u);
    if (u != guard_bits) after = 1;
  }
  if (before && after) return "CLOBBERED before and after the output";
  if (before) return "CLOBBERED before the output";
  if (after) return "CLOBBERED after the output";
  return "intact";
}

static void out_free(out_buf *b) { free(b->block); }

/* An input of n floats with READ_PAD poison floats on each side. */
typedef struct in_buf {
  float *block;
  float *data;
} in_buf;

static int in_alloc(in_buf *b, size_t n) {
  size_t total = n + 2 * READ_PAD;
  b->block = malloc((total ? total : 1) * sizeof(float));
  if (!b->block) return 0;
  b->data = b->block + READ_PAD;
  for (size_t i = 0; i < READ_PAD; i++) b->block[i] = b->data[n + i] = READ_POISON;
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Activations and geometry from their definitions                           */

static const fw_activation activations[4] = {
    {FW_ACT_NONE, 0.0f}, {FW_ACT_RELU, 0.0f}, {FW_ACT_RELU6, 0.0f}, {FW_ACT_LEAKY, 0.1f}};

static const char *act_name(fw_activation a) {
  switch (a.kind) {
    case FW_ACT_NONE: return "none";
    case FW_ACT_RELU: return "relu";
    case FW_ACT_RELU6: return "relu6";
    case FW_ACT_LEAKY: return "leaky";
    case FW_ACT_PRELU: return "prelu";
  }
  return "?";
}

static double naive_act(double x, fw_activation a) {
  switch (a.kind) {
    case FW_ACT_RELU: return x < 0.0 ? 0.0 : x;
    case FW_ACT_RELU6: return x < 0.0 ? 0.0 : x > 6.0 ? 6.0 : x;
    case FW_ACT_LEAKY: return x < 0.0 ? (double)a.alpha * x : x; /* max(x, alpha x), 0 < alpha < 1 */
    case FW_ACT_PRELU: /* needs the channel: naive_act_channel */
    case FW_ACT_NONE: break;
  }
  return x;
}

/* naive_act for output channel c: PReLU is x for x > 0, alphas[c] * x otherwise. */
static double naive_act_channel(double x, fw_activation a, int c) {
  if (a.kind == FW_ACT_PRELU) return x > 0.0 ? x : (double)a.alphas[c] * x;
  return naive_act(x, a);
}

/* tf.conv2d: SAME: out = ceil(in / stride), total padding
 * max((out - 1) * stride + k - in, 0), the smaller half before.
 * VALID: out = ceil((in - k + 1) / stride), no padding. */
static void naive_tf_axis(int in, int k, int stride, fw_padding padding, int *out, int *before) {
  if (padding == FW_PAD_SAME) {
    *out = (int)ceil((double)in / stride);
    int total = (*out - 1) * stride + k - in;
    *before = (total > 0 ? total : 0) / 2;
  } else {
    *out = in - k + 1 > 0 ? (int)ceil((double)(in - k + 1) / stride) : 0;
    *before = 0;
  }
}

static const char *pad_name(fw_padding p) { return p == FW_PAD_SAME ? "SAME" : "VALID"; }

/* Compares got against want within tol (tol NULL: exact). Outputs are NHWC
 * [h][w][c]. Records one case. */
static void check_output(const char *kernel, const char *params, const out_buf *out, const double *want,
                         const double *tol, int h, int w, int c) {
  size_t bad = 0, first = 0;
  double first_err = 0.0;
  for (size_t i = 0; i < out->n; i++) {
    const double got = out->data[i], err = fabs(got - want[i]);
    const int ok = tol ? err <= tol[i] : got == want[i]; /* false for NaN (unwritten) */
    if (!ok) {
      if (!bad) first = i, first_err = err;
      bad++;
    }
  }
  const char *guards = out_guards(out);
  char detail[512];
  if (bad) {
    const int ch = (int)(first % (size_t)c), x = (int)(first / (size_t)c % (size_t)w),
              y = (int)(first / ((size_t)c * (size_t)w));
    uint32_t bits;
    memcpy(&bits, out->data + first, sizeof bits);
    snprintf(detail, sizeof detail,
             "%zu of %zu outputs (out %dx%dx%d) wrong, first at y=%d x=%d c=%d: want %.9g got %.9g "
             "(bits 0x%08x%s) |err| %.3g tol %.3g; guards %s",
             bad, out->n, h, w, c, y, x, ch, want[first], (double)out->data[first], (unsigned)bits,
             bits == unwritten_bits ? " = never written" : "", first_err, tol ? tol[first] : 0.0, guards);
  } else {
    snprintf(detail, sizeof detail, "guards %s (out %dx%dx%d)", guards, h, w, c);
  }
  record(!bad && strcmp(guards, "intact") == 0, kernel, params, detail);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* table[]: a kernel's scalar twin and, in SIMD builds, its SIMD128 twin, each
 * with the name failures are reported under. */
#ifdef __wasm_simd128__
#define TWINS(kernel) {#kernel "__scalar", kernel##__scalar}, {#kernel "__simd128", kernel##__simd128}
#else
#define TWINS(kernel) {#kernel "__scalar", kernel##__scalar}
#endif
#define TWIN_TABLE(table, fn_type, kernel) \
  static const struct {                    \
    const char *name;                      \
    fn_type fn;                            \
  } table[] = {TWINS(kernel)}

/* ------------------------------------------------------------------------ */
/* Dense conv                                                                */

typedef void (*conv_fn)(const fw_conv_geometry *, const float *, const float *, const float *, float *,
                        fw_activation);

TWIN_TABLE(conv_twins, conv_fn, fw_f32_conv);
TWIN_TABLE(dwconv_twins, conv_fn, fw_f32_dwconv3x3);

/* Checks fw_conv_geometry_tf against the definition; records only failures. */
static int geometry_ok(const fw_conv_geometry *g, int in_h, int in_w, int k, int stride, fw_padding padding,
                       const char *params) {
  int oh, pt, ow, pl;
  naive_tf_axis(in_h, k, stride, padding, &oh, &pt);
  naive_tf_axis(in_w, k, stride, padding, &ow, &pl);
  if (g->out_h == oh && g->out_w == ow && g->pad_top == pt && g->pad_left == pl) return 1;
  char detail[256];
  snprintf(detail, sizeof detail, "geometry: got out %dx%d pad top %d left %d, want out %dx%d pad top %d left %d",
           g->out_h, g->out_w, g->pad_top, g->pad_left, oh, ow, pt, pl);
  record(0, "fw_conv_geometry_tf", params, detail);
  return 0;
}

static void conv_case(int k, int stride, fw_padding padding, int in_h, int in_w, int in_c, int out_c,
                      fw_activation act, int with_bias) {
  const uint32_t seed = next_seed();
  char params[320];
  snprintf(params, sizeof params,
           "[K=%d stride=%d pad=%s in=%dx%dx%d (HxWxC) out_c=%d act=%s alpha=%g bias=%s seed=%u]", k, stride,
           pad_name(padding), in_h, in_w, in_c, out_c, act_name(act), (double)act.alpha,
           with_bias ? "yes" : "NULL", (unsigned)seed);
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, in_c, out_c, k, stride, padding);
  if (!geometry_ok(&g, in_h, in_w, k, stride, padding, params)) return;

  rng r = {seed};
  const size_t n_in = (size_t)in_h * in_w * in_c, n_filter = (size_t)k * k * in_c * out_c;
  const size_t n_out = (size_t)g.out_h * g.out_w * out_c;
  in_buf input = {0}, zero = {0};
  out_buf out = {0};
  float *filter = malloc(n_filter * sizeof(float)), *bias = malloc((size_t)out_c * sizeof(float));
  float *packed = malloc(fw_conv_packed_size(k, in_c, out_c) * sizeof(float));
  double *want = malloc((n_out ? n_out : 1) * sizeof(double)), *tol = malloc((n_out ? n_out : 1) * sizeof(double));
  /* PReLU alphas: exactly out_c floats (under ASan any read past them is caught). */
  float *alphas = act.kind == FW_ACT_PRELU ? malloc((size_t)out_c * sizeof(float)) : NULL;
  if (!in_alloc(&input, n_in) || !in_alloc(&zero, (size_t)in_c) || !out_alloc(&out, n_out) || !filter || !bias ||
      !packed || !want || !tol || (act.kind == FW_ACT_PRELU && !alphas)) {
    record(0, "fw_f32_conv", params, "test out of memory");
    goto done;
  }
  fill_unit(&r, input.data, n_in);
  fill_unit(&r, filter, n_filter);
  fill_unit(&r, bias, (size_t)out_c);
  memset(zero.data, 0, (size_t)in_c * sizeof(float));
  if (alphas) { /* in (-1, 1): PReLU alphas need not be positive */
    fill_unit(&r, alphas, (size_t)out_c);
    act.alphas = alphas;
  }

  /* Naive: straight from HWIO [k][k][in_c][out_c]. */
  for (int oy = 0; oy < g.out_h; oy++)
    for (int ox = 0; ox < g.out_w; ox++)
      for (int co = 0; co < out_c; co++) {
        double acc = with_bias ? bias[co] : 0.0, magnitude = 0.0;
        for (int ky = 0; ky < k; ky++) {
          const int iy = oy * stride - g.pad_top + ky;
          if (iy < 0 || iy >= in_h) continue;
          for (int kx = 0; kx < k; kx++) {
            const int ix = ox * stride - g.pad_left + kx;
            if (ix < 0 || ix >= in_w) continue;
            for (int ci = 0; ci < in_c; ci++) {
              const double p = (double)input.data[((size_t)iy * in_w + ix) * in_c + ci] *
                               filter[(((size_t)ky * k + kx) * in_c + ci) * out_c + co];
              acc += p;
              magnitude += fabs(p);
            }
          }
        }
        const size_t i = ((size_t)oy * g.out_w + ox) * out_c + co;
        want[i] = naive_act_channel(acc, act, co);
        tol[i] = 1e-5 * (1.0 + magnitude);
      }

  fw_pack_conv(filter, with_bias ? bias : NULL, k, in_c, out_c, packed);
  for (size_t t = 0; t < COUNT(conv_twins); t++) {
    out_reset(&out);
    conv_twins[t].fn(&g, input.data, packed, zero.data, out.data, act);
    check_output(conv_twins[t].name, params, &out, want, tol, g.out_h, g.out_w, out_c);
  }
done:
  free(input.block);
  free(zero.block);
  out_free(&out);
  free(filter);
  free(bias);
  free(packed);
  free(want);
  free(tol);
  free(alphas);
}

static void conv_tests(void) {
  static const int kernels[] = {1, 3};
  static const int strides[] = {1, 2};
  static const fw_padding paddings[] = {FW_PAD_SAME, FW_PAD_VALID};
  static const int in_cs[] = {1, 3, 5, 7, 17, 33};
  static const int out_cs[] = {1, 3, 8, 9, 16, 25, 33};
  static const int sizes[][2] = {{1, 1}, {2, 3}, {5, 7}, {15, 7}, {9, 16}, {13, 13}};
  int i = 0;
  /* K in {1, 3} x stride x padding x in_c x out_c x size, activation and
   * bias rotating through the cases. */
  for (size_t a = 0; a < COUNT(kernels); a++)
    for (size_t b = 0; b < COUNT(strides); b++)
      for (size_t c = 0; c < COUNT(paddings); c++)
        for (size_t d = 0; d < COUNT(in_cs); d++)
          for (size_t e = 0; e < COUNT(out_cs); e++)
            for (size_t f = 0; f < COUNT(sizes); f++, i++)
              conv_case(kernels[a], strides[b], paddings[c], sizes[f][0], sizes[f][1], in_cs[d], out_cs[e],
                        activations[(i / 5) % 4], i % 7 != 3);

  /* Other kernel sizes: 7 (the recognition stem), 2 (even: asymmetric SAME
   * padding), 5; fewer channel counts. */
  static const int k7_in[] = {1, 3, 5};
  static const int k7_out[] = {8, 9, 33};
  for (size_t b = 0; b < COUNT(strides); b++)
    for (size_t c = 0; c < COUNT(paddings); c++)
      for (size_t f = 0; f < COUNT(sizes); f++)
        for (size_t d = 0; d < COUNT(k7_in); d++, i++) {
          conv_case(7, strides[b], paddings[c], sizes[f][0], sizes[f][1], k7_in[d], k7_out[(f + d) % 3],
                    activations[i % 4], 1);
          conv_case(2, strides[b], paddings[c], sizes[f][0], sizes[f][1], k7_in[d], k7_out[(f + d + 1) % 3],
                    activations[(i + 1) % 4], i % 2);
          conv_case(5, strides[b], paddings[c], sizes[f][0], sizes[f][1], k7_in[d], k7_out[(f + d + 2) % 3],
                    activations[(i + 2) % 4], 1);
        }

  /* Shapes the nets use, scaled down: Tiny Face Detector's first conv and a
   * 1x1 pointwise, a 3x3 ResNet-style conv, an odd-width pointwise. */
  conv_case(3, 1, FW_PAD_SAME, 26, 26, 3, 16, activations[3], 1);
  conv_case(1, 1, FW_PAD_SAME, 13, 13, 64, 32, activations[3], 1);
  conv_case(3, 1, FW_PAD_SAME, 18, 18, 32, 32, activations[1], 1);
  conv_case(3, 2, FW_PAD_SAME, 19, 21, 16, 24, activations[2], 1);
  conv_case(1, 1, FW_PAD_VALID, 7, 31, 40, 25, activations[0], 1);
  conv_case(7, 2, FW_PAD_SAME, 30, 29, 3, 32, activations[1], 1);
}

/* ------------------------------------------------------------------------ */
/* Depthwise 3x3                                                             */

static void dwconv_case(int stride, fw_padding padding, int in_h, int in_w, int channels, fw_activation act,
                        int with_bias) {
  const uint32_t seed = next_seed();
  char params[320];
  snprintf(params, sizeof params, "[stride=%d pad=%s in=%dx%dx%d (HxWxC) act=%s alpha=%g bias=%s seed=%u]",
           stride, pad_name(padding), in_h, in_w, channels, act_name(act), (double)act.alpha,
           with_bias ? "yes" : "NULL", (unsigned)seed);
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, channels, channels, 3, stride, padding);
  if (!geometry_ok(&g, in_h, in_w, 3, stride, padding, params)) return;

  rng r = {seed};
  const size_t n_in = (size_t)in_h * in_w * channels, n_out = (size_t)g.out_h * g.out_w * channels;
  in_buf input = {0}, zero = {0};
  out_buf out = {0};
  float *filter = malloc((size_t)9 * channels * sizeof(float)), *bias = malloc((size_t)channels * sizeof(float));
  float *packed = malloc(fw_dwconv3x3_packed_size(channels) * sizeof(float));
  double *want = malloc((n_out ? n_out : 1) * sizeof(double)), *tol = malloc((n_out ? n_out : 1) * sizeof(double));
  if (!in_alloc(&input, n_in) || !in_alloc(&zero, (size_t)channels) || !out_alloc(&out, n_out) || !filter ||
      !bias || !packed || !want || !tol) {
    record(0, "fw_f32_dwconv3x3", params, "test out of memory");
    goto done;
  }
  fill_unit(&r, input.data, n_in);
  fill_unit(&r, filter, (size_t)9 * channels);
  fill_unit(&r, bias, (size_t)channels);
  memset(zero.data, 0, (size_t)channels * sizeof(float));

  /* Naive: filter [3][3][c][1]. */
  for (int oy = 0; oy < g.out_h; oy++)
    for (int ox = 0; ox < g.out_w; ox++)
      for (int c = 0; c < channels; c++) {
        double acc = with_bias ? bias[c] : 0.0, magnitude = 0.0;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            const int iy = oy * stride - g.pad_top + ky, ix = ox * stride - g.pad_left + kx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) continue;
            const double p =
                (double)input.data[((size_t)iy * in_w + ix) * channels + c] * filter[(ky * 3 + kx) * channels + c];
            acc += p;
            magnitude += fabs(p);
          }
        const size_t i = ((size_t)oy * g.out_w + ox) * channels + c;
        want[i] = naive_act(acc, act);
        tol[i] = 1e-5 * (1.0 + magnitude);
      }

  fw_pack_dwconv3x3(filter, with_bias ? bias : NULL, channels, packed);
  for (size_t t = 0; t < COUNT(dwconv_twins); t++) {
    out_reset(&out);
    dwconv_twins[t].fn(&g, input.data, packed, zero.data, out.data, act);
    check_output(dwconv_twins[t].name, params, &out, want, tol, g.out_h, g.out_w, channels);
  }
done:
  free(input.block);
  free(zero.block);
  out_free(&out);
  free(filter);
  free(bias);
  free(packed);
  free(want);
  free(tol);
}

static void dwconv_tests(void) {
  static const int channels[] = {1, 3, 4, 5, 7, 16, 17, 33};
  static const int strides[] = {1, 2};
  static const fw_padding paddings[] = {FW_PAD_SAME, FW_PAD_VALID};
  static const int sizes[][2] = {{1, 1}, {2, 3}, {3, 3}, {4, 1}, {1, 6}, {5, 7}, {15, 7}, {9, 16}, {13, 13}};
  int i = 0;
  for (size_t a = 0; a < COUNT(channels); a++)
    for (size_t b = 0; b < COUNT(strides); b++)
      for (size_t c = 0; c < COUNT(paddings); c++)
        for (size_t d = 0; d < COUNT(sizes); d++)
          for (int with_bias = 0; with_bias < 2; with_bias++, i++)
            dwconv_case(strides[b], paddings[c], sizes[d][0], sizes[d][1], channels[a], activations[(i / 3) % 4],
                        with_bias);
  /* MobileNet-like shapes, scaled down. */
  dwconv_case(1, FW_PAD_SAME, 19, 19, 32, activations[2], 1);
  dwconv_case(2, FW_PAD_SAME, 38, 38, 32, activations[2], 1);
  dwconv_case(2, FW_PAD_SAME, 19, 19, 64, activations[2], 1);
  dwconv_case(1, FW_PAD_SAME, 10, 10, 128, activations[3], 0);
}

/* ------------------------------------------------------------------------ */
/* Max pooling 2x2                                                           */

typedef void (*pool_fn)(const float *, int, int, int, int, float *);

TWIN_TABLE(pool_twins, pool_fn, fw_f32_maxpool2x2);

/* negative: all inputs in [-1, -0.01], so a padding value of 0 winning a
 * max would show. */
static void maxpool_case(int stride, int in_h, int in_w, int channels, int negative) {
  const uint32_t seed = next_seed();
  char params[256];
  snprintf(params, sizeof params, "[stride=%d in=%dx%dx%d (HxWxC) values=%s seed=%u]", stride, in_h, in_w, channels,
           negative ? "negative" : "[-1,1]", (unsigned)seed);
  /* TensorFlow SAME max pooling, window 2. */
  const int out_h = (int)ceil((double)in_h / stride), out_w = (int)ceil((double)in_w / stride);
  const int total_h = (out_h - 1) * stride + 2 - in_h, total_w = (out_w - 1) * stride + 2 - in_w;
  const int pad_top = (total_h > 0 ? total_h : 0) / 2, pad_left = (total_w > 0 ? total_w : 0) / 2;

  rng r = {seed};
  const size_t n_in = (size_t)in_h * in_w * channels, n_out = (size_t)out_h * out_w * channels;
  in_buf input = {0};
  out_buf out = {0};
  double *want = malloc(n_out * sizeof(double));
  if (!in_alloc(&input, n_in) || !out_alloc(&out, n_out) || !want) {
    record(0, "fw_f32_maxpool2x2", params, "test out of memory");
    goto done;
  }
  for (size_t i = 0; i < n_in; i++) {
    const float v = rng_unit(&r);
    input.data[i] = negative ? -0.01f - 0.99f * fabsf(v) : v;
  }
  for (int oy = 0; oy < out_h; oy++)
    for (int ox = 0; ox < out_w; ox++)
      for (int c = 0; c < channels; c++) {
        double m = -INFINITY;
        for (int dy = 0; dy < 2; dy++)
          for (int dx = 0; dx < 2; dx++) {
            const int iy = oy * stride - pad_top + dy, ix = ox * stride - pad_left + dx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) continue;
            const double v = input.data[((size_t)iy * in_w + ix) * channels + c];
            if (v > m) m = v;
          }
        want[((size_t)oy * out_w + ox) * channels + c] = m;
      }
  for (size_t t = 0; t < COUNT(pool_twins); t++) {
    out_reset(&out);
    pool_twins[t].fn(input.data, in_h, in_w, channels, stride, out.data);
    check_output(pool_twins[t].name, params, &out, want, NULL, out_h, out_w, channels);
  }
done:
  free(input.block);
  out_free(&out);
  free(want);
}

static void maxpool_tests(void) {
  static const int sizes[][2] = {{1, 1}, {1, 2}, {1, 5}, {1, 8}, {2, 1}, {7, 1},   {2, 2},
                                 {3, 3}, {4, 6}, {5, 7}, {15, 7}, {9, 16}, {13, 13}, {16, 16}};
  static const int channels[] = {1, 3, 4, 5, 8, 17, 33};
  for (size_t a = 0; a < COUNT(sizes); a++)
    for (size_t b = 0; b < COUNT(channels); b++)
      for (int stride = 1; stride <= 2; stride++)
        for (int negative = 0; negative < 2; negative++)
          maxpool_case(stride, sizes[a][0], sizes[a][1], channels[b], negative);
  /* Tiny Face Detector's pools, scaled down: stride 2 on 16 channels, stride 1 at the end. */
  maxpool_case(2, 52, 52, 16, 0);
  maxpool_case(1, 13, 13, 256, 0);
}

/* ------------------------------------------------------------------------ */
/* RGBA -> padded square -> bilinear resize -> normalize                     */

/* face-api.js padToSquare on one axis: zeros after (bottom/right), or centred
 * with Math.round(diff * 0.5) after and the rest before. */
static int naive_pad_before(int extent, int square, fw_square_padding padding) {
  const int diff = square - extent;
  if (padding == FW_PAD_BOTTOM_RIGHT) return 0;
  const int after = (int)floor(diff * 0.5 + 0.5); /* Math.round for x >= 0 */
  return diff - after;
}

static void preprocess_case(int img_w, int img_h, fw_crop crop, fw_square_padding padding, int size,
                            const float mean[3], float divisor) {
  const uint32_t seed = next_seed();
  char params[320];
  snprintf(params, sizeof params,
           "[image=%dx%d (WxH) crop x=%d y=%d w=%d h=%d padding=%s size=%d mean=%g,%g,%g divisor=%g seed=%u]", img_w,
           img_h, crop.x, crop.y, crop.width, crop.height, padding == FW_PAD_CENTRED ? "centred" : "bottom-right",
           size, (double)mean[0], (double)mean[1], (double)mean[2], (double)divisor, (unsigned)seed);
  rng r = {seed};
  const int square = crop.width > crop.height ? crop.width : crop.height;
  const size_t n_out = (size_t)size * size * 3;
  uint8_t *pixels = malloc((size_t)img_w * img_h * 4);
  float *padded = calloc((size_t)square * square * 3, sizeof(float));
  double *want = malloc(n_out * sizeof(double));
  out_buf out = {0};
  if (!pixels || !padded || !want || !out_alloc(&out, n_out)) {
    record(0, "fw_rgba_to_square_input", params, "test out of memory");
    goto done;
  }
  for (size_t i = 0; i < (size_t)img_w * img_h * 4; i++) pixels[i] = (uint8_t)(rng_next(&r) >> 24);

  /* tf.slice + padToSquare: an explicit zero-padded square of RGB floats. */
  const int top = naive_pad_before(crop.height, square, padding), left = naive_pad_before(crop.width, square, padding);
  for (int y = 0; y < crop.height; y++)
    for (int x = 0; x < crop.width; x++)
      for (int c = 0; c < 3; c++)
        padded[((size_t)(top + y) * square + (left + x)) * 3 + c] =
            pixels[((size_t)(crop.y + y) * img_w + (crop.x + x)) * 4 + c];

  /* tfjs-core 1.7 CPU resizeBilinear, alignCorners false: ratio = in / out
   * (double), source = ratio * dst, floor/ceil clamped to in - 1, lerp in
   * double, stored in a Float32Array. Then (v - mean) / divisor in float32. */
  const double ratio = (double)square / (double)size;
  for (int row = 0; row < size; row++) {
    const double src_r = ratio * row;
    const int r0 = (int)fmin(floor(src_r), square - 1), r1 = (int)fmin(ceil(src_r), square - 1);
    const double row_frac = src_r - floor(src_r);
    for (int col = 0; col < size; col++) {
      const double src_c = ratio * col;
      const int c0 = (int)fmin(floor(src_c), square - 1), c1 = (int)fmin(ceil(src_c), square - 1);
      const double col_frac = src_c - floor(src_c);
      for (int c = 0; c < 3; c++) {
        const double tl = padded[((size_t)r0 * square + c0) * 3 + c], tr = padded[((size_t)r0 * square + c1) * 3 + c];
        const double bl = padded[((size_t)r1 * square + c0) * 3 + c], br = padded[((size_t)r1 * square + c1) * 3 + c];
        const double upper = tl + (tr - tl) * col_frac, lower = bl + (br - bl) * col_frac;
        const float value = (float)(upper + (lower - upper) * row_frac);
        const float centred = value - mean[c];
        const float normalized = centred / divisor;
        want[((size_t)row * size + col) * 3 + c] = normalized;
      }
    }
  }

  const fw_rgba_image image = {pixels, img_w, img_h};
  out_reset(&out);
  fw_rgba_to_square_input(&image, crop, padding, size, mean, divisor, out.data);
  check_output("fw_rgba_to_square_input", params, &out, want, NULL, size, size, 3);
done:
  free(pixels);
  free(padded);
  free(want);
  out_free(&out);
}

static void preprocess_tests(void) {
  static const int images[][2] = {{7, 3}, {3, 7}, {1, 1}, {5, 5}, {1, 6}, {6, 1}, {20, 13}, {13, 20}, {64, 48}};
  static const int sizes[] = {1, 2, 3, 5, 7, 8, 13, 32};
  static const float zero_mean[3] = {0.0f, 0.0f, 0.0f};
  static const float tfd_mean[3] = {117.001f, 114.697f, 97.404f}; /* Tiny Face Detector's meanRgb */
  for (size_t a = 0; a < COUNT(images); a++) {
    const int w = images[a][0], h = images[a][1];
    /* Whole image, an interior crop, a one-row crop, a single pixel. */
    fw_crop crops[4] = {{0, 0, w, h}, {w > 2 ? 1 : 0, h > 2 ? 1 : 0, w > 2 ? w - 2 : w, h > 1 ? h - 1 : h},
                        {w / 2, h - 1, w - w / 2, 1}, {w - 1, h / 2, 1, 1}};
    for (int c = 0; c < 4; c++)
      for (size_t s = 0; s < COUNT(sizes); s++)
        for (int p = 0; p < 2; p++) {
          const int tfd = (int)((a + (size_t)c + s) % 2);
          preprocess_case(w, h, crops[c], (fw_square_padding)p, sizes[s], tfd ? tfd_mean : zero_mean,
                          tfd ? 256.0f : 1.0f);
        }
  }
  /* The sizes the detector really uses, on a small non-square image. */
  static const fw_crop whole = {0, 0, 37, 23};
  preprocess_case(37, 23, whole, FW_PAD_BOTTOM_RIGHT, 416, tfd_mean, 256.0f);
  preprocess_case(37, 23, whole, FW_PAD_CENTRED, 224, zero_mean, 1.0f);
}

/* ------------------------------------------------------------------------ */
/* Box IoU and non-max suppression                                           */

static fw_box box(double left, double top, double right, double bottom) {
  fw_box b = {left, top, right, bottom};
  return b;
}

static void iou_case(const char *name, fw_box a, fw_box b, double want) {
  const double got = fw_box_iou(a, b), got_swapped = fw_box_iou(b, a);
  const int ok = isnan(want) ? isnan(got) && isnan(got_swapped) : got == want && got_swapped == want;
  char params[256], detail[128];
  snprintf(params, sizeof params, "[%s: a=(%g,%g,%g,%g) b=(%g,%g,%g,%g) (left,top,right,bottom)]", name, a.left, a.top,
           a.right, a.bottom, b.left, b.top, b.right, b.bottom);
  snprintf(detail, sizeof detail, "want %.17g got %.17g (swapped %.17g)", want, got, got_swapped);
  record(ok, "fw_box_iou", params, detail);
}

/* face-api.js's iou() and nonMaxSuppression() re-derived: the box picked is
 * the one a stable ascending sort by score then pop() gives (highest score,
 * ties to the later index); the others stay only if iou <= threshold (a NaN
 * IoU therefore drops them). */
static double naive_iou(fw_box a, fw_box b) {
  const double w = fmax(0.0, fmin(a.right, b.right) - fmax(a.left, b.left));
  const double h = fmax(0.0, fmin(a.bottom, b.bottom) - fmax(a.top, b.top));
  const double inter = w * h;
  const double area_a = (a.right - a.left) * (a.bottom - a.top), area_b = (b.right - b.left) * (b.bottom - b.top);
  return inter / (area_a + area_b - inter);
}

static int naive_nms(const fw_box *boxes, const double *scores, int n, double threshold, int *alive, int *kept) {
  int count = 0;
  for (int i = 0; i < n; i++) alive[i] = 1;
  for (;;) {
    int best = -1;
    for (int i = 0; i < n; i++)
      if (alive[i] && (best < 0 || scores[i] >= scores[best])) best = i;
    if (best < 0) return count;
    kept[count++] = best;
    alive[best] = 0;
    for (int i = 0; i < n; i++)
      if (alive[i] && !(naive_iou(boxes[best], boxes[i]) <= threshold)) alive[i] = 0;
  }
}

#define NMS_MAX 64
#define INT_GUARD 4
#define INT_SENTINEL (-7777)

static void append_ints(char *s, size_t size, const int *v, int n) {
  size_t len = strlen(s);
  for (int i = 0; i < n && len + 1 < size; i++) {
    snprintf(s + len, size - len, i ? ",%d" : "%d", v[i]);
    len = strlen(s);
  }
}

static void nms_case(const char *name, const fw_box *boxes, const double *scores, int n, double threshold,
                     const int *expect, int n_expect) {
  int order[NMS_MAX + 2 * INT_GUARD], kept[NMS_MAX + 2 * INT_GUARD];
  for (int i = 0; i < NMS_MAX + 2 * INT_GUARD; i++) order[i] = kept[i] = INT_SENTINEL;
  const int count = fw_non_max_suppression(boxes, scores, n, threshold, order + INT_GUARD, kept + INT_GUARD);
  int ok = count == n_expect, guards_ok = 1;
  for (int i = 0; ok && i < count; i++) ok = kept[INT_GUARD + i] == expect[i];
  for (int i = 0; i < INT_GUARD; i++)
    if (order[i] != INT_SENTINEL || kept[i] != INT_SENTINEL || order[INT_GUARD + n + i] != INT_SENTINEL ||
        kept[INT_GUARD + n + i] != INT_SENTINEL)
      guards_ok = 0;
  char params[3072] = "", detail[512] = "";
  snprintf(params, sizeof params, "[%s: n=%d threshold=%.17g boxes(l,t,r,b)/scores=", name, n, threshold);
  for (int i = 0; i < n; i++) {
    size_t len = strlen(params);
    if (len + 48 >= sizeof params) break;
    snprintf(params + len, sizeof params - len, "%s(%g,%g,%g,%g)/%g", i ? " " : "", boxes[i].left, boxes[i].top,
             boxes[i].right, boxes[i].bottom, scores[i]);
  }
  strncat(params, "]", sizeof params - strlen(params) - 1);
  snprintf(detail, sizeof detail, "want %d kept [", n_expect);
  append_ints(detail, sizeof detail, expect, n_expect);
  snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "] got %d [", count);
  append_ints(detail, sizeof detail, kept + INT_GUARD, count > 0 && count <= n ? count : 0);
  snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "]; scratch guards %s",
           guards_ok ? "intact" : "CLOBBERED");
  record(ok && guards_ok, "fw_non_max_suppression", params, detail);
}

static void box_tests(void) {
  iou_case("identical", box(0, 0, 2, 2), box(0, 0, 2, 2), 1.0);
  iou_case("disjoint", box(0, 0, 1, 1), box(5, 5, 6, 7), 0.0);
  iou_case("touching edge", box(0, 0, 1, 1), box(1, 0, 2, 1), 0.0);
  iou_case("half overlap", box(0, 0, 3, 1), box(1, 0, 4, 1), 0.5);
  iou_case("a third", box(0, 0, 2, 2), box(1, 0, 3, 2), 2.0 / 6.0);
  iou_case("contained", box(0, 0, 4, 4), box(1, 1, 3, 3), 0.25);
  iou_case("fractional", box(0.5, 0.25, 2.5, 1.25), box(1.5, 0.25, 3.5, 1.25), 1.0 / 3.0);
  iou_case("both zero-area (0/0)", box(1, 1, 1, 3), box(1, 1, 1, 3), NAN);

  static const fw_box unit_row[4] = {{0, 0, 1, 1}, {2, 0, 3, 1}, {4, 0, 5, 1}, {6, 0, 7, 1}};
  static const fw_box same[3] = {{1, 1, 3, 3}, {1, 1, 3, 3}, {1, 1, 3, 3}};
  static const fw_box half[2] = {{0, 0, 3, 1}, {1, 0, 4, 1}};
  static const fw_box chain[3] = {{0, 0, 4, 1}, {2, 0, 6, 1}, {4, 0, 8, 1}};
  static const fw_box touching[2] = {{0, 0, 1, 1}, {1, 0, 2, 1}};
  static const fw_box degenerate[2] = {{1, 1, 1, 3}, {1, 1, 1, 3}};
  static const double s_one[1] = {0.7}, s_same[3] = {0.5, 0.9, 0.7}, s_disjoint[3] = {0.2, 0.9, 0.5};
  static const double s_half[2] = {0.9, 0.8}, s_tie4[4] = {0.5, 0.5, 0.5, 0.5}, s_tie3[3] = {0.5, 0.5, 0.5};
  static const double s_mixed[4] = {0.9, 0.5, 0.9, 0.5}, s_chain[3] = {0.9, 0.8, 0.7}, s_two[2] = {0.6, 0.8};
  static const int e_one[] = {0}, e_same[] = {1}, e_disjoint[] = {1, 2, 0}, e_both[] = {0, 1}, e_first[] = {0};
  static const int e_tie4[] = {3, 2, 1, 0}, e_tie3[] = {2}, e_mixed[] = {2, 0, 3, 1}, e_chain[] = {0, 2};
  static const int e_touching[] = {1, 0}, e_degenerate[] = {1};

  nms_case("empty input", unit_row, s_one, 0, 0.5, NULL, 0);
  nms_case("single box", unit_row, s_one, 1, 0.5, e_one, 1);
  nms_case("identical boxes: best only", same, s_same, 3, 0.5, e_same, 1);
  nms_case("disjoint boxes: all, by score", unit_row, s_disjoint, 3, 0.5, e_disjoint, 3);
  nms_case("IoU exactly at threshold: kept", half, s_half, 2, 0.5, e_both, 2);
  nms_case("IoU just above threshold: dropped", half, s_half, 2, 0.4999999, e_first, 1);
  nms_case("equal scores, disjoint: later index first", unit_row, s_tie4, 4, 0.5, e_tie4, 4);
  nms_case("equal scores, identical boxes: later index wins", same, s_tie3, 3, 0.5, e_tie3, 1);
  nms_case("two score ties", unit_row, s_mixed, 4, 0.5, e_mixed, 4);
  nms_case("suppressed box suppresses nothing", chain, s_chain, 3, 0.3, e_chain, 2);
  nms_case("threshold 0, touching (IoU 0): kept", touching, s_two, 2, 0.0, e_touching, 2);
  nms_case("threshold 1, identical: kept", same, s_tie3, 3, 1.0, (const int[]){2, 1, 0}, 3);
  nms_case("zero-area identical boxes (IoU NaN): face-api drops", degenerate, s_two, 2, 0.5, e_degenerate, 1);

  /* Random cases against the naive re-derivation: integer boxes on a small
   * grid (exact IoU ties and threshold hits), scores with ties. */
  static const int ns[] = {1, 2, 3, 5, 8, 13, 21, 40, 64};
  static const double thresholds[] = {0.0, 0.2, 1.0 / 3.0, 0.5, 0.7, 1.0};
  for (size_t a = 0; a < COUNT(ns); a++)
    for (size_t b = 0; b < COUNT(thresholds); b++) {
      const uint32_t seed = next_seed();
      rng r = {seed};
      char name[48];
      snprintf(name, sizeof name, "random, seed=%u", (unsigned)seed);
      fw_box boxes[NMS_MAX];
      double scores[NMS_MAX];
      int alive[NMS_MAX], expect[NMS_MAX];
      for (int i = 0; i < ns[a]; i++) {
        const int x = rng_int(&r, 8), y = rng_int(&r, 8);
        boxes[i] = box(x, y, x + 1 + rng_int(&r, 4), y + 1 + rng_int(&r, 4));
        scores[i] = (1 + rng_int(&r, 5)) / 8.0;
      }
      const int n_expect = naive_nms(boxes, scores, ns[a], thresholds[b], alive, expect);
      nms_case(name, boxes, scores, ns[a], thresholds[b], expect, n_expect);
    }
}

/* ------------------------------------------------------------------------ */
/* SSD non-max suppression: face-api.js's ssdMobilenetv1/nonMaxSuppression.js */

/* Its IOU(): corners sorted with min/max, non-positive areas give 0. */
static double naive_ssd_iou(fw_box a, fw_box b) {
  const double ay0 = fmin(a.top, a.bottom), ax0 = fmin(a.left, a.right), ay1 = fmax(a.top, a.bottom),
               ax1 = fmax(a.left, a.right);
  const double by0 = fmin(b.top, b.bottom), bx0 = fmin(b.left, b.right), by1 = fmax(b.top, b.bottom),
               bx1 = fmax(b.left, b.right);
  const double area_a = (ay1 - ay0) * (ax1 - ax0), area_b = (by1 - by0) * (bx1 - bx0);
  if (area_a <= 0 || area_b <= 0) return 0.0;
  const double inter = fmax(fmin(ay1, by1) - fmax(ay0, by0), 0.0) * fmax(fmin(ax1, bx1) - fmax(ax0, bx0), 0.0);
  return inter / (area_a + area_b - inter);
}

/* The algorithm step by step: filter, stable sort by descending score
 * (insertion sort), then for each candidate walk the selected boxes from the
 * last, multiplying its score by (iou <= threshold) and stopping once it is
 * <= the score threshold; kept if its score is unchanged. */
static int naive_ssd_nms(const fw_box *boxes, const double *scores, int n, double score_threshold,
                         double max_output, double iou_threshold, int *kept) {
  int order[NMS_MAX], candidates = 0;
  for (int i = 0; i < n; i++) {
    if (!(scores[i] > score_threshold)) continue;
    int j = candidates++;
    while (j > 0 && scores[order[j - 1]] < scores[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  const double output_size = max_output < n ? max_output : n;
  int count = 0;
  for (int c = 0; c < candidates; c++) {
    if (count >= output_size) break;
    double score = scores[order[c]];
    for (int j = count - 1; j >= 0; j--) {
      const double iou = naive_ssd_iou(boxes[order[c]], boxes[kept[j]]);
      if (iou == 0.0) continue;
      score *= iou <= iou_threshold ? 1 : 0;
      if (score <= score_threshold) break;
    }
    if (score == scores[order[c]]) kept[count++] = order[c];
  }
  return count;
}

static void ssd_nms_case(const char *name, const fw_box *boxes, const double *scores, int n, double score_threshold,
                         double max_output, double iou_threshold) {
  fw_scored scratch[NMS_MAX + 2];
  int kept[NMS_MAX + 2 * INT_GUARD], expect[NMS_MAX];
  for (int i = 0; i < NMS_MAX + 2 * INT_GUARD; i++) kept[i] = INT_SENTINEL;
  const int n_expect = naive_ssd_nms(boxes, scores, n, score_threshold, max_output, iou_threshold, expect);
  const int count = fw_nms_by_score(boxes, scores, n, score_threshold, max_output, iou_threshold, scratch,
                                    kept + INT_GUARD);
  int ok = count == n_expect, guards_ok = 1;
  for (int i = 0; ok && i < count; i++) ok = kept[INT_GUARD + i] == expect[i];
  for (int i = 0; i < INT_GUARD; i++)
    if (kept[i] != INT_SENTINEL || kept[INT_GUARD + n + i] != INT_SENTINEL) guards_ok = 0;
  char params[3072] = "", detail[512] = "";
  snprintf(params, sizeof params, "[%s: n=%d score>%.17g max=%g iou<=%.17g boxes(l,t,r,b)/scores=", name, n,
           score_threshold, max_output, iou_threshold);
  for (int i = 0; i < n; i++) {
    size_t len = strlen(params);
    if (len + 48 >= sizeof params) break;
    snprintf(params + len, sizeof params - len, "%s(%g,%g,%g,%g)/%g", i ? " " : "", boxes[i].left, boxes[i].top,
             boxes[i].right, boxes[i].bottom, scores[i]);
  }
  strncat(params, "]", sizeof params - strlen(params) - 1);
  snprintf(detail, sizeof detail, "want %d kept [", n_expect);
  append_ints(detail, sizeof detail, expect, n_expect);
  snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "] got %d [", count);
  append_ints(detail, sizeof detail, kept + INT_GUARD, count > 0 && count <= n ? count : 0);
  snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "]; guards %s", guards_ok ? "intact" : "CLOBBERED");
  record(ok && guards_ok, "fw_nms_by_score", params, detail);
}

static void ssd_nms_tests(void) {
  static const fw_box row[4] = {{0, 0, 1, 1}, {2, 0, 3, 1}, {4, 0, 5, 1}, {6, 0, 7, 1}};
  static const fw_box same[3] = {{1, 1, 3, 3}, {1, 1, 3, 3}, {1, 1, 3, 3}};
  static const fw_box swapped[2] = {{3, 3, 1, 1}, {1, 1, 3, 3}}; /* corners given in reverse */
  static const fw_box flat[2] = {{1, 1, 1, 3}, {1, 1, 1, 3}};    /* zero area: never overlap */
  static const fw_box half[2] = {{0, 0, 3, 1}, {1, 0, 4, 1}};    /* IoU exactly 0.5 */
  static const double s_ties[4] = {0.6, 0.6, 0.6, 0.6}, s_same[3] = {0.7, 0.9, 0.9}, s_two[2] = {0.8, 0.6};
  static const double s_edge[4] = {0.5, 0.50000001, 0.9, 0.2};
  ssd_nms_case("equal scores: earlier index first", row, s_ties, 4, 0.5, 100, 0.5);
  ssd_nms_case("identical boxes, tie: earlier index wins", same, s_same, 3, 0.5, 100, 0.5);
  ssd_nms_case("score equal to the threshold: not a candidate", row, s_edge, 4, 0.5, 100, 0.5);
  ssd_nms_case("max_output 2", row, s_ties, 4, 0.5, 2, 0.5);
  ssd_nms_case("max_output 2.5 keeps 3", row, s_ties, 4, 0.5, 2.5, 0.5);
  ssd_nms_case("max_output 0 and negative keep none", row, s_ties, 4, 0.5, -1, 0.5);
  ssd_nms_case("max_output infinite", row, s_ties, 4, 0.5, INFINITY, 0.5);
  ssd_nms_case("reversed corners overlap fully", swapped, s_two, 2, 0.5, 100, 0.5);
  ssd_nms_case("zero-area boxes never suppress", flat, s_two, 2, 0.5, 100, 0.5);
  ssd_nms_case("IoU exactly at threshold: kept", half, s_two, 2, 0.5, 100, 0.5);
  ssd_nms_case("IoU just above threshold: dropped", half, s_two, 2, 0.5, 100, 0.4999999);

  static const int ns[] = {1, 2, 3, 5, 8, 13, 21, 40, 64};
  static const double thresholds[] = {0.0, 0.2, 1.0 / 3.0, 0.5, 0.7, 1.0};
  static const double max_outputs[] = {100, 3, 1};
  for (size_t a = 0; a < COUNT(ns); a++)
    for (size_t b = 0; b < COUNT(thresholds); b++) {
      const uint32_t seed = next_seed();
      rng r = {seed};
      char name[48];
      snprintf(name, sizeof name, "random, seed=%u", (unsigned)seed);
      fw_box boxes[NMS_MAX];
      double scores[NMS_MAX];
      for (int i = 0; i < ns[a]; i++) {
        const int x = rng_int(&r, 8), y = rng_int(&r, 8);
        /* some boxes with corners reversed or zero extent */
        const int w = rng_int(&r, 6) - 1, h = rng_int(&r, 6) - 1;
        boxes[i] = box(x, y, x + w, y + h);
        scores[i] = (1 + rng_int(&r, 7)) / 8.0;
      }
      ssd_nms_case(name, boxes, scores, ns[a], (1 + rng_int(&r, 4)) / 8.0, max_outputs[rng_int(&r, 3)],
                   thresholds[b]);
    }
}

/* ------------------------------------------------------------------------ */
/* Batch-norm folding: conv with folded weights == conv, then tf.batchNorm.  */

static void batchnorm_case(int k, int in_c, int out_c, int with_bias, int depthwise) {
  rng r = {next_seed()};
  const int channels = depthwise ? in_c : out_c;
  const size_t filter_count = (size_t)k * k * in_c * (depthwise ? 1 : out_c);
  const int h = 5, w = 6;
  float *filter = malloc(filter_count * sizeof(float)), *x = malloc((size_t)h * w * in_c * sizeof(float));
  float bias[64], mean[64], variance[64], scale[64], offset[64], folded_bias[64];
  fill_unit(&r, filter, filter_count);
  fill_unit(&r, x, (size_t)h * w * in_c);
  for (int c = 0; c < channels; c++) {
    bias[c] = rng_unit(&r);
    mean[c] = rng_unit(&r);
    variance[c] = 0.5f + 0.5f * rng_unit(&r);
    scale[c] = rng_unit(&r);
    offset[c] = rng_unit(&r);
  }
  const double eps = 0.0010000000474974513;
  /* Naive: SAME conv (or depthwise) with the original filter, then the BN formula. */
  fw_conv_geometry g = fw_conv_geometry_tf(h, w, in_c, channels, k, 1, FW_PAD_SAME);
  double worst = 0.0;
  float *copy = malloc(filter_count * sizeof(float));
  for (size_t i = 0; i < filter_count; i++) copy[i] = filter[i];
  fw_fold_batchnorm(copy, filter_count, channels, with_bias ? bias : NULL, mean, variance, scale, offset, eps,
                    folded_bias);
  for (int oy = 0; oy < g.out_h; oy++)
    for (int ox = 0; ox < g.out_w; ox++)
      for (int o = 0; o < channels; o++) {
        double plain = 0.0, folded = folded_bias[o], magnitude = 0.0;
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++) {
            const int iy = oy - g.pad_top + ky, ix = ox - g.pad_left + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (int c = 0; c < in_c; c++) {
              if (depthwise && c != o) continue;
              const size_t wi = depthwise ? ((size_t)(ky * k + kx) * in_c + c)
                                          : (((size_t)(ky * k + kx) * in_c + c) * out_c + o);
              const double xv = x[((size_t)iy * w + ix) * in_c + c];
              plain += xv * filter[wi];
              folded += xv * copy[wi];
              magnitude += fabs(xv * copy[wi]);
            }
          }
        const double want = ((with_bias ? bias[o] : 0.0) + plain - mean[o]) * scale[o] / sqrt(variance[o] + eps) + offset[o];
        const double err = fabs(folded - want) / (1.0 + magnitude + fabs(want));
        if (err > worst) worst = err;
      }
  char params[128], detail[96];
  snprintf(params, sizeof params, "k=%d in_c=%d out_c=%d bias=%d depthwise=%d", k, in_c, out_c, with_bias, depthwise);
  snprintf(detail, sizeof detail, "normalized error %.3g", worst);
  record(worst <= 1e-5, "fw_fold_batchnorm", params, detail);
  free(filter);
  free(copy);
  free(x);
}

static void batchnorm_tests(void) {
  batchnorm_case(3, 5, 7, 1, 0);
  batchnorm_case(1, 17, 33, 0, 0);
  batchnorm_case(3, 7, 1, 0, 1);
  batchnorm_case(3, 33, 1, 1, 1);
}


/* ------------------------------------------------------------------------ */
/* MTCNN: PReLU conv epilogue, KxK max pooling, rectangular tfjs resize,     */
/* canvas-style patch scaling, 'Min' overlap NMS                             */

static void prelu_conv_tests(void) {
  static const fw_activation prelu = {.kind = FW_ACT_PRELU}; /* conv_case supplies the alphas */
  static const int kernels[] = {1, 2, 3};
  static const int in_cs[] = {1, 3, 5, 17};
  static const int out_cs[] = {1, 3, 8, 9, 10, 16, 25, 33};
  static const int sizes[][2] = {{1, 1}, {5, 7}, {15, 7}, {4, 16}};
  for (size_t a = 0; a < COUNT(kernels); a++)
    for (size_t d = 0; d < COUNT(in_cs); d++)
      for (size_t e = 0; e < COUNT(out_cs); e++)
        for (size_t f = 0; f < COUNT(sizes); f++)
          conv_case(kernels[a], 1, (a + f) % 2 ? FW_PAD_SAME : FW_PAD_VALID, sizes[f][0], sizes[f][1], in_cs[d],
                    out_cs[e], prelu, (d + e) % 3 != 0);
  /* MTCNN's shapes: P-Net conv1 and heads, R-Net conv3, an FC layer as a 1x1 conv. */
  conv_case(3, 1, FW_PAD_VALID, 23, 17, 3, 10, prelu, 1);
  conv_case(3, 1, FW_PAD_VALID, 11, 9, 10, 16, prelu, 1);
  conv_case(2, 1, FW_PAD_VALID, 4, 4, 48, 64, prelu, 1);
  conv_case(1, 1, FW_PAD_VALID, 1, 1, 576, 128, prelu, 1);
}

typedef void (*pool_kxk_fn)(const fw_conv_geometry *, const float *, float *);

TWIN_TABLE(pool_kxk_twins, pool_kxk_fn, fw_f32_maxpool_kxk);

static void maxpool_kxk_case(int k, int stride, fw_padding padding, int in_h, int in_w, int channels, int negative) {
  const uint32_t seed = next_seed();
  char params[256];
  snprintf(params, sizeof params, "[K=%d stride=%d pad=%s in=%dx%dx%d (HxWxC) values=%s seed=%u]", k, stride,
           pad_name(padding), in_h, in_w, channels, negative ? "negative" : "[-1,1]", (unsigned)seed);
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, channels, channels, k, stride, padding);
  if (!geometry_ok(&g, in_h, in_w, k, stride, padding, params)) return;
  rng r = {seed};
  const size_t n_in = (size_t)in_h * in_w * channels, n_out = (size_t)g.out_h * g.out_w * channels;
  in_buf input = {0};
  out_buf out = {0};
  double *want = malloc((n_out ? n_out : 1) * sizeof(double));
  if (!in_alloc(&input, n_in) || !out_alloc(&out, n_out) || !want) {
    record(0, "fw_f32_maxpool_kxk", params, "test out of memory");
    goto done;
  }
  for (size_t i = 0; i < n_in; i++) {
    const float v = rng_unit(&r);
    input.data[i] = negative ? -0.01f - 0.99f * fabsf(v) : v;
  }
  /* tf.maxPool: the max over the window's taps inside the input (padding is -infinity). */
  for (int oy = 0; oy < g.out_h; oy++)
    for (int ox = 0; ox < g.out_w; ox++)
      for (int c = 0; c < channels; c++) {
        double m = -INFINITY;
        for (int dy = 0; dy < k; dy++)
          for (int dx = 0; dx < k; dx++) {
            const int iy = oy * stride - g.pad_top + dy, ix = ox * stride - g.pad_left + dx;
            if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) continue;
            const double v = input.data[((size_t)iy * in_w + ix) * channels + c];
            if (v > m) m = v;
          }
        want[((size_t)oy * g.out_w + ox) * channels + c] = m;
      }
  for (size_t t = 0; t < COUNT(pool_kxk_twins); t++) {
    out_reset(&out);
    pool_kxk_twins[t].fn(&g, input.data, out.data);
    check_output(pool_kxk_twins[t].name, params, &out, want, NULL, g.out_h, g.out_w, channels);
    /* Bands of 1, 2, 3, ... output rows (fw_conv_row_band), as threads split
     * it (nets/parallel_conv.c): the whole call's values bit for bit. */
    float *split = malloc((n_out ? n_out : 1) * sizeof(float));
    if (!split) {
      record(0, pool_kxk_twins[t].name, params, "test out of memory");
      continue;
    }
    for (int first = 0, rows = 1; first < g.out_h; first += rows, rows++) {
      const fw_conv_geometry band = fw_conv_row_band(&g, first, first + rows <= g.out_h ? rows : g.out_h - first);
      pool_kxk_twins[t].fn(&band, input.data, split + (size_t)first * g.out_w * channels);
    }
    record(memcmp(out.data, split, n_out * sizeof(float)) == 0, pool_kxk_twins[t].name, params,
           "row bands differ from the whole map");
    free(split);
  }
done:
  free(input.block);
  out_free(&out);
  free(want);
}

static void maxpool_kxk_tests(void) {
  static const int sizes[][2] = {{1, 1}, {1, 5}, {3, 1}, {2, 2}, {3, 3}, {4, 6}, {5, 7}, {9, 9}, {15, 7}, {22, 13}};
  static const int channels[] = {1, 3, 4, 5, 17, 33};
  static const fw_padding paddings[] = {FW_PAD_SAME, FW_PAD_VALID};
  for (int k = 2; k <= 3; k++)
    for (int stride = 1; stride <= 2; stride++)
      for (size_t p = 0; p < COUNT(paddings); p++)
        for (size_t a = 0; a < COUNT(sizes); a++)
          for (size_t b = 0; b < COUNT(channels); b++)
            maxpool_kxk_case(k, stride, paddings[p], sizes[a][0], sizes[a][1], channels[b], (int)((a + b) % 2));
  /* R-Net's and O-Net's pools. */
  maxpool_kxk_case(3, 2, FW_PAD_SAME, 22, 22, 28, 0);
  maxpool_kxk_case(3, 2, FW_PAD_VALID, 9, 9, 48, 1);
  maxpool_kxk_case(3, 2, FW_PAD_SAME, 46, 46, 32, 0);
  maxpool_kxk_case(3, 2, FW_PAD_VALID, 21, 21, 64, 0);
  /* TinyXception's pools, scaled down, and the recognition stem's. */
  maxpool_kxk_case(3, 2, FW_PAD_SAME, 28, 28, 64, 0);
  maxpool_kxk_case(3, 2, FW_PAD_SAME, 14, 14, 256, 1);
  maxpool_kxk_case(3, 2, FW_PAD_VALID, 72, 72, 32, 0);
}

/* tfjs-core 1.7 CPU resizeBilinear, alignCorners false, one ratio per axis. */
static void resize_case(int img_w, int img_h, int out_w, int out_h) {
  const uint32_t seed = next_seed();
  char params[160];
  snprintf(params, sizeof params, "[image=%dx%d out=%dx%d (WxH) seed=%u]", img_w, img_h, out_w, out_h, (unsigned)seed);
  rng r = {seed};
  const size_t n_out = (size_t)out_w * out_h * 3;
  uint8_t *pixels = malloc((size_t)img_w * img_h * 4);
  double *want = malloc(n_out * sizeof(double));
  out_buf out = {0};
  if (!pixels || !want || !out_alloc(&out, n_out)) {
    record(0, "fw_rgba_resize_bilinear", params, "test out of memory");
    goto done;
  }
  for (size_t i = 0; i < (size_t)img_w * img_h * 4; i++) pixels[i] = (uint8_t)(rng_next(&r) >> 24);
  const double row_ratio = (double)img_h / out_h, col_ratio = (double)img_w / out_w;
  for (int row = 0; row < out_h; row++) {
    const double src_r = row_ratio * row;
    const int r0 = (int)floor(src_r), r1 = (int)fmin(ceil(src_r), img_h - 1);
    for (int col = 0; col < out_w; col++) {
      const double src_c = col_ratio * col;
      const int c0 = (int)floor(src_c), c1 = (int)fmin(ceil(src_c), img_w - 1);
      for (int c = 0; c < 3; c++) {
        const double tl = pixels[((size_t)r0 * img_w + c0) * 4 + c], tr = pixels[((size_t)r0 * img_w + c1) * 4 + c];
        const double bl = pixels[((size_t)r1 * img_w + c0) * 4 + c], br = pixels[((size_t)r1 * img_w + c1) * 4 + c];
        const double top = tl + (tr - tl) * (src_c - c0), bottom = bl + (br - bl) * (src_c - c0);
        want[((size_t)row * out_w + col) * 3 + c] = (float)(top + (bottom - top) * (src_r - r0));
      }
    }
  }
  const fw_rgba_image image = {pixels, img_w, img_h};
  out_reset(&out);
  fw_rgba_resize_bilinear(&image, out_w, out_h, out.data);
  check_output("fw_rgba_resize_bilinear", params, &out, want, NULL, out_h, out_w, 3);
  /* In two bands of rows, the lower first, as threads may run them. */
  out_reset(&out);
  fw_rgba_resize_bilinear_rows(&image, out_w, out_h, out.data, out_h / 3, out_h);
  fw_rgba_resize_bilinear_rows(&image, out_w, out_h, out.data, 0, out_h / 3);
  check_output("fw_rgba_resize_bilinear_rows", params, &out, want, NULL, out_h, out_w, 3);
done:
  free(pixels);
  free(want);
  out_free(&out);
}

/* Canvas drawImage scaling (half-pixel centres, edge-clamped, rounded half up). */
static void canvas_case(int img_w, int img_h, fw_crop region, int out_w, int out_h) {
  const uint32_t seed = next_seed();
  char params[200];
  snprintf(params, sizeof params, "[image=%dx%d region x=%d y=%d w=%d h=%d out=%dx%d (WxH) seed=%u]", img_w, img_h,
           region.x, region.y, region.width, region.height, out_w, out_h, (unsigned)seed);
  rng r = {seed};
  const size_t n_out = (size_t)out_w * out_h * 3;
  uint8_t *pixels = malloc((size_t)img_w * img_h * 4), *got = malloc(n_out + 2 * GUARD);
  if (!pixels || !got) {
    record(0, "fw_rgba_crop_resize_canvas", params, "test out of memory");
    free(pixels);
    free(got);
    return;
  }
  for (size_t i = 0; i < (size_t)img_w * img_h * 4; i++) pixels[i] = (uint8_t)(rng_next(&r) >> 24);
  memset(got, 0xA5, n_out + 2 * GUARD);
  const fw_rgba_image image = {pixels, img_w, img_h};
  fw_rgba_crop_resize_canvas(&image, region, out_w, out_h, got + GUARD);
  size_t bad = 0, first = 0;
  int want_first = 0;
  for (int y = 0; y < out_h; y++)
    for (int x = 0; x < out_w; x++)
      for (int c = 0; c < 3; c++) {
        int want = 0;
        if (region.width > 0 && region.height > 0) {
          /* The scale factor first, then the position: (x + 0.5) * (extent / out) - 0.5. */
          const double fy = (double)region.height / out_h, fx = (double)region.width / out_w;
          const double sy = fmin(fmax((y + 0.5) * fy - 0.5, 0.0), region.height - 1);
          const double sx = fmin(fmax((x + 0.5) * fx - 0.5, 0.0), region.width - 1);
          const int y0 = (int)floor(sy), x0 = (int)floor(sx);
          const int y1 = y0 + 1 < region.height ? y0 + 1 : region.height - 1;
          const int x1 = x0 + 1 < region.width ? x0 + 1 : region.width - 1;
          const double wy = sy - y0, wx = sx - x0;
#define PX(yy, xx) pixels[((size_t)(region.y + (yy)) * img_w + (region.x + (xx))) * 4 + c]
          const double top = PX(y0, x0) * (1 - wx) + PX(y0, x1) * wx, bottom = PX(y1, x0) * (1 - wx) + PX(y1, x1) * wx;
#undef PX
          want = (int)floor(top * (1 - wy) + bottom * wy + 0.5);
        }
        const size_t i = ((size_t)y * out_w + x) * 3 + c;
        if (got[GUARD + i] != want) {
          if (!bad) first = i, want_first = want;
          bad++;
        }
      }
  int guards_ok = 1;
  for (size_t i = 0; i < GUARD; i++) guards_ok &= got[i] == 0xA5 && got[GUARD + n_out + i] == 0xA5;
  char detail[200];
  snprintf(detail, sizeof detail, "%zu of %zu bytes wrong (first at %zu: want %d got %d); guards %s", bad, n_out, first,
           want_first, bad ? got[GUARD + first] : 0, guards_ok ? "intact" : "CLOBBERED");
  record(!bad && guards_ok, "fw_rgba_crop_resize_canvas", params, detail);
  free(pixels);
  free(got);
}

static void mtcnn_image_tests(void) {
  static const int images[][2] = {{7, 3}, {3, 7}, {1, 1}, {20, 13}, {64, 48}};
  static const int outs[][2] = {{1, 1}, {5, 3}, {3, 5}, {12, 12}, {13, 17}, {24, 24}, {48, 48}, {70, 41}};
  for (size_t a = 0; a < COUNT(images); a++) {
    const int w = images[a][0], h = images[a][1];
    for (size_t b = 0; b < COUNT(outs); b++) {
      resize_case(w, h, outs[b][0], outs[b][1]);
      const fw_crop regions[3] = {{0, 0, w, h}, {w / 3, h / 2, w - w / 3, h - h / 2}, {w - 1, 0, 1, h}};
      for (int k = 0; k < 3; k++) canvas_case(w, h, regions[k], outs[b][0], outs[b][1]);
    }
    canvas_case(w, h, (fw_crop){0, 0, 0, h}, 24, 24); /* empty regions: zeros */
    canvas_case(w, h, (fw_crop){0, 0, w, 0}, 24, 24);
  }
}

static double naive_overlap_min(fw_box a, fw_box b) {
  const double w = fmax(0.0, fmin(a.right, b.right) - fmax(a.left, b.left));
  const double h = fmax(0.0, fmin(a.bottom, b.bottom) - fmax(a.top, b.top));
  return w * h / fmin((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top));
}

static void overlap_min_tests(void) {
  static const struct {
    const char *name;
    fw_box a, b;
    double want;
  } cases[] = {{"contained: 1", {0, 0, 4, 4}, {1, 1, 3, 3}, 1.0},
               {"half of the smaller", {0, 0, 4, 4}, {3, 0, 5, 2}, 0.5},
               {"disjoint", {0, 0, 1, 1}, {2, 2, 3, 3}, 0.0},
               {"identical", {1, 1, 3, 3}, {1, 1, 3, 3}, 1.0}};
  for (size_t i = 0; i < COUNT(cases); i++) {
    const double got = fw_box_overlap_min(cases[i].a, cases[i].b), swapped = fw_box_overlap_min(cases[i].b, cases[i].a);
    char detail[96];
    snprintf(detail, sizeof detail, "want %.17g got %.17g (swapped %.17g)", cases[i].want, got, swapped);
    record(got == cases[i].want && swapped == cases[i].want, "fw_box_overlap_min", cases[i].name, detail);
  }
  /* NMS with the 'Min' overlap against a naive loop: best first (ties to the later index). */
  for (int n = 1; n <= 40; n += 3) {
    const uint32_t seed = next_seed();
    rng r = {seed};
    fw_box boxes[NMS_MAX];
    double scores[NMS_MAX];
    int alive[NMS_MAX], expect[NMS_MAX], order[NMS_MAX], kept[NMS_MAX];
    for (int i = 0; i < n; i++) {
      const int x = rng_int(&r, 8), y = rng_int(&r, 8);
      boxes[i] = box(x, y, x + 1 + rng_int(&r, 4), y + 1 + rng_int(&r, 4));
      scores[i] = (1 + rng_int(&r, 5)) / 8.0;
      alive[i] = 1;
    }
    int n_expect = 0;
    for (;;) {
      int best = -1;
      for (int i = 0; i < n; i++)
        if (alive[i] && (best < 0 || scores[i] >= scores[best])) best = i;
      if (best < 0) break;
      expect[n_expect++] = best;
      alive[best] = 0;
      for (int i = 0; i < n; i++)
        if (alive[i] && !(naive_overlap_min(boxes[best], boxes[i]) <= 0.7)) alive[i] = 0;
    }
    const int count = fw_non_max_suppression_overlap(boxes, scores, n, 0.7, FW_OVERLAP_MIN, order, kept);
    int ok = count == n_expect;
    for (int i = 0; ok && i < count; i++) ok = kept[i] == expect[i];
    char params[64], detail[64];
    snprintf(params, sizeof params, "[n=%d threshold=0.7 seed=%u]", n, (unsigned)seed);
    snprintf(detail, sizeof detail, "want %d kept, got %d (or a different order)", n_expect, count);
    record(ok, "fw_non_max_suppression_overlap(MIN)", params, detail);
  }
}

/* ------------------------------------------------------------------------ */
/* Face nets' small ops: global mean and the downsampling ResNet join        */

typedef void (*mean_fn)(const float *, int, int, float *);
typedef void (*shortcut_fn)(const float *, int, int, int, const float *, int, int, int, float *);

TWIN_TABLE(mean_twins, mean_fn, fw_f32_global_mean);
TWIN_TABLE(shortcut_twins, shortcut_fn, fw_f32_shortcut_down);

/* A random input of n floats in [-1, 1] (poison-padded); 0 when out of memory. */
static int random_input(in_buf *b, size_t n, rng *r) {
  if (!in_alloc(b, n)) return 0;
  for (size_t i = 0; i < n; i++) b->data[i] = rng_unit(r);
  return 1;
}

static void mean_case(int pixels, int channels) {
  const uint32_t seed = next_seed();
  char params[160];
  snprintf(params, sizeof params, "[pixels=%d channels=%d seed=%u]", pixels, channels, (unsigned)seed);
  rng r = {seed};
  in_buf input = {0};
  out_buf out = {0};
  double *want = malloc(channels * sizeof(double)), *tol = malloc(channels * sizeof(double));
  if (!random_input(&input, (size_t)pixels * channels, &r) || !out_alloc(&out, channels) || !want || !tol) {
    record(0, "fw_f32_global_mean", params, "test out of memory");
    goto done;
  }
  for (int c = 0; c < channels; c++) {
    double sum = 0.0, magnitude = 0.0;
    for (int p = 0; p < pixels; p++) {
      sum += input.data[(size_t)p * channels + c];
      magnitude += fabs(input.data[(size_t)p * channels + c]);
    }
    want[c] = sum / pixels;
    tol[c] = 1e-5 * (1.0 + magnitude / pixels);
  }
  for (size_t t = 0; t < COUNT(mean_twins); t++) {
    out_reset(&out);
    mean_twins[t].fn(input.data, pixels, channels, out.data);
    check_output(mean_twins[t].name, params, &out, want, tol, 1, 1, channels);
  }
done:
  free(input.block);
  out_free(&out);
  free(want);
  free(tol);
}

static void shortcut_case(int in_h, int in_w, int in_c, int body_h, int body_w, int out_c) {
  const uint32_t seed = next_seed();
  char params[200];
  snprintf(params, sizeof params, "[in=%dx%dx%d body=%dx%dx%d seed=%u]", in_h, in_w, in_c, body_h, body_w, out_c,
           (unsigned)seed);
  const int out_h = in_h / 2, out_w = in_w / 2;
  rng r = {seed};
  const size_t n_out = (size_t)out_h * out_w * out_c;
  in_buf input = {0}, body = {0};
  out_buf out = {0};
  double *want = malloc((n_out ? n_out : 1) * sizeof(double)), *tol = malloc((n_out ? n_out : 1) * sizeof(double));
  if (!random_input(&input, (size_t)in_h * in_w * in_c, &r) || !random_input(&body, (size_t)body_h * body_w * out_c, &r) ||
      !out_alloc(&out, n_out) || !want || !tol) {
    record(0, "fw_f32_shortcut_down", params, "test out of memory");
    goto done;
  }
  for (int y = 0; y < out_h; y++)
    for (int x = 0; x < out_w; x++)
      for (int c = 0; c < out_c; c++) {
        double s = 0.0;
        if (c < in_c)
          for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++) s += input.data[((size_t)(2 * y + dy) * in_w + 2 * x + dx) * in_c + c] / 4.0;
        if (y < body_h && x < body_w) s += body.data[((size_t)y * body_w + x) * out_c + c];
        const size_t i = ((size_t)y * out_w + x) * out_c + c;
        want[i] = s > 0.0 ? s : 0.0;
        tol[i] = 1e-6 * 4.0;
      }
  for (size_t t = 0; t < COUNT(shortcut_twins); t++) {
    out_reset(&out);
    shortcut_twins[t].fn(input.data, in_h, in_w, in_c, body.data, body_h, body_w, out_c, out.data);
    check_output(shortcut_twins[t].name, params, &out, want, tol, out_h, out_w, out_c);
  }
done:
  free(input.block);
  free(body.block);
  out_free(&out);
  free(want);
  free(tol);
}

static void face_op_tests(void) {
  static const int channels[] = {1, 3, 5, 7, 17, 33};
  static const int pixel_counts[] = {1, 2, 4, 49, 196};
  for (size_t a = 0; a < COUNT(pixel_counts); a++)
    for (size_t b = 0; b < COUNT(channels); b++) mean_case(pixel_counts[a], channels[b]);
  mean_case(49, 256);
  mean_case(196, 128);
  /* Pooled map equal to the body, one larger (3x3 body in a 4x4 map, 1x1 in 2x2), odd inputs, channel padding. */
  for (size_t b = 0; b < COUNT(channels); b++) {
    const int c = channels[b];
    shortcut_case(6, 6, c, 3, 3, c);
    shortcut_case(6, 6, c, 3, 3, 2 * c);
    shortcut_case(8, 8, c, 3, 3, 2 * c + 1);
    shortcut_case(7, 5, c, 2, 2, c + 3);
    shortcut_case(4, 4, c, 1, 1, c);
    shortcut_case(2, 2, c, 0, 0, c);
  }
  shortcut_case(35, 35, 32, 17, 17, 64);
  shortcut_case(8, 8, 128, 3, 3, 256);
}

/* ------------------------------------------------------------------------ */
/* Winograd F(2x2, 3x3) and F(4x4, 3x3): pack + input transform + 1x1 GEMMs  */
/* + output transform against a naive 3x3 stride-1 SAME conv                 */

typedef void (*wino_in_fn)(const float *, int, int, int, float *, size_t, int, int);
typedef void (*wino_out_fn)(const float *, size_t, int, int, int, const float *, float *, fw_activation, int, int);

typedef struct winograd_variant {
  const char *name;
  int positions;
  int (*tiles)(int h, int w);
  size_t (*packed_size)(int in_c, int out_c);
  void (*pack)(const float *filter, int in_c, int out_c, float *packed);
  struct {
    const char *name;
    wino_in_fn in;
    wino_out_fn out;
  } twins[2];
} winograd_variant;

#ifdef __wasm_simd128__
#define WINOGRAD_TWINS 2
#else
#define WINOGRAD_TWINS 1
#endif

static const winograd_variant winograd_variants[] = {
    {"F(2x2, 3x3)", FW_WINOGRAD_POSITIONS, fw_winograd_tiles, fw_winograd_packed_size, fw_pack_winograd,
     {{"fw_f32_winograd_*_tiles__scalar", fw_f32_winograd_input_tiles__scalar, fw_f32_winograd_output_tiles__scalar},
#ifdef __wasm_simd128__
      {"fw_f32_winograd_*_tiles__simd128", fw_f32_winograd_input_tiles__simd128,
       fw_f32_winograd_output_tiles__simd128},
#endif
     }},
    {"F(4x4, 3x3)", FW_WINOGRAD4X4_POSITIONS, fw_winograd4x4_tiles, fw_winograd4x4_packed_size, fw_pack_winograd4x4,
     {{"fw_f32_winograd4x4_*_tiles__scalar", fw_f32_winograd4x4_input_tiles__scalar,
       fw_f32_winograd4x4_output_tiles__scalar},
#ifdef __wasm_simd128__
      {"fw_f32_winograd4x4_*_tiles__simd128", fw_f32_winograd4x4_input_tiles__simd128,
       fw_f32_winograd4x4_output_tiles__simd128},
#endif
     }},
};

static void winograd_case(const winograd_variant *variant, int h, int w, int in_c, int out_c, fw_activation act,
                          int with_bias) {
  const uint32_t seed = next_seed();
  char params[256];
  snprintf(params, sizeof params, "[%s in=%dx%dx%d (HxWxC) out_c=%d act=%s bias=%s seed=%u]", variant->name, h, w,
           in_c, out_c, act_name(act), with_bias ? "yes" : "NULL", (unsigned)seed);
  rng r = {seed};
  const int tiles = variant->tiles(h, w), positions = variant->positions;
  const size_t n_in = (size_t)h * w * in_c, n_filter = (size_t)9 * in_c * out_c, n_out = (size_t)h * w * out_c;
  const size_t one = fw_conv_packed_size(1, in_c, out_c);
  in_buf input = {0}, zero = {0};
  out_buf out = {0};
  float *filter = malloc(n_filter * sizeof(float)), *bias = malloc((size_t)out_c * sizeof(float));
  float *packed = malloc(variant->packed_size(in_c, out_c) * sizeof(float));
  float *v = malloc((size_t)positions * tiles * in_c * sizeof(float));
  float *m = malloc((size_t)positions * tiles * out_c * sizeof(float));
  float *first = malloc(n_out * sizeof(float));
  double *want = malloc(n_out * sizeof(double)), *tol = malloc(n_out * sizeof(double));
  if (!in_alloc(&input, n_in) || !in_alloc(&zero, (size_t)in_c) || !out_alloc(&out, n_out) || !filter || !bias ||
      !packed || !v || !m || !first || !want || !tol) {
    record(0, "fw_winograd", params, "test out of memory");
    goto done;
  }
  fill_unit(&r, input.data, n_in);
  fill_unit(&r, filter, n_filter);
  fill_unit(&r, bias, (size_t)out_c);
  memset(zero.data, 0, (size_t)in_c * sizeof(float));
  for (int oy = 0; oy < h; oy++)
    for (int ox = 0; ox < w; ox++)
      for (int co = 0; co < out_c; co++) {
        double acc = with_bias ? bias[co] : 0.0, magnitude = 0.0;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            const int iy = oy - 1 + ky, ix = ox - 1 + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (int ci = 0; ci < in_c; ci++) {
              const double p = (double)input.data[((size_t)iy * w + ix) * in_c + ci] *
                               filter[(((size_t)ky * 3 + kx) * in_c + ci) * out_c + co];
              acc += p;
              magnitude += fabs(p);
            }
          }
        const size_t i = ((size_t)oy * w + ox) * out_c + co;
        want[i] = naive_act(acc, act);
        /* The transforms scale terms (by up to 8) before they cancel. */
        tol[i] = 1e-5 * (1.0 + 4.0 * magnitude);
      }
  variant->pack(filter, in_c, out_c, packed);
  const fw_conv_geometry g = fw_conv_geometry_tf(1, tiles, in_c, out_c, 1, 1, FW_PAD_VALID);
  for (int t = 0; t < WINOGRAD_TWINS; t++) {
    out_reset(&out);
    variant->twins[t].in(input.data, h, w, in_c, v, (size_t)tiles * in_c, 0, tiles);
    for (int xi = 0; xi < positions; xi++)
      fw_f32_conv__scalar(&g, v + (size_t)xi * tiles * in_c, packed + xi * one, zero.data,
                          m + (size_t)xi * tiles * out_c, (fw_activation){FW_ACT_NONE, 0.0f});
    variant->twins[t].out(m, (size_t)tiles * out_c, h, w, out_c, with_bias ? bias : NULL, out.data, act, 0, tiles);
    check_output(variant->twins[t].name, params, &out, want, tol, h, w, out_c);
    /* The twins round alike: the SIMD build gives the scalar build's outputs bit for bit. */
    if (t == 0)
      memcpy(first, out.data, n_out * sizeof(float));
    else
      record(memcmp(first, out.data, n_out * sizeof(float)) == 0, variant->twins[t].name, params,
             "differs from the scalar twin");
  }
done:
  free(first);
  free(input.block);
  free(zero.block);
  out_free(&out);
  free(filter);
  free(bias);
  free(packed);
  free(v);
  free(m);
  free(want);
  free(tol);
}

static void winograd_tests(void) {
  static const int sizes[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 3}, {3, 7}, {8, 8}, {9, 6}, {17, 17}};
  static const int channels[][2] = {{1, 1}, {3, 5}, {5, 7}, {7, 17}, {17, 8}, {33, 33}};
  for (size_t k = 0; k < COUNT(winograd_variants); k++) {
    const winograd_variant *variant = &winograd_variants[k];
    for (size_t a = 0; a < COUNT(sizes); a++)
      for (size_t b = 0; b < COUNT(channels); b++)
        winograd_case(variant, sizes[a][0], sizes[a][1], channels[b][0], channels[b][1], activations[(a + b) % 4],
                      (a + b) % 2);
    /* The recognition net's shapes. */
    winograd_case(variant, 35, 35, 32, 32, activations[1], 1);
    winograd_case(variant, 17, 17, 64, 64, activations[2], 1);
    winograd_case(variant, 4, 4, 256, 256, activations[0], 1);
    winograd_case(variant, 3, 3, 256, 256, activations[0], 1);
  }
}

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Elementwise add (residual and dense connections)                         */

typedef void (*add_fn)(const float *, const float *, size_t, float *, float *);

TWIN_TABLE(add_twins, add_fn, fw_f32_add);

/* outputs: 1 sum only, 2 relu only, 3 both; in_place: the sum overwrites a
 * (the dense blocks' running sum). */
static void add_case(size_t n, int outputs, int in_place) {
  const uint32_t seed = next_seed();
  char params[160];
  snprintf(params, sizeof params, "[n=%zu outputs=%s%s seed=%u]", n,
           outputs == 1 ? "sum" : outputs == 2 ? "relu" : "sum+relu", in_place ? " sum-in-place" : "",
           (unsigned)seed);
  rng r = {seed};
  in_buf a = {0}, b = {0};
  out_buf sum = {0}, relu = {0};
  double *want_sum = malloc((n ? n : 1) * sizeof(double)), *want_relu = malloc((n ? n : 1) * sizeof(double));
  if (!in_alloc(&a, n) || !in_alloc(&b, n) || !out_alloc(&sum, n) || !out_alloc(&relu, n) || !want_sum ||
      !want_relu) {
    record(0, "fw_f32_add", params, "test out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    a.data[i] = rng_unit(&r);
    b.data[i] = rng_unit(&r);
    want_sum[i] = (float)(a.data[i] + b.data[i]); /* one float add, exactly */
    want_relu[i] = want_sum[i] > 0.0 ? want_sum[i] : 0.0;
  }
  for (size_t t = 0; t < COUNT(add_twins); t++) {
    out_reset(&sum);
    out_reset(&relu);
    const float *first = a.data;
    if (in_place) {
      memcpy(sum.data, a.data, n * sizeof(float));
      first = sum.data;
    }
    add_twins[t].fn(first, b.data, n, (outputs & 1) ? sum.data : NULL, (outputs & 2) ? relu.data : NULL);
    if (outputs & 1) check_output(add_twins[t].name, params, &sum, want_sum, NULL, 1, 1, (int)(n ? n : 1));
    if (outputs & 2) check_output(add_twins[t].name, params, &relu, want_relu, NULL, 1, 1, (int)(n ? n : 1));
  }
done:
  free(a.block);
  free(b.block);
  out_free(&sum);
  out_free(&relu);
  free(want_sum);
  free(want_relu);
}

static void add_tests(void) {
  static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 17, 33, 100, 1001, 7 * 7 * 256};
  for (size_t i = 0; i < COUNT(sizes); i++)
    for (int outputs = 1; outputs <= 3; outputs++)
      for (int in_place = 0; in_place < 2; in_place++)
        if (!(in_place && !(outputs & 1))) add_case(sizes[i], outputs, in_place);
}

/* ------------------------------------------------------------------------ */
/* int16 pointwise: packing, row quantisation and the integer GEMM           */

typedef void (*quantize_fn)(const float *, int, int, int16_t *, float *, int32_t *);
typedef void (*pw_i16_fn)(const fw_pointwise_i16 *, const int16_t *, const float *, const int32_t *, int, float *,
                          fw_activation);

static const struct {
  const char *name;
  quantize_fn quantize;
  pw_i16_fn gemm;
} pw_i16_twins[] = {
    {"fw_i16_pointwise__scalar", fw_i16_quantize_rows__scalar, fw_i16_pointwise__scalar},
#ifdef __wasm_simd128__
    {"fw_i16_pointwise__simd128", fw_i16_quantize_rows__simd128, fw_i16_pointwise__simd128},
#endif
};

/* One layer: codes[in_c][out_c] in 0..255, w = code * qscale + qmin; `x`
 * (pixels x in_c) quantised by each twin, then multiplied. Checks: the packer
 * round-trips the codes; each twin's quantisation against the definition
 * (|q| <= limit, q = round-half-even(x * (limit / max|x|)), sum); the GEMM
 * against an int64 naive sum with the header's epilogue, exactly; the twins
 * against each other bit for bit. */
static void pw_i16_case(int pixels, int in_c, int out_c, const uint8_t *codes, double qscale, double qmin,
                        const float *x, fw_activation act, const char *label) {
  char params[160];
  snprintf(params, sizeof params, "%s pixels=%d in_c=%d out_c=%d act=%s", label, pixels, in_c, out_c, act_name(act));
  const int stride = fw_i16_row_stride(in_c), limit = fw_i16_quant_limit(in_c);
  const size_t panels = ((size_t)out_c + FW_I16_PANEL - 1) / FW_I16_PANEL;
  float *filter = malloc((size_t)in_c * out_c * sizeof(float));
  int16_t *packed = malloc(fw_i16_pointwise_codes_size(in_c, out_c) * sizeof(int16_t));
  float *bias = malloc(panels * FW_I16_PANEL * sizeof(float));
  int16_t *q = malloc((size_t)pixels * stride * sizeof(int16_t));
  int16_t *q_first = malloc((size_t)pixels * stride * sizeof(int16_t));
  float *row_scale = malloc((size_t)pixels * sizeof(float));
  int32_t *row_sum = malloc((size_t)pixels * sizeof(int32_t));
  double *want = malloc((size_t)pixels * out_c * sizeof(double));
  float *first_out = malloc((size_t)pixels * out_c * sizeof(float));
  out_buf out = {0};
  if (!filter || !packed || !bias || !q || !q_first || !row_scale || !row_sum || !want || !first_out ||
      !out_alloc(&out, (size_t)pixels * out_c)) {
    record(0, "fw_i16_pointwise", params, "out of memory in the test");
    goto done;
  }
  rng r = {next_seed()};
  for (size_t i = 0; i < (size_t)in_c * out_c; i++) filter[i] = (float)(codes[i] * qscale + qmin);
  for (size_t i = 0; i < panels * FW_I16_PANEL; i++) bias[i] = i < (size_t)out_c ? rng_unit(&r) : 0.0f;

  /* Packing: every code lands at its documented lane, centred; padding is 0. */
  int pack_ok = fw_i16_pointwise_pack(filter, qscale, qmin, in_c, out_c, packed) == 0;
  for (size_t p = 0; pack_ok && p < panels; p++)
    for (int kp = 0; kp < stride / 2; kp++)
      for (int j = 0; j < FW_I16_PANEL; j++)
        for (int h = 0; h < 2; h++) {
          const int k = 2 * kp + h, n = (int)p * FW_I16_PANEL + j;
          const int16_t got = packed[p * FW_I16_PANEL * stride + (size_t)kp * 16 + (j / 4) * 8 + (j % 4) * 2 + h];
          const int expect = k < in_c && n < out_c ? codes[(size_t)k * out_c + n] - 128 : 0;
          if (got != expect) pack_ok = 0;
        }
  record(pack_ok, "fw_i16_pointwise_pack", params, pack_ok ? "codes at their lanes" : "codes misplaced");
  if (!pack_ok) goto done;
  const fw_pointwise_i16 layer = {in_c, out_c, (float)qscale, (float)(qmin + 128.0 * qscale), bias, packed};

  for (size_t t = 0; t < COUNT(pw_i16_twins); t++) {
    /* Quantisation against its definition. */
    for (size_t i = 0; i < (size_t)pixels * stride; i++) q[i] = 0x5555;
    pw_i16_twins[t].quantize(x, pixels, in_c, q, row_scale, row_sum);
    int quant_ok = 1;
    for (int p = 0; p < pixels && quant_ok; p++) {
      const float *xp = x + (size_t)p * in_c;
      float m = 0.0f;
      for (int k = 0; k < in_c; k++) m = fabsf(xp[k]) > m ? fabsf(xp[k]) : m;
      const float inv = m > 0.0f ? (float)limit / m : 0.0f;
      long sum = 0;
      for (int k = 0; k < in_c; k++) {
        const float v = xp[k] * inv;
        float rounded = floorf(v + 0.5f); /* half to even, by hand */
        if (rounded - v == 0.5f && fmodf(rounded, 2.0f) != 0.0f) rounded -= 1.0f;
        const int qk = q[(size_t)p * stride + k];
        if (qk != (int)rounded || abs(qk) > limit) quant_ok = 0;
        sum += qk;
      }
      if (in_c & 1 && q[(size_t)p * stride + in_c] != 0) quant_ok = 0;
      if (sum != row_sum[p] || row_scale[p] != m / (float)limit) quant_ok = 0;
    }
    char name[96];
    snprintf(name, sizeof name, "%s (quantise)", pw_i16_twins[t].name);
    record(quant_ok, name, params, quant_ok ? "q, scale and sum as defined" : "quantised rows differ");
    if (t == 0) memcpy(q_first, q, (size_t)pixels * stride * sizeof(int16_t));
    else record(memcmp(q, q_first, (size_t)pixels * stride * sizeof(int16_t)) == 0, name, params, "same as scalar");

    /* The GEMM: int64 naive sum (proves no int32 wrap), then the epilogue. */
    for (int p = 0; p < pixels; p++) {
      const float a = layer.scale * row_scale[p], b = (layer.offset * row_scale[p]) * (float)row_sum[p];
      for (int n = 0; n < out_c; n++) {
        int64_t acc = 0;
        for (int k = 0; k < in_c; k++)
          acc += (int64_t)(codes[(size_t)k * out_c + n] - 128) * q[(size_t)p * stride + k];
        const float y = ((float)acc * a + b) + bias[n];
        want[(size_t)p * out_c + n] = fw_activate_channel(y, act, n);
      }
    }
    out_reset(&out);
    pw_i16_twins[t].gemm(&layer, q, row_scale, row_sum, pixels, out.data, act);
    check_output(pw_i16_twins[t].name, params, &out, want, NULL, 1, pixels, out_c);
    if (t == 0) memcpy(first_out, out.data, (size_t)pixels * out_c * sizeof(float));
    else record(memcmp(out.data, first_out, (size_t)pixels * out_c * sizeof(float)) == 0, pw_i16_twins[t].name, params,
                "bit-identical to the scalar twin");
  }
done:
  free(filter);
  free(packed);
  free(bias);
  free(q);
  free(q_first);
  free(row_scale);
  free(row_sum);
  free(want);
  free(first_out);
  out_free(&out);
}

static void pw_i16_tests(void) {
  static const int pixel_counts[] = {1, 3, 4, 5, 9};
  static const int in_cs[] = {1, 3, 5, 7, 17, 33, 64};
  static const int out_cs[] = {1, 3, 7, 8, 9, 17, 33};
  for (size_t a = 0; a < COUNT(pixel_counts); a++)
    for (size_t b = 0; b < COUNT(in_cs); b++)
      for (size_t c = 0; c < COUNT(out_cs); c++) {
        const int pixels = pixel_counts[a], in_c = in_cs[b], out_c = out_cs[c];
        uint8_t *codes = malloc((size_t)in_c * out_c);
        float *x = malloc((size_t)pixels * in_c * sizeof(float));
        if (!codes || !x) {
          record(0, "fw_i16_pointwise", "setup", "out of memory in the test");
          free(codes);
          free(x);
          return;
        }
        rng r = {next_seed()};
        for (size_t i = 0; i < (size_t)in_c * out_c; i++) codes[i] = (uint8_t)rng_int(&r, 256);
        fill_unit(&r, x, (size_t)pixels * in_c);
        if (pixels > 2) /* a row of zeros: scale 0, all codes 0 */
          for (int k = 0; k < in_c; k++) x[2 * (size_t)in_c + k] = 0.0f;
        pw_i16_case(pixels, in_c, out_c, codes, 0.0123, -1.37, x, activations[(a + b + c) % 4], "random");
        free(codes);
        free(x);
      }

  /* The overflow bound at its limit: every code -128 (code 0) times every
   * q = +limit, so |acc| = 128 * limit * in_c, the header's worst case; the
   * int64 reference shows the int32 accumulator does not wrap. */
  static const int worst_in[] = {1023, 1024, 1025, 2304, 4608};
  for (size_t b = 0; b < COUNT(worst_in); b++) {
    const int in_c = worst_in[b], out_c = 9, pixels = 5;
    uint8_t *codes = calloc((size_t)in_c * out_c, 1);
    float *x = malloc((size_t)pixels * in_c * sizeof(float));
    if (!codes || !x) {
      record(0, "fw_i16_pointwise", "worst case", "out of memory in the test");
      free(codes);
      free(x);
      return;
    }
    for (size_t i = 0; i < (size_t)pixels * in_c; i++) x[i] = (i / (size_t)in_c) % 2 ? -3.5f : 2.0f;
    char label[64];
    snprintf(label, sizeof label, "worst-case |acc| = 128*%d*%d", fw_i16_quant_limit(in_c), in_c);
    pw_i16_case(pixels, in_c, out_c, codes, 1.0, 0.0, x, activations[0], label);
    free(codes);
    free(x);
  }

  /* Weights not of the form code * scale + min are refused. */
  const float not_quantised[4] = {0.1f, 0.2f, 0.3f, 0.35f};
  int16_t packed[16];
  record(fw_i16_pointwise_pack(not_quantised, 0.1, 0.0, 2, 2, packed) == -1, "fw_i16_pointwise_pack",
         "values off the 0.1 grid", "refused");
}

/* ------------------------------------------------------------------------ */
/* Split outputs (nets/parallel_conv.c): a band of output rows
 * (fw_conv_row_band), a run of
 * pixels of a 1x1 stride-1 VALID conv, run as one row, and a range of output
 * channel panels of a single output pixel must give bit for bit the outputs
 * of one call over the whole map (threads build == single build). */

static void split_case(int depthwise, int k, int stride, fw_padding padding, int in_h, int in_w, int in_c, int out_c,
                       fw_activation act) {
  const uint32_t seed = next_seed();
  char params[256];
  snprintf(params, sizeof params, "[%s K=%d stride=%d pad=%s in=%dx%dx%d out_c=%d act=%s seed=%u]",
           depthwise ? "depthwise" : "conv", k, stride, pad_name(padding), in_h, in_w, in_c, out_c, act_name(act),
           (unsigned)seed);
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, in_c, out_c, k, stride, padding);
  rng r = {seed};
  const size_t n_in = (size_t)in_h * in_w * in_c, n_out = (size_t)g.out_h * g.out_w * out_c;
  const size_t n_filter = depthwise ? 9 * (size_t)in_c : (size_t)k * k * in_c * out_c;
  const size_t n_packed = depthwise ? fw_dwconv3x3_packed_size(in_c) : fw_conv_packed_size(k, in_c, out_c);
  float *input = malloc(n_in * sizeof(float)), *filter = malloc(n_filter * sizeof(float));
  float *bias = malloc((size_t)out_c * sizeof(float)), *packed = malloc(n_packed * sizeof(float));
  float *zero = calloc((size_t)in_c, sizeof(float));
  float *whole = malloc((n_out ? n_out : 1) * sizeof(float)), *split = malloc((n_out ? n_out : 1) * sizeof(float));
  if (!input || !filter || !bias || !packed || !zero || !whole || !split) {
    record(0, "split", params, "test out of memory");
    goto done;
  }
  fill_unit(&r, input, n_in);
  fill_unit(&r, filter, n_filter);
  fill_unit(&r, bias, (size_t)out_c);
  if (depthwise)
    fw_pack_dwconv3x3(filter, bias, in_c, packed);
  else
    fw_pack_conv(filter, bias, k, in_c, out_c, packed);
  const size_t twins = depthwise ? COUNT(dwconv_twins) : COUNT(conv_twins);
  for (size_t t = 0; t < twins; t++) {
    const conv_fn fn = depthwise ? dwconv_twins[t].fn : conv_twins[t].fn;
    const char *name = depthwise ? dwconv_twins[t].name : conv_twins[t].name;
    fn(&g, input, packed, zero, whole, act);
    memset(split, 0xff, (n_out ? n_out : 1) * sizeof(float));
    /* Bands of 1, 2, 3, ... rows. */
    for (int first = 0, rows = 1; first < g.out_h; first += rows, rows++) {
      const fw_conv_geometry band = fw_conv_row_band(&g, first, first + rows <= g.out_h ? rows : g.out_h - first);
      fn(&band, input, packed, zero, split + (size_t)first * g.out_w * out_c, act);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "row bands differ from the whole map");
    record(memcmp(whole, split, n_out * sizeof(float)) == 0, name, params, detail);
    if (!depthwise && k == 1 && stride == 1 && padding == FW_PAD_VALID) {
      /* Runs of 4, 8, 12, ... pixels across row ends. */
      memset(split, 0xff, (n_out ? n_out : 1) * sizeof(float));
      const int pixels = g.out_h * g.out_w;
      for (int first = 0, run = 4; first < pixels; first += run, run += 4) {
        fw_conv_geometry line = g;
        line.in_h = line.out_h = 1;
        line.in_w = line.out_w = first + run <= pixels ? run : pixels - first;
        fn(&line, input + (size_t)first * in_c, packed, zero, split + (size_t)first * out_c, act);
      }
      snprintf(detail, sizeof detail, "pixel runs differ from the whole map");
      record(memcmp(whole, split, n_out * sizeof(float)) == 0, name, params, detail);
    }
    if (!depthwise && g.out_h == 1 && g.out_w == 1) {
      /* A single output pixel: ranges of 1, 2, 3, ... output channel panels. */
      memset(split, 0xff, (n_out ? n_out : 1) * sizeof(float));
      const int panels = (out_c + FW_CONV_PANEL - 1) / FW_CONV_PANEL;
      for (int first = 0, run = 1; first < panels; first += run, run++) {
        const int end = first + run < panels ? first + run : panels;
        fw_conv_geometry part = g;
        part.out_c = end * FW_CONV_PANEL < out_c ? (end - first) * FW_CONV_PANEL : out_c - first * FW_CONV_PANEL;
        fn(&part, input, packed + (size_t)first * fw_conv_packed_size(k, in_c, FW_CONV_PANEL), zero,
           split + first * FW_CONV_PANEL, act);
      }
      snprintf(detail, sizeof detail, "channel panels differ from the whole output");
      record(memcmp(whole, split, n_out * sizeof(float)) == 0, name, params, detail);
    }
  }
done:
  free(input);
  free(filter);
  free(bias);
  free(packed);
  free(zero);
  free(whole);
  free(split);
}

/* Winograd transforms over ranges of tiles == one call over all of them. */
static void winograd_split_case(const winograd_variant *variant, int h, int w, int c, fw_activation act) {
  const uint32_t seed = next_seed();
  char params[160];
  snprintf(params, sizeof params, "[%s tiles h=%d w=%d c=%d act=%s seed=%u]", variant->name, h, w, c, act_name(act),
           (unsigned)seed);
  rng r = {seed};
  const int tiles = variant->tiles(h, w), positions = variant->positions;
  const size_t plane = (size_t)tiles * c;
  const size_t n_map = (size_t)h * w * c, n_tiles = (size_t)positions * plane;
  float *map = malloc(n_map * sizeof(float)), *bias = malloc((size_t)c * sizeof(float));
  float *whole = malloc(n_tiles * sizeof(float)), *split = malloc(n_tiles * sizeof(float));
  float *out_whole = malloc(n_map * sizeof(float)), *out_split = malloc(n_map * sizeof(float));
  if (!map || !bias || !whole || !split || !out_whole || !out_split) {
    record(0, "winograd split", params, "test out of memory");
    goto done;
  }
  fill_unit(&r, map, n_map);
  fill_unit(&r, bias, (size_t)c);
  for (int t = 0; t < WINOGRAD_TWINS; t++) {
    const wino_in_fn input_tiles = variant->twins[t].in;
    const wino_out_fn output_tiles = variant->twins[t].out;
    const char *name = variant->twins[t].name;
    input_tiles(map, h, w, c, whole, plane, 0, tiles);
    /* Ranges of 1, 2, 3, ... tiles across tile-row ends, in the whole-map layout. */
    memset(split, 0xff, n_tiles * sizeof(float));
    for (int first = 0, run = 1; first < tiles; first += run, run++)
      input_tiles(map, h, w, c, split + (size_t)first * c, plane, first, first + run < tiles ? first + run : tiles);
    record(memcmp(whole, split, n_tiles * sizeof(float)) == 0, name, params, "input tile ranges differ");
    /* The same ranges, each packed into a block of its own (plane = its tiles), compared in place. */
    int blocks_match = 1;
    for (int first = 0, run = 1; first < tiles; first += run, run++) {
      const int end = first + run < tiles ? first + run : tiles;
      input_tiles(map, h, w, c, split, (size_t)(end - first) * c, first, end);
      for (int xi = 0; xi < positions; xi++)
        blocks_match &= memcmp(whole + xi * plane + (size_t)first * c, split + (size_t)xi * (end - first) * c,
                               (size_t)(end - first) * c * sizeof(float)) == 0;
    }
    record(blocks_match, name, params, "input tile blocks differ");
    /* The output transform, reading the tiles as products (any values do). */
    output_tiles(whole, plane, h, w, c, bias, out_whole, act, 0, tiles);
    memset(out_split, 0xff, n_map * sizeof(float));
    for (int first = 0, run = 1; first < tiles; first += run, run++)
      output_tiles(whole + (size_t)first * c, plane, h, w, c, bias, out_split, act, first,
                   first + run < tiles ? first + run : tiles);
    record(memcmp(out_whole, out_split, n_map * sizeof(float)) == 0, name, params, "output tile ranges differ");
    /* From blocks of their own. */
    memset(out_split, 0xff, n_map * sizeof(float));
    for (int first = 0, run = 1; first < tiles; first += run, run++) {
      const int end = first + run < tiles ? first + run : tiles;
      for (int xi = 0; xi < positions; xi++)
        memcpy(split + (size_t)xi * (end - first) * c, whole + xi * plane + (size_t)first * c,
               (size_t)(end - first) * c * sizeof(float));
      output_tiles(split, (size_t)(end - first) * c, h, w, c, bias, out_split, act, first, end);
    }
    record(memcmp(out_whole, out_split, n_map * sizeof(float)) == 0, name, params, "output tile blocks differ");
  }
done:
  free(map);
  free(bias);
  free(whole);
  free(split);
  free(out_whole);
  free(out_split);
}

static void split_tests(void) {
  static const int winograd_shapes[][3] = {{1, 1, 3}, {5, 7, 5}, {8, 8, 32}, {17, 17, 33}, {35, 35, 7}};
  for (size_t k = 0; k < COUNT(winograd_variants); k++)
    for (size_t i = 0; i < COUNT(winograd_shapes); i++)
      winograd_split_case(&winograd_variants[k], winograd_shapes[i][0], winograd_shapes[i][1], winograd_shapes[i][2],
                          activations[i % 4]);

  static const int sizes[][2] = {{1, 1}, {5, 7}, {13, 13}, {16, 9}};
  static const int channels[] = {3, 5, 17, 33};
  int i = 0;
  for (size_t f = 0; f < COUNT(sizes); f++)
    for (size_t c = 0; c < COUNT(channels); c++, i++) {
      const int h = sizes[f][0], w = sizes[f][1], ch = channels[c];
      const fw_activation act = activations[i % 3]; /* not PReLU: no alphas here */
      split_case(0, 1, 1, FW_PAD_VALID, h, w, ch, 9 + 8 * (int)c, act);
      split_case(0, 3, 1, FW_PAD_SAME, h, w, ch, 16, act);
      split_case(0, 3, 2, FW_PAD_SAME, h, w, ch, 8, act);
      split_case(0, 3, 2, FW_PAD_VALID, h, w, ch, 33, act);
      split_case(0, 7, 2, FW_PAD_VALID, h + 10, w + 10, 3, 32, act);
      split_case(1, 3, 1, FW_PAD_SAME, h, w, ch, ch, act);
      split_case(1, 3, 2, FW_PAD_SAME, h, w, ch, ch, act);
    }
  /* The recognition net's last stride-2 conv: 4x4 -> one pixel. */
  split_case(0, 3, 2, FW_PAD_VALID, 4, 4, 17, 33, activations[1]);
}

FW_TEST_EXPORT int run_kernel_tests(void) {
  log_len = 0;
  log_buf[0] = '\0';
  log_dropped = 0;
  n_passed = n_failed = 0;
  case_counter = 0;

  conv_tests();
  dwconv_tests();
  maxpool_tests();
  preprocess_tests();
  box_tests();
  ssd_nms_tests();
  batchnorm_tests();
  add_tests();
  face_op_tests();
  winograd_tests();
  prelu_conv_tests();
  maxpool_kxk_tests();
  mtcnn_image_tests();
  overlap_min_tests();
  pw_i16_tests();
  split_tests();

  if (log_dropped) log_final("(%d more failure lines did not fit in the log)", log_dropped);
  log_final("kernel tests: %d passed, %d failed", n_passed, n_failed);
  return n_failed;
}

FW_TEST_EXPORT const char *kernel_test_log(void) { return log_buf; }
