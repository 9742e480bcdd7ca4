/* Integer 1x1 convolution layers; see int_layers.h. */
#include "int_layers.h"

#include <string.h>

#include "../core/alloc.h"
#include "../core/parallel.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

size_t fw_i16_scratch_bytes(size_t max_values, size_t max_pixels) {
  return align16(max_values * sizeof(int16_t)) + align16(max_pixels * sizeof(float)) +
         align16(max_pixels * sizeof(int32_t));
}

fw_i16_scratch fw_i16_scratch_at(void *memory, size_t max_values, size_t max_pixels) {
  char *m = memory;
  fw_i16_scratch s;
  s.q = (int16_t *)m;
  m += align16(max_values * sizeof(int16_t));
  s.scale = (float *)m;
  m += align16(max_pixels * sizeof(float));
  s.sum = (int32_t *)m;
  return s;
}

int fw_layer_bind_pointwise_i16(fw_pointwise_i16 *layer, const fw_weight_table *w, const char *filter_name,
                                const char *bias_name, int in_c, int out_c) {
  memset(layer, 0, sizeof *layer);
  const fw_weight_tensor *filter = fw_weights_get(w, filter_name, 4, (int[]){1, 1, in_c, out_c});
  const fw_weight_tensor *bias = filter ? fw_weights_get(w, bias_name, 1, (int[]){out_c}) : NULL;
  if (!bias) return -1;
  return fw_layer_pack_pointwise_i16(layer, filter, bias->values, in_c, out_c);
}

int fw_layer_pack_pointwise_i16(fw_pointwise_i16 *layer, const fw_weight_tensor *filter, const float *bias, int in_c,
                                int out_c) {
  memset(layer, 0, sizeof *layer);
  if (filter->dtype != FW_DTYPE_FLOAT32_UINT8Q) return 1;
  const size_t padded = ((size_t)out_c + FW_I16_PANEL - 1) / FW_I16_PANEL * FW_I16_PANEL;
  layer->codes = FW_MALLOC(fw_i16_pointwise_codes_size(in_c, out_c) * sizeof(int16_t));
  layer->bias = FW_MALLOC(padded * sizeof(float));
  if (!layer->codes || !layer->bias) {
    fw_layer_release_pointwise_i16(layer);
    return fw_fail("out of memory packing '%s'", filter->name);
  }
  if (fw_i16_pointwise_pack(filter->values, filter->quant_scale, filter->quant_min, in_c, out_c, layer->codes) != 0) {
    fw_layer_release_pointwise_i16(layer);
    return 1;
  }
  for (size_t n = 0; n < padded; n++) layer->bias[n] = n < (size_t)out_c ? bias[n] : 0.0f;
  layer->in_c = in_c;
  layer->out_c = out_c;
  layer->scale = (float)filter->quant_scale;
  layer->offset = (float)(filter->quant_min + 128.0 * filter->quant_scale);
  return 0;
}

void fw_layer_release_pointwise_i16(fw_pointwise_i16 *layer) {
  FW_FREE(layer->codes);
  FW_FREE(layer->bias);
  memset(layer, 0, sizeof *layer);
}

void fw_layer_pointwise_i16(const fw_pointwise_i16 *layer, const float *input, int pixels, const fw_i16_scratch *s,
                            float *output, fw_activation act) {
  fw_i16_quantize_rows(input, pixels, layer->in_c, s->q, s->scale, s->sum);
  fw_i16_pointwise(layer, s->q, s->scale, s->sum, pixels, output, act);
}

/* Pixels [first, first + pixels) of a map (input, output and `s` for the
 * whole map): activations are quantised per pixel, so any split of a map
 * gives the bits of one call over all of it. */
static void pointwise_i16_part(const fw_pointwise_i16 *layer, const float *input, int first, int pixels,
                               const fw_i16_scratch *s, float *output, fw_activation act) {
  const size_t row = (size_t)fw_i16_row_stride(layer->in_c);
  const fw_i16_scratch part = {s->q + (size_t)first * row, s->scale + first, s->sum + first};
  fw_layer_pointwise_i16(layer, input + (size_t)first * layer->in_c, pixels, &part,
                         output + (size_t)first * layer->out_c, act);
}

#define PIXEL_BLOCK 4 /* the kernel's pixel tile */

typedef struct pointwise_add_call {
  const fw_pointwise_add *op;
  const float *input;
  int pixels;
  float *output;
} pointwise_add_call;

static void pointwise_add_blocks(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const pointwise_add_call *c = opaque;
  const fw_pointwise_add *op = c->op;
  const int first = begin * PIXEL_BLOCK;
  const int last = end * PIXEL_BLOCK < c->pixels ? end * PIXEL_BLOCK : c->pixels;
  if (op->i16) {
    pointwise_i16_part(op->i16, c->input, first, last - first, op->scratch, c->output, op->act);
  } else {
    const fw_conv_geometry g = fw_conv_geometry_tf(1, last - first, op->in_c, op->out_c, 1, 1, FW_PAD_VALID);
    fw_f32_conv(&g, c->input + (size_t)first * op->in_c, op->packed, op->zero, c->output + (size_t)first * op->out_c,
                op->act);
  }
  if (op->addend) {
    const size_t at = (size_t)first * op->out_c;
    fw_f32_add(c->output + at, op->addend + at, (size_t)(last - first) * op->out_c, op->sum ? op->sum + at : NULL,
               op->relu_sum + at);
  }
}

void fw_parallel_pointwise_add(const fw_pointwise_add *op, const float *input, int pixels, float *output) {
  FW_FORK_CONTEXT pointwise_add_call call = {op, input, pixels, output};
  fw_parallel_for((pixels + PIXEL_BLOCK - 1) / PIXEL_BLOCK, pointwise_add_blocks, &call);
}

void fw_parallel_pointwise_i16(const fw_pointwise_i16 *layer, const float *input, int pixels, const fw_i16_scratch *s,
                               float *output, fw_activation act) {
  const fw_pointwise_add alone = {.i16 = layer, .in_c = layer->in_c, .out_c = layer->out_c, .scratch = s, .act = act};
  fw_parallel_pointwise_add(&alone, input, pixels, output);
}
