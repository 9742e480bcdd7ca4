#include "parallel_conv.h"

#include "../core/parallel.h"

#define PIXEL_BLOCK 4

typedef struct conv_call {
  fw_conv_kernel kernel;
  const fw_conv_geometry *g;
  const float *input, *packed, *zero;
  float *output;
  fw_activation act;
} conv_call;

/* Output rows [begin, end): the same input and in_h, pad_top moved up. */
static void conv_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const conv_call *c = opaque;
  fw_conv_geometry band = *c->g;
  band.out_h = end - begin;
  band.pad_top = c->g->pad_top - begin * c->g->stride;
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

void fw_parallel_conv(fw_conv_kernel kernel, const fw_conv_geometry *g, const float *input, const float *packed,
                      const float *zero, float *output, fw_activation act) {
  if (fw_threads_active() <= 1) {
    kernel(g, input, packed, zero, output, act);
    return;
  }
  conv_call call = {kernel, g, input, packed, zero, output, act};
  const int pointwise = g->kernel == 1 && g->stride == 1 && g->pad_top == 0 && g->pad_left == 0 &&
                        g->in_h == g->out_h && g->in_w == g->out_w;
  if (pointwise)
    fw_parallel_for((g->out_h * g->out_w + PIXEL_BLOCK - 1) / PIXEL_BLOCK, conv_pixels, &call);
  else
    fw_parallel_for(g->out_h, conv_rows, &call);
}
