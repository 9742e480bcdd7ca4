/* FaceFeatureExtractor forward; the architecture is described in the header. */
#include "face_feature_extractor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"
#include "layers.h"
#include "parallel_conv.h"

static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};
static const fw_activation relu = {FW_ACT_RELU, 0.0f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

#define FIRST_SIDE (FW_FACE_FEATURE_INPUT / 2) /* dense0 output side (stride-2 conv0) */
#define FIRST_CHANNELS 32

void fw_face_feature_extractor_release(fw_face_feature_extractor *fx) {
  FW_FREE(fx->conv0);
  for (int b = 0; b < FW_FACE_FEATURE_BLOCKS; b++) {
    for (int k = 0; k < FW_FACE_FEATURE_CONVS; k++) {
      FW_FREE(fx->depthwise[b][k]);
      FW_FREE(fx->pointwise[b][k]);
      fw_layer_release_pointwise_i16(&fx->pointwise_i16[b][k]);
    }
  }
  fw_arena_release(&fx->arena);
  memset(fx, 0, sizeof *fx);
}

static int bind_weights(fw_face_feature_extractor *fx, const fw_weight_table *w, const char *prefix) {
  char filter[FW_MAX_NAME], pointwise[FW_MAX_NAME], bias[FW_MAX_NAME];
  snprintf(filter, sizeof filter, "%sdense0/conv0/filters", prefix);
  snprintf(bias, sizeof bias, "%sdense0/conv0/bias", prefix);
  if (!(fx->conv0 = fw_layer_pack_conv(w, filter, bias, 3, 3, FIRST_CHANNELS))) return -1;
  int int_status = 0; /* of the integer path: 0 bound so far, 1 some filter is not quantised */
  for (int b = 0, in_c = FIRST_CHANNELS; b < fx->blocks; b++) {
    const int out_c = FIRST_CHANNELS << b;
    for (int k = b == 0 ? 1 : 0; k < fx->convs; k++, in_c = out_c) {
      snprintf(filter, sizeof filter, "%sdense%d/conv%d/depthwise_filter", prefix, b, k);
      snprintf(pointwise, sizeof pointwise, "%sdense%d/conv%d/pointwise_filter", prefix, b, k);
      snprintf(bias, sizeof bias, "%sdense%d/conv%d/bias", prefix, b, k);
      if (!(fx->depthwise[b][k] = fw_layer_pack_depthwise(w, filter, in_c))) return -1;
      if (!(fx->pointwise[b][k] = fw_layer_pack_conv(w, pointwise, bias, 1, in_c, out_c))) return -1;
      if (int_status == 0) int_status = fw_layer_bind_pointwise_i16(&fx->pointwise_i16[b][k], w, pointwise, bias, in_c, out_c);
      if (int_status < 0) return -1;
    }
  }
  fx->int_ready = int_status == 0;
  return 0;
}

/* Every block's tensors are side^2 * channels = 56^2 * 32 / 2^b floats, so the
 * four work buffers are sized for dense0 and reused by the later blocks. Their
 * sizes are multiples of 4 KiB; a little slack after each staggers the bases
 * so that a kernel's loads and stores do not alias modulo 4 KiB (which stalls
 * loads on x86 and cost up to a third of a depthwise layer's speed). */
#define STAGGER_BYTES 1088
static int plan(fw_face_feature_extractor *fx) {
  const size_t input = (size_t)FW_FACE_FEATURE_INPUT * FW_FACE_FEATURE_INPUT * 3 * sizeof(float);
  const size_t block = (size_t)FIRST_SIDE * FIRST_SIDE * FIRST_CHANNELS * sizeof(float) + STAGGER_BYTES;
  const size_t zero = (size_t)FW_FACE_FEATURE_CHANNELS * sizeof(float);
  /* Every pointwise input is at most dense0's values, at most its pixels. */
  const size_t scratch_pixels = (size_t)FIRST_SIDE * FIRST_SIDE;
  const size_t scratch_values = scratch_pixels * FIRST_CHANNELS;
  const size_t scratch = fx->int_ready ? fw_i16_scratch_bytes(scratch_values, scratch_pixels) : 0;
  const size_t total = fw_arena_footprint(input) + 4 * fw_arena_footprint(block) + fw_arena_footprint(zero) +
                       (scratch ? fw_arena_footprint(scratch) : 0);
  if (fw_arena_reserve(&fx->arena, total) != 0) return -1;
  fx->input = fw_arena_alloc(&fx->arena, input);
  fx->sum = fw_arena_alloc(&fx->arena, block);
  fx->activated = fw_arena_alloc(&fx->arena, block);
  fx->depthwise_out = fw_arena_alloc(&fx->arena, block);
  fx->pointwise_out = fw_arena_alloc(&fx->arena, block);
  fx->zero = fw_arena_alloc(&fx->arena, zero);
  memset(fx->zero, 0, zero);
  if (scratch)
    fx->scratch = fw_i16_scratch_at(fw_arena_alloc(&fx->arena, scratch), scratch_values, scratch_pixels);
  return 0;
}

int fw_face_feature_extractor_bind(fw_face_feature_extractor *fx, const fw_weight_table *weights, const char *prefix,
                                   int blocks, int convs) {
  if (blocks < 1 || blocks > FW_FACE_FEATURE_BLOCKS || convs < 2 || convs > FW_FACE_FEATURE_CONVS)
    return fw_fail("face feature extractor: %d blocks of %d convolutions is not a supported shape", blocks, convs);
  fx->blocks = blocks;
  fx->convs = convs;
  fx->channels = FIRST_CHANNELS << (blocks - 1);
  if (bind_weights(fx, weights, prefix) != 0 || plan(fx) != 0) {
    fw_face_feature_extractor_release(fx);
    return -1;
  }
  return 0;
}

/* One separable conv: depthwise 3x3 (stride), then pointwise + bias and,
 * for the dense block's later convs, the running sum: sum += out, next input
 * = relu(sum). The depthwise conv is one fork by rows (its rows read their
 * neighbours' input rows, which the sum then overwrites); the pointwise conv
 * and the sum one fork by runs of pixels. On one thread the pointwise runs
 * over the map as one row of pixels, so its 4-pixel tiles stay full on small
 * maps. */
static void separable(fw_face_feature_extractor *fx, const float *input, int in_side, int in_c, int out_c, int stride,
                      int b, int k, float *output, fw_activation act, int add_to_sum, int keep_sum) {
  const fw_conv_geometry dw = fw_conv_geometry_tf(in_side, in_side, in_c, in_c, 3, stride, FW_PAD_SAME);
  fw_parallel_dwconv3x3(&dw, input, fx->depthwise[b][k], fx->zero, fx->depthwise_out, linear);
  const fw_pointwise_add pointwise = {.i16 = fx->int_ready ? &fx->pointwise_i16[b][k] : NULL,
                                      .packed = fx->pointwise[b][k],
                                      .zero = fx->zero,
                                      .in_c = in_c,
                                      .out_c = out_c,
                                      .scratch = &fx->scratch,
                                      .act = act,
                                      .addend = add_to_sum ? fx->sum : NULL,
                                      .sum = keep_sum ? fx->sum : NULL,
                                      .relu_sum = fx->activated};
  fw_parallel_pointwise_add(&pointwise, fx->depthwise_out, dw.out_h * dw.out_w, output);
}

const float *fw_face_feature_extractor_forward(fw_face_feature_extractor *fx, const fw_rgba_image *image,
                                               fw_crop crop) {
  FW_PROFILE_MARK("input", NULL, -1);
  fw_parallel_square_input(image, crop, FW_PAD_CENTRED, FW_FACE_FEATURE_INPUT, mean_rgb, 255.0f, fx->input);

  int side = FW_FACE_FEATURE_INPUT, in_c = 3;
  for (int b = 0; b < fx->blocks; b++) {
    const int out_c = FIRST_CHANNELS << b;
    /* out1 = relu(conv0(x)): the running sum starts as out1, itself the next input. */
    FW_PROFILE_MARK("dense block #", "/conv 0", b);
    if (b == 0) {
      const fw_conv_geometry g = fw_conv_geometry_tf(side, side, in_c, out_c, 3, 2, FW_PAD_SAME);
      fw_parallel_conv(&g, fx->input, fx->conv0, fx->zero, fx->sum, relu);
    } else {
      separable(fx, fx->activated, side, in_c, out_c, 2, b, 0, fx->sum, relu, 0, 0);
    }
    side = (side + 1) / 2;
    const float *next_input = fx->sum;
    for (int k = 1; k < fx->convs; k++) {
      FW_PROFILE_MARK("dense block #", k == 1 ? "/conv 1 + sum" : k == 2 ? "/conv 2 + sum" : "/conv 3 + sum", b);
      /* sum += out_k; the next input (or the block output) is relu(sum). */
      separable(fx, next_input, side, out_c, out_c, 1, b, k, fx->pointwise_out, linear, 1, k + 1 < fx->convs);
      next_input = fx->activated;
    }
    in_c = out_c;
  }
  FW_PROFILE_MARK("global average", NULL, -1);
  fw_f32_global_mean(fx->activated, side * side, fx->channels, fx->features);
  return fx->features;
}
