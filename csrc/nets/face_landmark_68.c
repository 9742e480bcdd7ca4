/* The 68-point landmark nets, as face-api.js 0.22.2 runs them
 * (FaceFeatureExtractor / TinyFaceFeatureExtractor + FaceLandmark68NetBase):
 *
 *   input   [112,112,3]  crop, pad centred to a square, resize, (v - mean) / 255
 *   dense0  conv 3x3 stride 2 SAME 3->32 + bias, relu        [56,56,32]
 *   dense1..: sep(dw 3x3 stride 2 + pw) C->2C                 [28,28,64] ...
 *     each dense block, with sep(x) = pointwise(depthwise(x)) + bias (SAME):
 *       out1 = relu(conv0(x))
 *       out2 = sep1(out1)             in3 = relu(out1 + out2)
 *       out3 = sep2(in3)              in4 = relu(out1 + out2 + out3)
 *       out4 = sep3(in4)              block = relu(out1 + out2 + out3 + out4)
 *     (the tiny net's blocks stop after out3: block = relu(out1 + out2 + out3))
 *   full net: 4 blocks to [7,7,256]; tiny: 3 blocks to [14,14,128]
 *   head    average over the whole map, FC C -> 136
 *   post    (out * 112 - padding) / scaled crop size, per x and y */
#include "face_landmark_68.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"

#define INPUT_SIZE 112
#define FIRST_CHANNELS 32
#define MAX_BLOCKS 4
#define MAX_CONVS 4

static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};
static const fw_activation relu = {FW_ACT_RELU, 0.0f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

struct fw_face_landmark_net {
  int blocks; /* dense blocks: 4 (full) or 3 (tiny) */
  int convs;  /* convs per block: 4 or 3 */
  float *conv0;                         /* dense0/conv0: packed conv 3x3, 3 -> 32 */
  float *depthwise[MAX_BLOCKS][MAX_CONVS]; /* [block][conv], NULL for dense0/conv0 */
  float *pointwise[MAX_BLOCKS][MAX_CONVS]; /* 1x1 with the sep conv's bias */
  float *fc;                            /* packed 1x1: C -> 136 with bias */

  /* Working memory, planned once (the input size is fixed). */
  fw_arena arena;
  float *input;                 /* [112,112,3] */
  float *sum, *spare, *out, *relu_in; /* each the largest map: [56,56,32] */
  float *features;              /* [C] */
  float *zero;                  /* padding taps */
  float head[FW_LANDMARK_VALUES];
};

static void destroy(void *opaque) {
  fw_face_landmark_net *net = opaque;
  if (!net) return;
  free(net->conv0);
  for (int b = 0; b < MAX_BLOCKS; b++)
    for (int c = 0; c < MAX_CONVS; c++) {
      free(net->depthwise[b][c]);
      free(net->pointwise[b][c]);
    }
  free(net->fc);
  fw_arena_release(&net->arena);
  free(net);
}

static float *pack_conv(const fw_weight_table *w, const char *filter_name, const char *bias_name, int kernel,
                        int in_c, int out_c) {
  const fw_weight_tensor *filter = fw_weights_get(w, filter_name, 4, (int[]){kernel, kernel, in_c, out_c});
  const fw_weight_tensor *bias = filter ? fw_weights_get(w, bias_name, 1, (int[]){out_c}) : NULL;
  if (!bias) return NULL;
  float *packed = malloc(fw_conv_packed_size(kernel, in_c, out_c) * sizeof(float));
  if (!packed) {
    fw_fail("out of memory packing '%s'", filter_name);
    return NULL;
  }
  fw_pack_conv(filter->values, bias->values, kernel, in_c, out_c, packed);
  return packed;
}

static float *pack_fc(const fw_weight_table *w, int in_c, int out_c) {
  const fw_weight_tensor *weights = fw_weights_get(w, "fc/weights", 2, (int[]){in_c, out_c});
  const fw_weight_tensor *bias = weights ? fw_weights_get(w, "fc/bias", 1, (int[]){out_c}) : NULL;
  if (!bias) return NULL;
  float *packed = malloc(fw_conv_packed_size(1, in_c, out_c) * sizeof(float));
  if (!packed) {
    fw_fail("out of memory packing 'fc/weights'");
    return NULL;
  }
  fw_pack_conv(weights->values, bias->values, 1, in_c, out_c, packed); /* [in][out] is HWIO for 1x1 */
  return packed;
}

static float *pack_depthwise(const fw_weight_table *w, const char *filter_name, int channels) {
  const fw_weight_tensor *filter = fw_weights_get(w, filter_name, 4, (int[]){3, 3, channels, 1});
  if (!filter) return NULL;
  float *packed = malloc(fw_dwconv3x3_packed_size(channels) * sizeof(float));
  if (!packed) {
    fw_fail("out of memory packing '%s'", filter_name);
    return NULL;
  }
  fw_pack_dwconv3x3(filter->values, NULL, channels, packed);
  return packed;
}

static int plan(fw_face_landmark_net *net) {
  const size_t largest = (size_t)(INPUT_SIZE / 2) * (INPUT_SIZE / 2) * FIRST_CHANNELS;
  const int last_channels = FIRST_CHANNELS << (net->blocks - 1);
  const size_t sizes[] = {(size_t)INPUT_SIZE * INPUT_SIZE * 3 * sizeof(float), largest * sizeof(float),
                          largest * sizeof(float), largest * sizeof(float), largest * sizeof(float),
                          (size_t)last_channels * sizeof(float), (size_t)last_channels * sizeof(float)};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) total += fw_arena_footprint(sizes[i]);
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, sizes[0]);
  net->sum = fw_arena_alloc(&net->arena, sizes[1]);
  net->spare = fw_arena_alloc(&net->arena, sizes[2]);
  net->out = fw_arena_alloc(&net->arena, sizes[3]);
  net->relu_in = fw_arena_alloc(&net->arena, sizes[4]);
  net->features = fw_arena_alloc(&net->arena, sizes[5]);
  net->zero = fw_arena_alloc(&net->arena, sizes[6]);
  memset(net->zero, 0, sizes[6]);
  return 0;
}

static void *bind_net(const fw_weight_table *w, int blocks, int convs) {
  fw_face_landmark_net *net = calloc(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  net->blocks = blocks;
  net->convs = convs;
  int ok = (net->conv0 = pack_conv(w, "dense0/conv0/filters", "dense0/conv0/bias", 3, 3, FIRST_CHANNELS)) != NULL;
  for (int b = 0; ok && b < blocks; b++) {
    const int out_c = FIRST_CHANNELS << b;
    for (int c = b == 0 ? 1 : 0; ok && c < convs; c++) {
      const int in_c = c == 0 ? out_c / 2 : out_c;
      char dw[48], pw[48], bias[48];
      snprintf(dw, sizeof dw, "dense%d/conv%d/depthwise_filter", b, c);
      snprintf(pw, sizeof pw, "dense%d/conv%d/pointwise_filter", b, c);
      snprintf(bias, sizeof bias, "dense%d/conv%d/bias", b, c);
      ok = (net->depthwise[b][c] = pack_depthwise(w, dw, in_c)) &&
           (net->pointwise[b][c] = pack_conv(w, pw, bias, 1, in_c, out_c));
    }
  }
  ok = ok && (net->fc = pack_fc(w, FIRST_CHANNELS << (blocks - 1), FW_LANDMARK_VALUES)) && plan(net) == 0;
  if (!ok) {
    destroy(net);
    return NULL;
  }
  return net;
}

static void *bind_full(const fw_weight_table *w) { return bind_net(w, 4, 4); }
static void *bind_tiny(const fw_weight_table *w) { return bind_net(w, 3, 3); }

const fw_net_ops fw_face_landmark_68_ops = {"face_landmark_68", bind_full, destroy};
const fw_net_ops fw_face_landmark_68_tiny_ops = {"face_landmark_68_tiny", bind_tiny, destroy};

/* sep(x) = pointwise(depthwise(x)) + bias into `out`, via net->spare. */
static void separable(fw_face_landmark_net *net, const float *x, int side, int in_c, int out_c, int stride,
                      const float *dw, const float *pw, float *out, fw_activation act) {
  const fw_conv_geometry dg = fw_conv_geometry_tf(side, side, in_c, in_c, 3, stride, FW_PAD_SAME);
  fw_f32_dwconv3x3(&dg, x, dw, net->zero, net->spare, linear);
  const fw_conv_geometry pg = fw_conv_geometry_tf(dg.out_h, dg.out_w, in_c, out_c, 1, 1, FW_PAD_VALID);
  fw_f32_conv(&pg, net->spare, pw, net->zero, out, act);
}

int fw_face_landmark_net_run(fw_face_landmark_net *net, const fw_rgba_image *image, fw_crop crop,
                             float relative[FW_LANDMARK_VALUES]) {
  fw_rgba_to_square_input(image, crop, FW_PAD_CENTRED, INPUT_SIZE, mean_rgb, 255.0f, net->input);

  /* Block input: the image for dense0, then the previous block's output (relu_in). */
  const float *x = net->input;
  int side = INPUT_SIZE, channels = 3;
  for (int b = 0; b < net->blocks; b++) {
    const int out_c = FIRST_CHANNELS << b;
    const int out_side = (side + 1) / 2;
    const size_t count = (size_t)out_side * out_side * out_c;
    /* out1 = relu(conv0(x)) starts the running sum. */
    if (b == 0) {
      const fw_conv_geometry g = fw_conv_geometry_tf(side, side, channels, out_c, 3, 2, FW_PAD_SAME);
      fw_f32_conv(&g, x, net->conv0, net->zero, net->sum, relu);
    } else {
      separable(net, x, side, channels, out_c, 2, net->depthwise[b][0], net->pointwise[b][0], net->sum, relu);
    }
    /* out_k = sep_k(relu(running sum)); the block's first sep reads out1 itself (already >= 0). */
    const float *in = net->sum;
    for (int c = 1; c < net->convs; c++) {
      separable(net, in, out_side, out_c, out_c, 1, net->depthwise[b][c], net->pointwise[b][c], net->out, linear);
      fw_f32_add(net->sum, net->out, count, net->sum, net->relu_in);
      in = net->relu_in;
    }
    x = net->relu_in;
    side = out_side;
    channels = out_c;
  }

  fw_f32_global_mean(x, side * side, channels, net->features);
  const fw_conv_geometry fc = fw_conv_geometry_tf(1, 1, channels, FW_LANDMARK_VALUES, 1, 1, FW_PAD_VALID);
  fw_f32_conv(&fc, net->features, net->fc, net->zero, net->head, linear);

  /* postProcess: the crop scaled so its longer side is 112, the padding that
   * centred it, all in float32 as tfjs computes mul / sub / div. */
  const double scale = (double)INPUT_SIZE / (crop.width > crop.height ? crop.width : crop.height);
  const double scaled_w = crop.width * scale, scaled_h = crop.height * scale;
  const float pad_x = (float)(scaled_w < scaled_h ? fabs(scaled_w - scaled_h) / 2 : 0.0);
  const float pad_y = (float)(scaled_h < scaled_w ? fabs(scaled_w - scaled_h) / 2 : 0.0);
  for (int i = 0; i < FW_LANDMARK_POINTS; i++) {
    relative[2 * i] = (net->head[2 * i] * (float)INPUT_SIZE - pad_x) / (float)scaled_w;
    relative[2 * i + 1] = (net->head[2 * i + 1] * (float)INPUT_SIZE - pad_y) / (float)scaled_h;
  }
  return 0;
}
