/* AgeGenderNet as face-api.js 0.22.2 runs it (TinyXception with 2 main blocks):
 *
 *   input [112,112,3]  crop, zero-pad centred, resize, (v - [122.782, 117.001, 104.298]) / 256
 *   conv_in            conv 3x3 s2 3->32 + relu                          [56,56,32]
 *   reduction_block_0  x -> sep 32->64, relu, sep 64->64, maxpool 3x3 s2 SAME,
 *                      + expansion conv 1x1 s2 32->64 of x               [28,28,64]
 *   reduction_block_1  the same on relu(x) (expansion still on x), 64->128   [14,14,128]
 *   main_block_0, 1    x + sep(relu(sep(relu(sep(relu(x))))))            [14,14,128]
 *   exit reduction     as reduction_block_1, 128->256                    [7,7,256]
 *   exit sep conv      relu(sep 256->512)                                [7,7,512]
 *   head               avgpool 7x7 -> 512; age = fc 512->1; gender = softmax(fc 512->2)
 *
 * sep = depthwise 3x3 SAME then pointwise 1x1 + bias. A separable conv whose
 * output is only ever used through relu gets the relu fused. */
#include "age_gender_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"
#include "int_layers.h"
#include "layers.h"
#include "parallel_conv.h"

#define INPUT_SIDE 112
#define MAIN_BLOCKS 2
#define REDUCTIONS 3 /* entry 0, entry 1, exit */
#define FEATURES 512
#define LAST_SIDE 7

static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};
static const fw_activation relu = {FW_ACT_RELU, 0.0f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

typedef struct separable_conv {
  float *depthwise, *pointwise; /* pointwise carries the bias */
  fw_pointwise_i16 pointwise_i16; /* the same on the integer path (int_layers.h) */
  int in_c, out_c;
} separable_conv;

typedef struct reduction_block {
  separable_conv sep0, sep1;
  float *expansion; /* 1x1 stride 2, in_c -> out_c, with bias */
} reduction_block;

struct fw_age_gender_net {
  float *conv_in;
  reduction_block reduction[REDUCTIONS];
  separable_conv main[MAIN_BLOCKS][3];
  separable_conv exit_sep;
  fw_dense_layer fc_age, fc_gender;
  int int_status; /* integer path of the separable 1x1 convs: 0 all bound, 1 not quantised, -1 error */

  /* Working memory, fixed input size: laid out once at bind. */
  fw_arena arena;
  float *input;
  float *x;             /* block input/output (pre-activation) */
  float *x_relu;        /* relu(x) */
  float *depthwise_out; /* depthwise result, pointwise input */
  float *a, *b;         /* separable conv outputs inside a block */
  float *pooled, *shortcut;
  float *zero;
  fw_i16_scratch scratch; /* quantised input of an integer 1x1 conv */
  float features[FEATURES];
};

static void release_separable(separable_conv *s) {
  FW_FREE(s->depthwise);
  FW_FREE(s->pointwise);
  fw_layer_release_pointwise_i16(&s->pointwise_i16);
}

static void destroy(void *opaque) {
  fw_age_gender_net *net = opaque;
  if (!net) return;
  FW_FREE(net->conv_in);
  for (int i = 0; i < REDUCTIONS; i++) {
    release_separable(&net->reduction[i].sep0);
    release_separable(&net->reduction[i].sep1);
    FW_FREE(net->reduction[i].expansion);
  }
  for (int i = 0; i < MAIN_BLOCKS; i++)
    for (int k = 0; k < 3; k++) release_separable(&net->main[i][k]);
  release_separable(&net->exit_sep);
  fw_layer_release_dense(&net->fc_age);
  fw_layer_release_dense(&net->fc_gender);
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

static int bind_separable(separable_conv *s, const fw_weight_table *w, const char *prefix, int in_c, int out_c,
                          int *int_status) {
  char dw[FW_MAX_NAME], pw[FW_MAX_NAME], bias[FW_MAX_NAME];
  snprintf(dw, sizeof dw, "%s/depthwise_filter", prefix);
  snprintf(pw, sizeof pw, "%s/pointwise_filter", prefix);
  snprintf(bias, sizeof bias, "%s/bias", prefix);
  s->in_c = in_c;
  s->out_c = out_c;
  if (!(s->depthwise = fw_layer_pack_depthwise(w, dw, in_c))) return -1;
  if (!(s->pointwise = fw_layer_pack_conv(w, pw, bias, 1, in_c, out_c))) return -1;
  if (*int_status == 0) *int_status = fw_layer_bind_pointwise_i16(&s->pointwise_i16, w, pw, bias, in_c, out_c);
  return *int_status < 0 ? -1 : 0;
}

static int bind_reduction(reduction_block *r, const fw_weight_table *w, const char *prefix, int in_c, int out_c,
                          int *int_status) {
  char name[FW_MAX_NAME], filters[FW_MAX_NAME], bias[FW_MAX_NAME];
  snprintf(name, sizeof name, "%s/separable_conv0", prefix);
  if (bind_separable(&r->sep0, w, name, in_c, out_c, int_status) != 0) return -1;
  snprintf(name, sizeof name, "%s/separable_conv1", prefix);
  if (bind_separable(&r->sep1, w, name, out_c, out_c, int_status) != 0) return -1;
  snprintf(filters, sizeof filters, "%s/expansion_conv/filters", prefix);
  snprintf(bias, sizeof bias, "%s/expansion_conv/bias", prefix);
  return (r->expansion = fw_layer_pack_conv(w, filters, bias, 1, in_c, out_c)) ? 0 : -1;
}

/* Largest tensors: reduction_block_0 works at 56^2 with 64 channels. The
 * sizes are multiples of 4 KiB; slack after each staggers the bases so that a
 * kernel's loads and stores do not alias modulo 4 KiB (x86 load stalls). */
#define STAGGER_BYTES 1088
static int plan(fw_age_gender_net *net) {
  const size_t big = (size_t)56 * 56 * 64 * sizeof(float) + STAGGER_BYTES;
  const size_t input = (size_t)INPUT_SIDE * INPUT_SIDE * 3 * sizeof(float);
  const size_t block_io = (size_t)56 * 56 * 32 * sizeof(float) + STAGGER_BYTES; /* >= every block input/output */
  const size_t reduced = (size_t)28 * 28 * 64 * sizeof(float) + STAGGER_BYTES;  /* >= every pooled/shortcut tensor */
  const size_t zero = (size_t)FEATURES * sizeof(float);
  /* Largest pointwise input: reduction_block_0's sep1, 56^2 x 64. */
  const size_t scratch_pixels = (size_t)56 * 56, scratch_values = scratch_pixels * 64;
  const size_t scratch = net->int_status == 0 ? fw_i16_scratch_bytes(scratch_values, scratch_pixels) : 0;
  const size_t total = fw_arena_footprint(input) + 2 * fw_arena_footprint(block_io) + 3 * fw_arena_footprint(big) +
                       2 * fw_arena_footprint(reduced) + fw_arena_footprint(zero) +
                       (scratch ? fw_arena_footprint(scratch) : 0);
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, input);
  net->x = fw_arena_alloc(&net->arena, block_io);
  net->x_relu = fw_arena_alloc(&net->arena, block_io);
  net->depthwise_out = fw_arena_alloc(&net->arena, big);
  net->a = fw_arena_alloc(&net->arena, big);
  net->b = fw_arena_alloc(&net->arena, big);
  net->pooled = fw_arena_alloc(&net->arena, reduced);
  net->shortcut = fw_arena_alloc(&net->arena, reduced);
  net->zero = fw_arena_alloc(&net->arena, zero);
  memset(net->zero, 0, zero);
  if (scratch)
    net->scratch = fw_i16_scratch_at(fw_arena_alloc(&net->arena, scratch), scratch_values, scratch_pixels);
  return 0;
}

static void *bind(const fw_weight_table *w) {
  fw_age_gender_net *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  static const char *const reduction_names[REDUCTIONS] = {
      "entry_flow/reduction_block_0", "entry_flow/reduction_block_1", "exit_flow/reduction_block"};
  int ok = (net->conv_in = fw_layer_pack_conv(w, "entry_flow/conv_in/filters", "entry_flow/conv_in/bias", 3, 3, 32)) !=
           NULL;
  for (int i = 0, c = 32; ok && i < REDUCTIONS; i++, c *= 2) ok = bind_reduction(&net->reduction[i], w, reduction_names[i], c, 2 * c, &net->int_status) == 0;
  for (int i = 0; ok && i < MAIN_BLOCKS; i++) {
    for (int k = 0; ok && k < 3; k++) {
      char name[FW_MAX_NAME];
      snprintf(name, sizeof name, "middle_flow/main_block_%d/separable_conv%d", i, k);
      ok = bind_separable(&net->main[i][k], w, name, 128, 128, &net->int_status) == 0;
    }
  }
  ok = ok && bind_separable(&net->exit_sep, w, "exit_flow/separable_conv", 256, FEATURES, &net->int_status) == 0;
  ok = ok && fw_layer_bind_dense(&net->fc_age, w, "fc/age/weights", "fc/age/bias", FEATURES, 1) == 0;
  ok = ok && fw_layer_bind_dense(&net->fc_gender, w, "fc/gender/weights", "fc/gender/bias", FEATURES, 2) == 0;
  ok = ok && plan(net) == 0;
  if (!ok) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_age_gender_net_ops = {"age_gender", bind, destroy};

/* Separable conv at stride 1 on a side x side map, then, with `residual`, the
 * main blocks' join: residual = output + residual and residual_relu its relu
 * (in the pointwise conv's fork). The pointwise runs over the map as one row
 * of pixels so its 4-pixel tiles stay full on small maps. */
static void separable_add(fw_age_gender_net *net, const separable_conv *s, const float *input, int side, float *output,
                          fw_activation act, float *residual, float *residual_relu) {
  const fw_conv_geometry dw = fw_conv_geometry_tf(side, side, s->in_c, s->in_c, 3, 1, FW_PAD_SAME);
  fw_parallel_dwconv3x3(&dw, input, s->depthwise, net->zero, net->depthwise_out, linear);
  const fw_pointwise_add pointwise = {.i16 = net->int_status == 0 ? &s->pointwise_i16 : NULL,
                                      .packed = s->pointwise,
                                      .zero = net->zero,
                                      .in_c = s->in_c,
                                      .out_c = s->out_c,
                                      .scratch = &net->scratch,
                                      .act = act,
                                      .addend = residual,
                                      .sum = residual,
                                      .relu_sum = residual_relu};
  fw_parallel_pointwise_add(&pointwise, net->depthwise_out, side * side, output);
}

static void separable(fw_age_gender_net *net, const separable_conv *s, const float *input, int side, float *output,
                      fw_activation act) {
  separable_add(net, s, input, side, output, act, NULL, NULL);
}

/* x [side, side, in_c] (its relu in x_relu unless activate_input is 0) ->
 * x [side/2, side/2, out_c] and x_relu; index (net->reduction's) names its
 * parts in a profile. */
static void reduction(fw_age_gender_net *net, const reduction_block *r, int index, int side, int activate_input) {
  FW_PROFILE_MARK("reduction #", "/separable 0", index);
  separable(net, &r->sep0, activate_input ? net->x_relu : net->x, side, net->a, relu);
  FW_PROFILE_MARK("reduction #", "/separable 1", index);
  separable(net, &r->sep1, net->a, side, net->b, linear);
  FW_PROFILE_MARK("reduction #", "/maxpool + expansion", index);
  const fw_conv_geometry pool = fw_conv_geometry_tf(side, side, r->sep1.out_c, r->sep1.out_c, 3, 2, FW_PAD_SAME);
  fw_parallel_maxpool(&pool, net->b, net->pooled);
  const fw_conv_geometry expand = fw_conv_geometry_tf(side, side, r->sep0.in_c, r->sep0.out_c, 1, 2, FW_PAD_SAME);
  fw_parallel_conv(&expand, net->x, r->expansion, net->zero, net->shortcut, linear);
  const size_t count = (size_t)pool.out_h * pool.out_w * r->sep1.out_c;
  fw_parallel_add(net->pooled, net->shortcut, count, net->x, net->x_relu);
}

void fw_age_gender_net_predict(fw_age_gender_net *net, const fw_rgba_image *image, fw_crop crop, float *age,
                               float *male_probability) {
  FW_PROFILE_MARK("input", NULL, -1);
  fw_parallel_square_input(image, crop, FW_PAD_CENTRED, INPUT_SIDE, mean_rgb, 256.0f, net->input);
  const fw_conv_geometry g = fw_conv_geometry_tf(INPUT_SIDE, INPUT_SIDE, 3, 32, 3, 2, FW_PAD_SAME);
  FW_PROFILE_MARK("conv 3x3", NULL, -1);
  fw_parallel_conv(&g, net->input, net->conv_in, net->zero, net->x, relu);

  int side = g.out_h;
  reduction(net, &net->reduction[0], 0, side, 0);
  side = (side + 1) / 2;
  reduction(net, &net->reduction[1], 1, side, 1);
  side = (side + 1) / 2;
  for (int i = 0; i < MAIN_BLOCKS; i++) {
    FW_PROFILE_MARK("main block #", "/separable 0", i);
    separable(net, &net->main[i][0], net->x_relu, side, net->a, relu);
    FW_PROFILE_MARK("main block #", "/separable 1", i);
    separable(net, &net->main[i][1], net->a, side, net->b, relu);
    FW_PROFILE_MARK("main block #", "/separable 2 + sum", i);
    separable_add(net, &net->main[i][2], net->b, side, net->a, linear, net->x, net->x_relu);
  }
  reduction(net, &net->reduction[2], 2, side, 1);
  side = (side + 1) / 2;
  FW_PROFILE_MARK("exit separable", NULL, -1);
  separable(net, &net->exit_sep, net->x, side, net->a, relu);

  FW_PROFILE_MARK("head", NULL, -1);
  fw_f32_global_mean(net->a, LAST_SIDE * LAST_SIDE, FEATURES, net->features);
  float gender_logits[2], gender[2];
  fw_layer_dense(&net->fc_age, net->features, age);
  fw_layer_dense(&net->fc_gender, net->features, gender_logits);
  fw_layer_softmax(gender_logits, 2, gender);
  *male_probability = gender[0];
  FW_PROFILE_MARK("end", NULL, -1);
}
