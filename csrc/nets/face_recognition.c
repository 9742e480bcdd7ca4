/* FaceRecognitionNet, as face-api.js 0.22.2 runs it:
 *
 *   input   [150,150,3]  crop, pad centred to a square, resize, (v - mean) / 256
 *   stem    conv 7x7 stride 2 VALID 3->32, relu            [72,72,32]
 *           maxpool 3x3 stride 2 VALID                      [35,35,32]
 *   3 x residual 32      at 35x35
 *   residualDown 32->64  to 17x17, 3 x residual 64
 *   residualDown 64->128 to 8x8,   2 x residual 128
 *   residualDown 128->256 to 4x4 (body 3x3 padded), 2 x residual 256
 *   residualDown 256->256 to 2x2 (body 1x1 padded)
 *   head    mean over the 2x2 map, FC 256 -> 128 (no bias)
 *
 *   residual(x)     = relu(conv(relu(conv(x))) + x), convs 3x3 stride 1 SAME
 *   residualDown(x) = relu(avgpool2x2(x) channel-padded + body(x)), body's
 *                     first conv 3x3 stride 2 VALID, second 3x3 stride 1 SAME
 *
 * The 3x3 stride-1 convs (86 % of the work) run as Winograd F(2x2, 3x3).
 *
 * Every conv is conv + bias then face-api.js's scale layer (x * w + b); the
 * scale is folded into the packed filters and bias at load. */
#include "face_recognition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/status.h"
#include "../core/parallel.h"
#include "../kernels/dispatch.h"
#include "parallel_conv.h"

#define INPUT_SIZE 150
#define STEM_CHANNELS 32
#define STEM_SIDE 72 /* (150 - 7) / 2 + 1 */
#define POOL_SIDE 35 /* (72 - 3) / 2 + 1 */
#define MAX_CHANNELS 256

static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};
static const fw_activation relu = {FW_ACT_RELU, 0.0f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

/* The residual stages in order: name, output channels, downsampling. */
typedef struct stage {
  const char *name;
  int channels;
  int down;
} stage;

static const stage stages[] = {
    {"conv32_1", 32, 0},         {"conv32_2", 32, 0},          {"conv32_3", 32, 0},  {"conv64_down", 64, 1},
    {"conv64_1", 64, 0},         {"conv64_2", 64, 0},          {"conv64_3", 64, 0},  {"conv128_down", 128, 1},
    {"conv128_1", 128, 0},       {"conv128_2", 128, 0},        {"conv256_down", 256, 1},
    {"conv256_1", 256, 0},       {"conv256_2", 256, 0},        {"conv256_down_out", 256, 1},
};
#define STAGES ((int)(sizeof stages / sizeof stages[0]))

/* One conv with its scale folded in: a direct pack (stride 2, or maps too
 * small to tile) or a Winograd pack plus its bias (3x3 stride 1 SAME). */
typedef struct conv_layer {
  float *direct;   /* fw_pack_conv layout, bias included */
  float *winograd; /* fw_pack_winograd layout */
  float *bias;     /* [out_c], with the Winograd pack */
  int in_c, out_c;
} conv_layer;

struct fw_face_recognition_net {
  float *stem;            /* packed 7x7 3 -> 32 */
  conv_layer conv1[STAGES];
  conv_layer conv2[STAGES];
  float *fc;              /* packed 1x1 256 -> 128, no bias */

  fw_arena arena;
  float *input;           /* [150,150,3] */
  float *stem_out;        /* [72,72,32] */
  float *x, *t, *u;       /* [35,35,32] each (the largest residual map) */
  float *tiles_in, *tiles_out; /* Winograd [16][tiles][channels], largest at 35x35x32 */
  float *features;        /* [256] */
  float *zero;            /* padding taps */
  float head[FW_DESCRIPTOR_VALUES];
};

static void destroy(void *opaque) {
  fw_face_recognition_net *net = opaque;
  if (!net) return;
  FW_FREE(net->stem);
  for (int i = 0; i < STAGES; i++) {
    conv_layer *layers[2] = {&net->conv1[i], &net->conv2[i]};
    for (int k = 0; k < 2; k++) {
      FW_FREE(layers[k]->direct);
      FW_FREE(layers[k]->winograd);
      FW_FREE(layers[k]->bias);
    }
  }
  FW_FREE(net->fc);
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

/* "<prefix>/conv/filters", "/conv/bias", "/scale/weights", "/scale/biases",
 * folded (filter * w, bias * w + b) and packed into `layer`: for Winograd when
 * `winograd`, else directly. Returns 0, or -1 with an error. */
static int pack_scaled_conv(const fw_weight_table *w, const char *prefix, int kernel, int in_c, int out_c,
                            int winograd, conv_layer *layer) {
  char name[96];
  snprintf(name, sizeof name, "%s/conv/filters", prefix);
  const fw_weight_tensor *filter = fw_weights_get(w, name, 4, (int[]){kernel, kernel, in_c, out_c});
  snprintf(name, sizeof name, "%s/conv/bias", prefix);
  const fw_weight_tensor *bias = filter ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  snprintf(name, sizeof name, "%s/scale/weights", prefix);
  const fw_weight_tensor *scale = bias ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  snprintf(name, sizeof name, "%s/scale/biases", prefix);
  const fw_weight_tensor *shift = scale ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  if (!shift) return -1;
  const size_t taps = (size_t)kernel * kernel * in_c;
  float *folded = FW_MALLOC(taps * out_c * sizeof(float));
  float *folded_bias = FW_MALLOC(out_c * sizeof(float));
  float *packed = FW_MALLOC((winograd ? fw_winograd_packed_size(in_c, out_c) : fw_conv_packed_size(kernel, in_c, out_c)) *
                         sizeof(float));
  if (!folded || !folded_bias || !packed) {
    FW_FREE(folded);
    FW_FREE(folded_bias);
    FW_FREE(packed);
    return fw_fail("out of memory packing '%s'", prefix);
  }
  for (size_t t = 0; t < taps; t++)
    for (int o = 0; o < out_c; o++) folded[t * out_c + o] = filter->values[t * out_c + o] * scale->values[o];
  for (int o = 0; o < out_c; o++) folded_bias[o] = bias->values[o] * scale->values[o] + shift->values[o];
  layer->in_c = in_c;
  layer->out_c = out_c;
  if (winograd) {
    fw_pack_winograd(folded, in_c, out_c, packed);
    layer->winograd = packed;
    layer->bias = folded_bias;
  } else {
    fw_pack_conv(folded, folded_bias, kernel, in_c, out_c, packed);
    layer->direct = packed;
    FW_FREE(folded_bias);
  }
  FW_FREE(folded);
  return 0;
}

static int plan(fw_face_recognition_net *net) {
  const size_t map = (size_t)POOL_SIDE * POOL_SIDE * STEM_CHANNELS;
  /* Winograd scratch: the first stage's maps have the most tiles x channels. */
  const size_t tiles = (size_t)FW_WINOGRAD_POSITIONS * fw_winograd_tiles(POOL_SIDE, POOL_SIDE) * STEM_CHANNELS;
  const size_t sizes[] = {(size_t)INPUT_SIZE * INPUT_SIZE * 3 * sizeof(float),
                          (size_t)STEM_SIDE * STEM_SIDE * STEM_CHANNELS * sizeof(float),
                          map * sizeof(float), map * sizeof(float), map * sizeof(float),
                          MAX_CHANNELS * sizeof(float), MAX_CHANNELS * sizeof(float), tiles * sizeof(float),
                          tiles * sizeof(float)};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) total += fw_arena_footprint(sizes[i]);
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, sizes[0]);
  net->stem_out = fw_arena_alloc(&net->arena, sizes[1]);
  net->x = fw_arena_alloc(&net->arena, sizes[2]);
  net->t = fw_arena_alloc(&net->arena, sizes[3]);
  net->u = fw_arena_alloc(&net->arena, sizes[4]);
  net->features = fw_arena_alloc(&net->arena, sizes[5]);
  net->zero = fw_arena_alloc(&net->arena, sizes[6]);
  net->tiles_in = fw_arena_alloc(&net->arena, sizes[7]);
  net->tiles_out = fw_arena_alloc(&net->arena, sizes[8]);
  memset(net->zero, 0, sizes[6]);
  return 0;
}

static void *bind(const fw_weight_table *w) {
  fw_face_recognition_net *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  conv_layer stem = {0};
  int ok = pack_scaled_conv(w, "conv32_down", 7, 3, STEM_CHANNELS, 0, &stem) == 0;
  net->stem = stem.direct;
  /* Stride-1 convs go through Winograd unless their map is a single pixel
   * (conv256_down_out's second conv, 1x1), where the direct conv is cheaper. */
  int channels = STEM_CHANNELS, side = POOL_SIDE;
  for (int i = 0; ok && i < STAGES; i++) {
    const int out_c = stages[i].channels;
    const int body_side = stages[i].down ? (side - 3) / 2 + 1 : side;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s/conv1", stages[i].name);
    ok = pack_scaled_conv(w, prefix, 3, channels, out_c, !stages[i].down, &net->conv1[i]) == 0;
    snprintf(prefix, sizeof prefix, "%s/conv2", stages[i].name);
    ok = ok && pack_scaled_conv(w, prefix, 3, out_c, out_c, body_side > 1, &net->conv2[i]) == 0;
    channels = out_c;
    if (stages[i].down) side /= 2;
  }
  if (ok) {
    const fw_weight_tensor *fc = fw_weights_get(w, "fc", 2, (int[]){MAX_CHANNELS, FW_DESCRIPTOR_VALUES});
    net->fc = fc ? FW_MALLOC(fw_conv_packed_size(1, MAX_CHANNELS, FW_DESCRIPTOR_VALUES) * sizeof(float)) : NULL;
    if (fc && !net->fc) fw_fail("out of memory packing 'fc'");
    if (net->fc) fw_pack_conv(fc->values, NULL, 1, MAX_CHANNELS, FW_DESCRIPTOR_VALUES, net->fc);
    ok = net->fc != NULL;
  }
  if (!ok || plan(net) != 0) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_face_recognition_ops = {"face_recognition", bind, destroy};

/* A Winograd conv's three steps, each split across the threads: the
 * transforms by tile rows, the 16 independent GEMMs by position. */
typedef struct winograd_conv {
  fw_face_recognition_net *net;
  const conv_layer *layer;
  fw_conv_geometry g; /* one GEMM: 1 x tiles, in_c -> out_c */
  const float *in;
  int side;
  float *out;
  fw_activation act;
} winograd_conv;

static void winograd_input_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const winograd_conv *w = opaque;
  fw_f32_winograd_input_rows(w->in, w->side, w->side, w->layer->in_c, w->net->tiles_in, begin, end);
}

static void winograd_gemms(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const winograd_conv *w = opaque;
  const size_t pack = fw_conv_packed_size(1, w->layer->in_c, w->layer->out_c);
  const int tiles = w->g.out_w;
  for (int xi = begin; xi < end; xi++)
    fw_f32_conv(&w->g, w->net->tiles_in + (size_t)xi * tiles * w->layer->in_c, w->layer->winograd + xi * pack,
                w->net->zero, w->net->tiles_out + (size_t)xi * tiles * w->layer->out_c, linear);
}

static void winograd_output_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const winograd_conv *w = opaque;
  fw_f32_winograd_output_rows(w->net->tiles_out, w->side, w->side, w->layer->out_c, w->layer->bias, w->out, w->act,
                              begin, end);
}

/* 3x3 stride-1 SAME conv of a side x side map: Winograd (input transform, 16
 * GEMMs as 1x1 convs over the tiles, output transform) or the direct kernel. */
static void conv3x3_same(fw_face_recognition_net *net, const conv_layer *layer, const float *in, int side, float *out,
                         fw_activation act) {
  if (!layer->winograd) {
    const fw_conv_geometry g = fw_conv_geometry_tf(side, side, layer->in_c, layer->out_c, 3, 1, FW_PAD_SAME);
    fw_parallel_conv(fw_f32_conv, &g, in, layer->direct, net->zero, out, act);
    return;
  }
  const int tiles = fw_winograd_tiles(side, side);
  winograd_conv w = {net, layer, fw_conv_geometry_tf(1, tiles, layer->in_c, layer->out_c, 1, 1, FW_PAD_VALID), in,
                     side, out, act};
  fw_parallel_for((side + 1) / 2, winograd_input_rows, &w);
  fw_parallel_for(FW_WINOGRAD_POSITIONS, winograd_gemms, &w);
  fw_parallel_for((side + 1) / 2, winograd_output_rows, &w);
}

int fw_face_recognition_net_run(fw_face_recognition_net *net, const fw_rgba_image *image, fw_crop crop,
                                float descriptor[FW_DESCRIPTOR_VALUES]) {
  fw_rgba_to_square_input(image, crop, FW_PAD_CENTRED, INPUT_SIZE, mean_rgb, 256.0f, net->input);

  const fw_conv_geometry sg = fw_conv_geometry_tf(INPUT_SIZE, INPUT_SIZE, 3, STEM_CHANNELS, 7, 2, FW_PAD_VALID);
  fw_parallel_conv(fw_f32_conv, &sg, net->input, net->stem, net->zero, net->stem_out, relu);
  const fw_conv_geometry pool = fw_conv_geometry_tf(STEM_SIDE, STEM_SIDE, STEM_CHANNELS, STEM_CHANNELS, 3, 2, FW_PAD_VALID);
  fw_f32_maxpool_kxk(&pool, net->stem_out, net->x);

  /* x holds the stage input and receives its output; t and u are the body's maps. */
  int side = POOL_SIDE, channels = STEM_CHANNELS;
  for (int i = 0; i < STAGES; i++) {
    const int out_c = stages[i].channels;
    if (!stages[i].down) {
      conv3x3_same(net, &net->conv1[i], net->x, side, net->t, relu);
      conv3x3_same(net, &net->conv2[i], net->t, side, net->u, linear);
      fw_f32_add(net->u, net->x, (size_t)side * side * out_c, NULL, net->x);
    } else {
      const fw_conv_geometry g1 = fw_conv_geometry_tf(side, side, channels, out_c, 3, 2, FW_PAD_VALID);
      fw_parallel_conv(fw_f32_conv, &g1, net->x, net->conv1[i].direct, net->zero, net->t, relu);
      conv3x3_same(net, &net->conv2[i], net->t, g1.out_h, net->u, linear);
      /* The shortcut's pooled map is side / 2; the body is that or one smaller. */
      fw_f32_shortcut_down(net->x, side, side, channels, net->u, g1.out_h, g1.out_w, out_c, net->t);
      side /= 2;
      memcpy(net->x, net->t, (size_t)side * side * out_c * sizeof(float));
    }
    channels = out_c;
  }
  fw_f32_global_mean(net->x, side * side, channels, net->features);
  const fw_conv_geometry fc = fw_conv_geometry_tf(1, 1, channels, FW_DESCRIPTOR_VALUES, 1, 1, FW_PAD_VALID);
  fw_f32_conv(&fc, net->features, net->fc, net->zero, descriptor, linear);
  return 0;
}
