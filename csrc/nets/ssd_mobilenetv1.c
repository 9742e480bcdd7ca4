/* SSD MobileNetV1, as face-api.js 0.22.2 runs it (its ssdMobilenetv1 folder):
 *
 *   input   [512,512,3]  zero-pad bottom/right to a square, resize, x * (2/255) - 1
 *   conv_0  3x3 stride 2 SAME 3->32 + offset, relu6          [256,256,32]
 *   conv_1..conv_13: depthwise 3x3 SAME (stride 2 at 2, 4, 6, 12) + batch norm,
 *           relu6, then 1x1 + offset, relu6: 32->64->128->128->256->256->512
 *           ->512 x5 (conv_11's output feeds box predictor 0) ->1024->1024
 *                                                             [16,16,1024]
 *   prediction layer: 1x1 1024->256, 3x3/2 256->512 [8,8], 1x1 512->128,
 *           3x3/2 128->256 [4,4], 1x1 256->128, 3x3/2 128->256 [2,2],
 *           1x1 256->64, 3x3/2 64->128 [1,1]; all SAME + offset, relu6
 *   box predictors 0..5 on conv_11 (32x32, 3 anchors a cell), the backbone
 *           output and the four stride-2 outputs (6 anchors a cell): 1x1 convs
 *           + bias to 4 box encodings and 3 class logits per anchor
 *   output  anchors from Output/extra_dim; boxes decoded with scales 10 and 5;
 *           score = sigmoid(logit 1)
 *
 * The output layer runs op by op in float32, as tfjs's CPU backend rounds
 * every op's result to float32. */
#include "ssd_mobilenetv1.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/parallel.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "../kernels/batchnorm.h"
#include "../kernels/dispatch.h"
#include "detection.h"
#include "int_layers.h"
#include "layers.h"
#include "parallel_conv.h"

#define BLOCKS 13
#define EXTRA_LAYERS 8
#define PREDICTORS 6
#define MAX_CHANNELS 1024
#define CONV11_BLOCK 11

/* face-api.js's mobileNetV1.js epsilon (the float32 nearest 0.001). */
static const double batch_norm_epsilon = 0.0010000000474974513;
/* SsdMobilenetv1.forwardInput: x * 0.007843137718737125 - 1 (float32 ops). */
static const float input_scale = 0.007843137718737125f;
static const double iou_threshold = 0.5;
static const fw_activation relu6 = {FW_ACT_RELU6, 0.0f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

/* Backbone blocks: channels in and out, depthwise stride. */
static const struct {
  int in_c, out_c, stride;
} blocks[BLOCKS] = {{32, 64, 1},   {64, 128, 2},   {128, 128, 1},  {128, 256, 2}, {256, 256, 1},
                    {256, 512, 2}, {512, 512, 1},  {512, 512, 1},  {512, 512, 1}, {512, 512, 1},
                    {512, 512, 1}, {512, 1024, 2}, {1024, 1024, 1}};

/* Prediction layer convs: kernel, channels in and out, stride. */
static const struct {
  int kernel, in_c, out_c, stride;
} extra[EXTRA_LAYERS] = {{1, 1024, 256, 1}, {3, 256, 512, 2}, {1, 512, 128, 1}, {3, 128, 256, 2},
                         {1, 256, 128, 1},  {3, 128, 256, 2}, {1, 256, 64, 1},  {3, 64, 128, 2}};

/* Box predictors: channels of the feature map they read, anchors per cell. */
static const struct {
  int channels, anchors;
} predictors[PREDICTORS] = {{512, 3}, {1024, 6}, {512, 6}, {256, 6}, {256, 6}, {128, 6}};

struct fw_ssd_mobilenetv1 {
  float *conv0;                  /* packed 3x3 3 -> 32 with its offset */
  float *depthwise[BLOCKS];      /* packed depthwise 3x3 with batch norm folded in */
  float *pointwise[BLOCKS];      /* packed 1x1 with its offset */
  float *extra[EXTRA_LAYERS];    /* packed prediction-layer convs */
  float *box_head[PREDICTORS];   /* packed 1x1 -> 4 * anchors */
  float *class_head[PREDICTORS]; /* packed 1x1 -> 3 * anchors */
  float *anchors;                /* [5118][4] from Output/extra_dim */
  /* The integer path of the backbone's and prediction layer's 1x1 convs
   * (int_layers.h), used unless `precision_f32` is set; `int_ready` when every
   * one of those filters is uint8-quantised (else the float path runs). */
  fw_pointwise_i16 pointwise_i16[BLOCKS];
  fw_pointwise_i16 extra_i16[EXTRA_LAYERS]; /* the kernel-1 layers only */
  int int_ready, precision_f32;

  /* Working memory, laid out on the first forward (the input size is fixed). */
  int planned;
  fw_arena arena;
  float *input;       /* [512,512,3] */
  float *ping, *pong; /* the largest activation: [256,256,64] */
  float *conv11;      /* [32,32,512] */
  float *zero;        /* MAX_CHANNELS zeros for padding taps */
  fw_i16_scratch scratch; /* quantised input of the integer 1x1 convs */
  float *raw;         /* FW_SSD_RAW_FLOATS, see the header */
  fw_box *boxes;      /* decoded boxes for NMS (left = xmin, top = ymin, ...) */
  double *scores;
  fw_scored *candidates;
  int *kept;
};

static void destroy(void *opaque) {
  fw_ssd_mobilenetv1 *net = opaque;
  if (!net) return;
  FW_FREE(net->conv0);
  for (int i = 0; i < BLOCKS; i++) {
    FW_FREE(net->depthwise[i]);
    FW_FREE(net->pointwise[i]);
    fw_layer_release_pointwise_i16(&net->pointwise_i16[i]);
  }
  for (int i = 0; i < EXTRA_LAYERS; i++) {
    FW_FREE(net->extra[i]);
    fw_layer_release_pointwise_i16(&net->extra_i16[i]);
  }
  for (int i = 0; i < PREDICTORS; i++) {
    FW_FREE(net->box_head[i]);
    FW_FREE(net->class_head[i]);
  }
  FW_FREE(net->anchors);
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

static float *alloc_floats(size_t count, const char *what) {
  float *p = FW_MALLOC(count * sizeof(float));
  if (!p) fw_fail("out of memory packing '%s'", what);
  return p;
}

/* A MobileNetV1 conv named <prefix>/Conv2d_<index>_pointwise (weights and a
 * batch-norm offset used as its bias). */
static float *pack_pointwise(const fw_weight_table *w, const char *prefix, int index, int kernel, int in_c, int out_c) {
  char filter[96], offset[96];
  snprintf(filter, sizeof filter, "%s/Conv2d_%d_pointwise/weights", prefix, index);
  snprintf(offset, sizeof offset, "%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, index);
  return fw_layer_pack_conv(w, filter, offset, kernel, in_c, out_c);
}

/* MobilenetV1/Conv2d_<index>_depthwise: filter with tf.batchNorm folded in. */
static float *pack_depthwise(const fw_weight_table *w, int index, int channels) {
  char name[5][96];
  static const char *const suffix[5] = {"depthwise_weights", "BatchNorm/gamma", "BatchNorm/beta",
                                        "BatchNorm/moving_mean", "BatchNorm/moving_variance"};
  const fw_weight_tensor *t[5];
  for (int i = 0; i < 5; i++) {
    snprintf(name[i], sizeof name[i], "MobilenetV1/Conv2d_%d_depthwise/%s", index, suffix[i]);
    t[i] = i == 0 ? fw_weights_get(w, name[i], 4, (int[]){3, 3, channels, 1})
                  : fw_weights_get(w, name[i], 1, (int[]){channels});
    if (!t[i]) return NULL;
  }
  float *filter = alloc_floats(9 * (size_t)channels, name[0]);
  float *bias = alloc_floats((size_t)channels, name[0]);
  float *packed = alloc_floats(fw_dwconv3x3_packed_size(channels), name[0]);
  if (filter && bias && packed) {
    memcpy(filter, t[0]->values, 9 * (size_t)channels * sizeof(float));
    fw_fold_batchnorm(filter, 9 * (size_t)channels, channels, NULL, t[3]->values, t[4]->values, t[1]->values,
                      t[2]->values, batch_norm_epsilon, bias);
    fw_pack_dwconv3x3(filter, bias, channels, packed);
  } else {
    FW_FREE(packed);
    packed = NULL;
  }
  FW_FREE(filter);
  FW_FREE(bias);
  return packed;
}

static float *pack_head(const fw_weight_table *w, int index, const char *kind, int in_c, int out_c) {
  char filter[96], bias[96];
  snprintf(filter, sizeof filter, "Prediction/BoxPredictor_%d/%s/weights", index, kind);
  snprintf(bias, sizeof bias, "Prediction/BoxPredictor_%d/%s/biases", index, kind);
  return fw_layer_pack_conv(w, filter, bias, 1, in_c, out_c);
}

static void *bind(const fw_weight_table *w) {
  fw_ssd_mobilenetv1 *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  int ok = (net->conv0 = pack_pointwise(w, "MobilenetV1", 0, 3, 3, 32)) != NULL;
  for (int i = 0; ok && i < BLOCKS; i++)
    ok = (net->depthwise[i] = pack_depthwise(w, i + 1, blocks[i].in_c)) &&
         (net->pointwise[i] = pack_pointwise(w, "MobilenetV1", i + 1, 1, blocks[i].in_c, blocks[i].out_c));
  for (int i = 0; ok && i < EXTRA_LAYERS; i++)
    ok = (net->extra[i] = pack_pointwise(w, "Prediction", i, extra[i].kernel, extra[i].in_c, extra[i].out_c)) != NULL;
  for (int i = 0; ok && i < PREDICTORS; i++)
    ok = (net->box_head[i] =
              pack_head(w, i, "BoxEncodingPredictor", predictors[i].channels, 4 * predictors[i].anchors)) &&
         (net->class_head[i] = pack_head(w, i, "ClassPredictor", predictors[i].channels, 3 * predictors[i].anchors));
  /* The integer path: 0 bound, 1 not quantised (float path only), -1 error. */
  int int_status = 0;
  for (int i = 0; ok && int_status == 0 && i < BLOCKS + EXTRA_LAYERS; i++) {
    const int block = i < BLOCKS, index = block ? i + 1 : i - BLOCKS;
    if (!block && extra[index].kernel != 1) continue;
    char filter[96], offset[96];
    const char *prefix = block ? "MobilenetV1" : "Prediction";
    snprintf(filter, sizeof filter, "%s/Conv2d_%d_pointwise/weights", prefix, index);
    snprintf(offset, sizeof offset, "%s/Conv2d_%d_pointwise/convolution_bn_offset", prefix, index);
    fw_pointwise_i16 *layer = block ? &net->pointwise_i16[i] : &net->extra_i16[index];
    int_status = block ? fw_layer_bind_pointwise_i16(layer, w, filter, offset, blocks[i].in_c, blocks[i].out_c)
                       : fw_layer_bind_pointwise_i16(layer, w, filter, offset, extra[index].in_c, extra[index].out_c);
  }
  ok = ok && int_status >= 0;
  net->int_ready = ok && int_status == 0;
  if (ok) {
    const fw_weight_tensor *anchors = fw_weights_get(w, "Output/extra_dim", 3, (int[]){1, FW_SSD_ANCHORS, 4});
    ok = anchors && (net->anchors = alloc_floats(FW_SSD_ANCHORS * 4, "Output/extra_dim"));
    if (ok) memcpy(net->anchors, anchors->values, FW_SSD_ANCHORS * 4 * sizeof(float));
  }
  if (!ok) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_ssd_mobilenetv1_ops = {"ssd_mobilenetv1", bind, destroy};

void fw_ssd_mobilenetv1_net_set_precision(fw_ssd_mobilenetv1 *net, int float32) { net->precision_f32 = float32 != 0; }

/* The largest quantised input of the backbone's integer 1x1 convs (the
 * prediction layer's are smaller): int16 values and pixels. */
static void scratch_extent(size_t *values, size_t *pixels) {
  int side = FW_SSD_INPUT_SIZE / 2;
  *values = *pixels = 0;
  for (int i = 0; i < BLOCKS; i++) {
    side = (side + blocks[i].stride - 1) / blocks[i].stride;
    const size_t p = (size_t)side * side, v = p * (size_t)fw_i16_row_stride(blocks[i].in_c);
    if (v > *values) *values = v;
    if (p > *pixels) *pixels = p;
  }
}

static int plan(fw_ssd_mobilenetv1 *net) {
  if (net->planned) return 0;
  const size_t side = FW_SSD_INPUT_SIZE, half = side / 2;
  size_t scratch_values, scratch_pixels;
  scratch_extent(&scratch_values, &scratch_pixels);
  /* The activation buffers are multiples of 4 KiB; slack after each staggers
   * their bases so that a kernel's loads and stores do not alias modulo 4 KiB
   * (x86 load stalls: the 32x32x512 depthwise layers ran at half speed). */
  const size_t stagger = 1088;
  const size_t sizes[] = {side * side * 3 * sizeof(float) + stagger,  /* input */
                          half * half * 64 * sizeof(float) + stagger, /* ping: block 1's output is the largest */
                          half * half * 64 * sizeof(float) + 2 * stagger, /* pong */
                          32 * 32 * 512 * sizeof(float) + 3 * stagger,    /* conv11 */
                          MAX_CHANNELS * sizeof(float),              /* zero */
                          (size_t)FW_SSD_RAW_FLOATS * sizeof(float), /* raw */
                          FW_SSD_ANCHORS * sizeof(fw_box),
                          FW_SSD_ANCHORS * sizeof(double),
                          FW_SSD_ANCHORS * sizeof(fw_scored),
                          FW_SSD_ANCHORS * sizeof(int),
                          fw_i16_scratch_bytes(scratch_values, scratch_pixels)};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) total += fw_arena_footprint(sizes[i]);
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, sizes[0]);
  net->ping = fw_arena_alloc(&net->arena, sizes[1]);
  net->pong = fw_arena_alloc(&net->arena, sizes[2]);
  net->conv11 = fw_arena_alloc(&net->arena, sizes[3]);
  net->zero = fw_arena_alloc(&net->arena, sizes[4]);
  net->raw = fw_arena_alloc(&net->arena, sizes[5]);
  net->boxes = fw_arena_alloc(&net->arena, sizes[6]);
  net->scores = fw_arena_alloc(&net->arena, sizes[7]);
  net->candidates = fw_arena_alloc(&net->arena, sizes[8]);
  net->kept = fw_arena_alloc(&net->arena, sizes[9]);
  net->scratch = fw_i16_scratch_at(fw_arena_alloc(&net->arena, sizes[10]), scratch_values, scratch_pixels);
  memset(net->zero, 0, sizes[4]);
  net->planned = 1;
  return 0;
}

/* Runs box predictor `index` on a [side, side, C] feature map: its box
 * encodings and class logits land at anchor `first` of the concatenated
 * outputs (a cell's anchors are consecutive, as face-api.js's reshape
 * [1, -1, 1, 4] / [1, -1, 3] of the NHWC conv outputs leaves them). */
static int run_predictor(fw_ssd_mobilenetv1 *net, int index, const float *features, int side, int first) {
  const int c = predictors[index].channels, a = predictors[index].anchors;
  float *encodings = net->raw, *logits = net->raw + FW_SSD_ANCHORS * 4;
  fw_conv_geometry g = fw_conv_geometry_tf(side, side, c, 4 * a, 1, 1, FW_PAD_VALID);
  fw_parallel_conv(&g, features, net->box_head[index], net->zero, encodings + (size_t)first * 4, linear);
  g = fw_conv_geometry_tf(side, side, c, 3 * a, 1, 1, FW_PAD_VALID);
  fw_parallel_conv(&g, features, net->class_head[index], net->zero, logits + (size_t)first * 3, linear);
  return first + side * side * a;
}

/* outputLayer.js's decodeBoxesLayer and sigmoid, one float32 op at a time. */
static void decode(fw_ssd_mobilenetv1 *net) {
  const float *encodings = net->raw, *logits = net->raw + FW_SSD_ANCHORS * 4;
  float *boxes = net->raw + FW_SSD_ANCHORS * 7, *scores = net->raw + FW_SSD_ANCHORS * 11;
  for (int i = 0; i < FW_SSD_ANCHORS; i++) {
    const float *anchor = net->anchors + (size_t)i * 4, *e = encodings + (size_t)i * 4;
    const float size0 = anchor[2] - anchor[0], size1 = anchor[3] - anchor[1];
    const float center0 = anchor[0] + size0 / 2.0f, center1 = anchor[1] + size1 / 2.0f;
    const float half0 = ((float)exp((double)(e[2] / 5.0f)) * size0) / 2.0f;
    const float mid0 = (e[0] / 10.0f) * size0 + center0;
    const float half1 = ((float)exp((double)(e[3] / 5.0f)) * size1) / 2.0f;
    const float mid1 = (e[1] / 10.0f) * size1 + center1;
    float *box = boxes + (size_t)i * 4;
    box[0] = mid0 - half0;
    box[1] = mid1 - half1;
    box[2] = mid0 + half0;
    box[3] = mid1 + half1;
    scores[i] = (float)(1.0 / (1.0 + exp(-(double)logits[(size_t)i * 3 + 1])));
  }
}

typedef struct input_call {
  const fw_rgba_image *image;
  float *input;
} input_call;

/* Input rows [begin, end): the image resized into the padded square as
 * face-api.js does, then scaled to [-1, 1]. */
static void input_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const input_call *c = opaque;
  const int size = FW_SSD_INPUT_SIZE;
  const fw_crop whole = {0, 0, c->image->width, c->image->height};
  static const float no_mean[3] = {0.0f, 0.0f, 0.0f};
  fw_rgba_to_square_input_rows(c->image, whole, FW_PAD_BOTTOM_RIGHT, size, no_mean, 1.0f, c->input, begin, end);
  float *rows = c->input + (size_t)begin * size * 3;
  for (size_t i = 0; i < (size_t)(end - begin) * size * 3; i++) rows[i] = rows[i] * input_scale - 1.0f;
}

const float *fw_ssd_mobilenetv1_net_forward(fw_ssd_mobilenetv1 *net, const fw_rgba_image *image) {
  if (plan(net) != 0) return NULL;
  const int size = FW_SSD_INPUT_SIZE;
  FW_PROFILE_MARK("input", NULL, -1);
  FW_FORK_CONTEXT input_call call = {image, net->input};
  fw_parallel_for(size, input_rows, &call);

  fw_conv_geometry g = fw_conv_geometry_tf(size, size, 3, 32, 3, 2, FW_PAD_SAME);
  FW_PROFILE_MARK("conv_0", NULL, -1);
  fw_parallel_conv(&g, net->input, net->conv0, net->zero, net->ping, relu6);
  int side = g.out_h;
  float *current = net->ping, *spare = net->pong;
  const int use_int = net->int_ready && !net->precision_f32;

  for (int i = 0; i < BLOCKS; i++) {
    const fw_conv_geometry dw =
        fw_conv_geometry_tf(side, side, blocks[i].in_c, blocks[i].in_c, 3, blocks[i].stride, FW_PAD_SAME);
    FW_PROFILE_MARK("conv_#", "/depthwise", i + 1);
    fw_parallel_dwconv3x3(&dw, current, net->depthwise[i], net->zero, spare, relu6);
    side = dw.out_h;
    const fw_conv_geometry pw = fw_conv_geometry_tf(side, side, blocks[i].in_c, blocks[i].out_c, 1, 1, FW_PAD_VALID);
    /* The depthwise output is in `spare`; the pointwise one goes to the other
     * ping-pong buffer, except conv_11's, which box predictor 0 reads later. */
    float *out = i + 1 == CONV11_BLOCK ? net->conv11 : spare == net->ping ? net->pong : net->ping;
    FW_PROFILE_MARK("conv_#", "/pointwise", i + 1);
    if (use_int)
      fw_parallel_pointwise_i16(&net->pointwise_i16[i], spare, side * side, &net->scratch, out, relu6);
    else
      fw_parallel_conv(&pw, spare, net->pointwise[i], net->zero, out, relu6);
    current = out;
    spare = current == net->ping ? net->pong : net->ping;
  }

  FW_PROFILE_MARK("box predictors", " 0-1", -1);
  int anchor = run_predictor(net, 0, net->conv11, 32, 0);
  anchor = run_predictor(net, 1, current, side, anchor);
  for (int i = 0; i < EXTRA_LAYERS; i++) {
    const fw_conv_geometry e =
        fw_conv_geometry_tf(side, side, extra[i].in_c, extra[i].out_c, extra[i].kernel, extra[i].stride, FW_PAD_SAME);
    FW_PROFILE_MARK("extra layer #", NULL, i);
    if (use_int && extra[i].kernel == 1)
      fw_parallel_pointwise_i16(&net->extra_i16[i], current, side * side, &net->scratch, spare, relu6);
    else
      fw_parallel_conv(&e, current, net->extra[i], net->zero, spare, relu6);
    side = e.out_h;
    float *t = current;
    current = spare;
    spare = t;
    if (extra[i].stride == 2) {
      FW_PROFILE_MARK("box predictor #", NULL, 2 + i / 2);
      anchor = run_predictor(net, 2 + i / 2, current, side, anchor);
    }
  }
  if (anchor != FW_SSD_ANCHORS) {
    fw_fail("internal: the predictors produced %d anchors, expected %d", anchor, FW_SSD_ANCHORS);
    return NULL;
  }
  FW_PROFILE_MARK("decode", NULL, -1);
  decode(net);
  FW_PROFILE_MARK("end", NULL, -1);
  return net->raw;
}

int fw_ssd_mobilenetv1_net_detect(fw_ssd_mobilenetv1 *net, const fw_rgba_image *image, double min_confidence,
                                  double max_results, double *records, int capacity) {
  const float *raw = fw_ssd_mobilenetv1_net_forward(net, image);
  if (!raw) return -1;
  const float *boxes = raw + FW_SSD_ANCHORS * 7, *scores = raw + FW_SSD_ANCHORS * 11;
  for (int i = 0; i < FW_SSD_ANCHORS; i++) {
    const float *b = boxes + (size_t)i * 4;
    net->boxes[i] = (fw_box){b[1], b[0], b[3], b[2]};
    net->scores[i] = scores[i];
  }
  const int kept = fw_nms_by_score(net->boxes, net->scores, FW_SSD_ANCHORS, min_confidence, max_results, iou_threshold,
                                   net->candidates, net->kept);
  if (kept > capacity) return fw_fail("internal: %d detections exceed the result capacity %d", kept, capacity);

  /* locateFaces: clip to [0, 1] of the square, undo the padding with the
   * reshaped input dimensions (NetInput.getReshapedInputDimensions), then
   * FaceDetection rescales the relative box by the image dimensions. */
  const double scale = (double)FW_SSD_INPUT_SIZE / (image->width > image->height ? image->width : image->height);
  const double pad_x = FW_SSD_INPUT_SIZE / fw_reshaped_side(image->width * scale);
  const double pad_y = FW_SSD_INPUT_SIZE / fw_reshaped_side(image->height * scale);
  for (int i = 0; i < kept; i++) {
    const float *b = boxes + (size_t)net->kept[i] * 4;
    const double top = fmax(0.0, b[0]) * pad_y, bottom = fmin(1.0, b[2]) * pad_y;
    const double left = fmax(0.0, b[1]) * pad_x, right = fmin(1.0, b[3]) * pad_x;
    double *r = records + (size_t)i * FW_SSD_DETECTION_FIELDS;
    r[0] = net->scores[net->kept[i]];
    r[1] = left * image->width;
    r[2] = top * image->height;
    r[3] = (right - left) * image->width;
    r[4] = (bottom - top) * image->height;
    /* Only weights that overflow float inside the net give this; face-api.js
     * throws on such a box too (Box.constructor). */
    if (!isfinite(r[1]) || !isfinite(r[2]) || !isfinite(r[3]) || !isfinite(r[4]))
      return fw_fail("SSD MobileNetV1 produced a box that is not finite (score %g): the weights make the net overflow",
                     r[0]);
  }
  return kept;
}
