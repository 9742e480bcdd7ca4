/* The integer path of the nets' 1x1 convolutions (kernels/pointwise_i16.h):
 * binding a uint8-quantised filter and running a layer over a run of pixels
 * with a caller-provided scratch for the quantised activations. */
#ifndef FW_INT_LAYERS_H
#define FW_INT_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/weights.h"
#include "../kernels/pointwise_i16.h"

/* Quantised activations of a layer's input: up to `max_values` int16
 * (pixels * fw_i16_row_stride(in_c)) and up to `max_pixels` pixels. */
typedef struct fw_i16_scratch {
  int16_t *q;      /* max_values */
  float *scale;    /* max_pixels */
  int32_t *sum;    /* max_pixels */
} fw_i16_scratch;

/* Bytes of arena such a scratch needs, and its layout in a block of that
 * size (16-byte aligned `memory`). */
size_t fw_i16_scratch_bytes(size_t max_values, size_t max_pixels);
fw_i16_scratch fw_i16_scratch_at(void *memory, size_t max_values, size_t max_pixels);

/* Binds `filter_name` [1,1,in_c,out_c] (uint8-quantised in the manifest) and
 * `bias_name` [out_c]. Returns 0; 1 when the filter is not uint8-quantised
 * (the caller keeps its float path; nothing allocated); -1 with an error. */
int fw_layer_bind_pointwise_i16(fw_pointwise_i16 *layer, const fw_weight_table *w, const char *filter_name,
                                const char *bias_name, int in_c, int out_c);
/* The same from a looked-up filter, read as [in_c][out_c] whatever its shape
 * (a KxK filter is the 1x1 filter of its im2col rows), and out_c biases. */
int fw_layer_pack_pointwise_i16(fw_pointwise_i16 *layer, const fw_weight_tensor *filter, const float *bias, int in_c,
                                int out_c);
void fw_layer_release_pointwise_i16(fw_pointwise_i16 *layer);

/* output[pixels][out_c] = act(input[pixels][in_c] 1x1-conv layer + bias). */
void fw_layer_pointwise_i16(const fw_pointwise_i16 *layer, const float *input, int pixels, const fw_i16_scratch *s,
                            float *output, fw_activation act);

/* The same split across the thread pool (core/parallel.h) over runs of 4
 * pixels, each quantised into its own part of `s` (which must hold all
 * `pixels`). Activations are quantised per pixel, so the results are
 * bit-identical to fw_layer_pointwise_i16. Only thread 0 may call it. */
void fw_parallel_pointwise_i16(const fw_pointwise_i16 *layer, const float *input, int pixels, const fw_i16_scratch *s,
                               float *output, fw_activation act);

/* A 1x1 conv followed by a residual-style add, split across the thread pool
 * by runs of 4 pixels, each thread adding its pixels while they are in its
 * cache (one fork instead of two):
 *   output = act(input 1x1-conv + bias)   (the integer layer `i16` if not
 *            NULL, else the float pack `packed`: fw_pack_conv 1x1 with bias)
 *   then, if `addend`: sum = output + addend (into `sum` unless NULL) and
 *   relu_sum = relu(output + addend), as fw_f32_add.
 * `sum` and `relu_sum` may be `addend` itself (each value is read before it
 * is written), not `input`. Bit-identical to the conv over the whole map
 * followed by fw_f32_add. */
typedef struct fw_pointwise_add {
  const fw_pointwise_i16 *i16;
  const float *packed, *zero; /* the float pack and its zero padding (used when i16 is NULL) */
  int in_c, out_c;
  const fw_i16_scratch *scratch; /* for the whole map (i16) */
  fw_activation act;
  const float *addend; /* or NULL: the conv alone */
  float *sum, *relu_sum;
} fw_pointwise_add;

void fw_parallel_pointwise_add(const fw_pointwise_add *op, const float *input, int pixels, float *output);

#endif
