#include "parallel_conv.h"

#include <string.h>

#include "../core/parallel.h"
#include "../kernels/dispatch.h"

#define PIXEL_BLOCK 4

/* The signature of fw_f32_conv and fw_f32_dwconv3x3 (either twin). */
typedef void (*conv_kernel)(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                            float *output, fw_activation act);

typedef struct conv_call {
  conv_kernel kernel;
  const fw_conv_geometry *g;
  const float *input, *packed, *zero;
  float *output;
  fw_activation act;
} conv_call;

/* Output rows [begin, end). */
static void conv_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const conv_call *c = opaque;
  const fw_conv_geometry band = fw_conv_row_band(c->g, begin, end - begin);
  c->kernel(&band, c->input, c->packed, c->zero, c->output + (size_t)begin * c->g->out_w * c->g->out_c, c->act);
}

/* Pixel blocks [begin, end) of a 1x1 stride-1 VALID conv, seen as one row. */
static void conv_pixels(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const conv_call *c = opaque;
  const int pixels = c->g->out_h * c->g->out_w;
  const int first = begin * PIXEL_BLOCK;
  const int last = end * PIXEL_BLOCK < pixels ? end * PIXEL_BLOCK : pixels;
  fw_conv_geometry run = *c->g;
  run.in_h = run.out_h = 1;
  run.in_w = run.out_w = last - first;
  c->kernel(&run, c->input + (size_t)first * c->g->in_c, c->packed, c->zero, c->output + (size_t)first * c->g->out_c,
            c->act);
}

/* Output channel panels [begin, end) of a dense conv with few output pixels.
 * fw_pack_conv's panels are contiguous, so a range of them is a conv of its
 * own with fewer output channels; its output (pixel stride = its channels)
 * goes through a small buffer into the map, a group of panels at a time, but
 * for a single pixel, which has no stride to keep. */
#define SCATTER_PIXELS 16
#define SCATTER_PANELS 4
static void conv_panels(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const conv_call *c = opaque;
  const int pixels = c->g->out_h * c->g->out_w;
  const int group = pixels == 1 ? end - begin : SCATTER_PANELS;
  float buffer[SCATTER_PIXELS * SCATTER_PANELS * FW_CONV_PANEL];
  for (int first_panel = begin; first_panel < end; first_panel += group) {
    const int first = first_panel * FW_CONV_PANEL, last_panel = first_panel + group < end ? first_panel + group : end;
    fw_conv_geometry part = *c->g;
    part.out_c = (last_panel * FW_CONV_PANEL < c->g->out_c ? last_panel * FW_CONV_PANEL : c->g->out_c) - first;
    fw_activation act = c->act;
    if (act.kind == FW_ACT_PRELU) act.alphas += first;
    const float *packed = c->packed + (size_t)first_panel * fw_conv_packed_size(c->g->kernel, c->g->in_c, FW_CONV_PANEL);
    if (pixels == 1) {
      c->kernel(&part, c->input, packed, c->zero, c->output + first, act);
      continue;
    }
    c->kernel(&part, c->input, packed, c->zero, buffer, act);
    for (int p = 0; p < pixels; p++)
      memcpy(c->output + (size_t)p * c->g->out_c + first, buffer + (size_t)p * part.out_c, part.out_c * sizeof(float));
  }
}

/* dense: the kernel is fw_f32_conv, whose packed filters are in panels. */
static void parallel_conv(conv_kernel kernel, int dense, const fw_conv_geometry *g, const float *input,
                          const float *packed, const float *zero, float *output, fw_activation act) {
  if (fw_threads_active() <= 1) {
    kernel(g, input, packed, zero, output, act);
    return;
  }
  FW_FORK_CONTEXT conv_call call = {kernel, g, input, packed, zero, output, act};
  const int pointwise = g->kernel == 1 && g->stride == 1 && g->pad_top == 0 && g->pad_left == 0 &&
                        g->in_h == g->out_h && g->in_w == g->out_w;
  const int threads = fw_threads_active(), panels = (g->out_c + FW_CONV_PANEL - 1) / FW_CONV_PANEL;
  /* Maps of too few rows to share out evenly (3 rows on 2 threads: 2 and 1), split by channels. */
  const int few_rows = g->out_h % threads != 0 && g->out_h < 4 * threads;
  if (dense && g->out_h * g->out_w <= SCATTER_PIXELS && panels >= 2 * threads &&
      (few_rows || g->out_h * g->out_w == 1))
    fw_parallel_for(panels, conv_panels, &call);
  else if (pointwise)
    fw_parallel_for((g->out_h * g->out_w + PIXEL_BLOCK - 1) / PIXEL_BLOCK, conv_pixels, &call);
  else
    fw_parallel_for(g->out_h, conv_rows, &call);
}

void fw_parallel_conv(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                      float *output, fw_activation act) {
  parallel_conv(fw_f32_conv, 1, g, input, packed, zero, output, act);
}

void fw_parallel_dwconv3x3(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                           float *output, fw_activation act) {
  parallel_conv(fw_f32_dwconv3x3, 0, g, input, packed, zero, output, act);
}

typedef struct pool_call {
  const fw_conv_geometry *g;
  const float *input;
  float *output;
} pool_call;

static void pool_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const pool_call *c = opaque;
  const fw_conv_geometry band = fw_conv_row_band(c->g, begin, end - begin);
  fw_f32_maxpool_kxk(&band, c->input, c->output + (size_t)begin * c->g->out_w * c->g->out_c);
}

void fw_parallel_maxpool(const fw_conv_geometry *g, const float *input, float *output) {
  FW_FORK_CONTEXT pool_call call = {g, input, output};
  fw_parallel_for(g->out_h, pool_rows, &call);
}

typedef struct square_input_call {
  const fw_rgba_image *image;
  fw_crop crop;
  fw_square_padding padding;
  int size;
  const float *mean;
  float divisor;
  float *out;
} square_input_call;

static void square_input_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const square_input_call *c = opaque;
  fw_rgba_to_square_input_rows(c->image, c->crop, c->padding, c->size, c->mean, c->divisor, c->out, begin, end);
}

void fw_parallel_square_input(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                              const float mean[3], float divisor, float *out) {
  FW_FORK_CONTEXT square_input_call call = {image, crop, padding, size, mean, divisor, out};
  fw_parallel_for(size, square_input_rows, &call);
}

typedef struct shortcut_down_call {
  const float *input, *body;
  int in_w, in_c, body_h, body_w, out_c;
  float *output;
} shortcut_down_call;

/* Output rows [begin, end) read input rows 2 * begin .. 2 * end - 1 and body rows begin .. end - 1 (those
 * that exist): the same call on a map starting at those rows. */
static void shortcut_down_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const shortcut_down_call *c = opaque;
  const int out_w = c->in_w / 2, body_rows = c->body_h - begin;
  fw_f32_shortcut_down(c->input + (size_t)2 * begin * c->in_w * c->in_c, 2 * (end - begin), c->in_w, c->in_c,
                       c->body + (size_t)begin * c->body_w * c->out_c,
                       body_rows < 0 ? 0 : body_rows < end - begin ? body_rows : end - begin, c->body_w, c->out_c,
                       c->output + (size_t)begin * out_w * c->out_c);
}

void fw_parallel_shortcut_down(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                               int body_w, int out_c, float *output) {
  FW_FORK_CONTEXT shortcut_down_call call = {input, body, in_w, in_c, body_h, body_w, out_c, output};
  fw_parallel_for(in_h / 2, shortcut_down_rows, &call);
}

/* Values per item of a split add: whole 64-byte lines, so that two threads
 * never write one line. */
#define ADD_RUN 16

typedef struct add_call {
  const float *a, *b;
  size_t n;
  float *sum, *relu_sum;
} add_call;

static void add_runs(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const add_call *c = opaque;
  const size_t first = (size_t)begin * ADD_RUN, last = (size_t)end * ADD_RUN < c->n ? (size_t)end * ADD_RUN : c->n;
  fw_f32_add(c->a + first, c->b + first, last - first, c->sum ? c->sum + first : NULL,
             c->relu_sum ? c->relu_sum + first : NULL);
}

void fw_parallel_add(const float *a, const float *b, size_t n, float *sum, float *relu_sum) {
  FW_FORK_CONTEXT add_call call = {a, b, n, sum, relu_sum};
  fw_parallel_for((int)((n + ADD_RUN - 1) / ADD_RUN), add_runs, &call);
}
