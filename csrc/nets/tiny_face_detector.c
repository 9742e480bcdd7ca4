/* Tiny Face Detector, as face-api.js 0.22.2 runs it (TinyYolov2Base with
 * withSeparableConvs, TinyFaceDetector's constants):
 *
 *   input  [S,S,3]   zero-pad bottom/right to a square, resize, (v - mean) / 256
 *   conv0  3x3 valid 3->16, leaky          [S-2]      then maxpool 2/2 SAME
 *   conv1..conv5: pad 1, depthwise 3x3, pointwise C->2C + bias, leaky
 *                                          16->32 ... 256->512
 *          each followed by maxpool 2/2 SAME, except conv5: maxpool 2/1 SAME
 *   conv8  1x1 512->25 + bias              [S/32, S/32, 5 anchors x (x,y,w,h,score)]
 *
 * leaky(x) is face-api.js's relu(x - 0.1x) + 0.1x, i.e. max(x, 0.1x). */
#include "tiny_face_detector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/parallel.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"
#include "detection.h"
#include "int_layers.h"
#include "layers.h"
#include "parallel_conv.h"

#define SEPARABLE_LAYERS 5
#define ANCHORS 5
#define BOX_FIELDS 5 /* x, y, w, h, score */
#define HEAD_CHANNELS (ANCHORS * BOX_FIELDS)
#define MAX_CHANNELS 512

#define FIRST_INT_LAYER 1 /* conv2: the first 1x1 on the integer path */

static const double anchor_w[ANCHORS] = {1.603231, 6.041143, 2.882459, 4.266906, 9.041765};
static const double anchor_h[ANCHORS] = {2.094468, 7.080126, 3.518061, 5.178857, 10.66308};
static const float mean_rgb[3] = {117.001f, 114.697f, 97.404f};
static const double iou_threshold = 0.4;
static const fw_activation leaky = {FW_ACT_LEAKY, 0.1f};
static const fw_activation linear = {FW_ACT_NONE, 0.0f};

struct fw_tiny_face_detector {
  float *conv0;                       /* packed conv 3x3, 3 -> 16 */
  float *depthwise[SEPARABLE_LAYERS]; /* conv1..5 depthwise 3x3, no bias */
  float *pointwise[SEPARABLE_LAYERS]; /* conv1..5 1x1 C -> 2C with the layer's bias */
  float *head;                        /* conv8 1x1 512 -> 25 */
  /* conv2..5's 1x1 on the integer path (int_layers.h), used when all are
   * uint8-quantised (`int_ready`). conv1's (16 input channels) stays float:
   * at K = 16 quantising its input costs more than the integer GEMM saves. */
  fw_pointwise_i16 pointwise_i16[SEPARABLE_LAYERS];
  int int_ready;

  /* Working memory, laid out for one input size at a time. */
  int planned_size;
  int band_slots;    /* bands planned: one per thread */
  size_t band_floats; /* floats in one band */
  fw_arena arena;
  float *input, *ping, *pong, *zero;
  float *band; /* per thread: two full-resolution conv rows, pooled as they are made */
  /* Quantised input of an integer 1x1 conv: one slot per thread for the
   * banded layers (two rows each), and the first slot big enough for conv5's
   * whole map. */
  char *scratch;
  size_t scratch_slot_bytes;
  size_t scratch_values, scratch_pixels;
  fw_box *boxes;  /* candidates above the score threshold, relative to the input */
  fw_box *scaled; /* the same in input pixels, for NMS */
  double *scores;
  int *order, *kept;
};

static void destroy(void *opaque) {
  fw_tiny_face_detector *net = opaque;
  if (!net) return;
  FW_FREE(net->conv0);
  for (int i = 0; i < SEPARABLE_LAYERS; i++) {
    FW_FREE(net->depthwise[i]);
    FW_FREE(net->pointwise[i]);
    fw_layer_release_pointwise_i16(&net->pointwise_i16[i]);
  }
  FW_FREE(net->head);
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

static void *bind(const fw_weight_table *w) {
  fw_tiny_face_detector *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  int ok = (net->conv0 = fw_layer_pack_conv(w, "conv0/filters", "conv0/bias", 3, 3, 16)) != NULL;
  int int_status = 0; /* 0 bound so far, 1 some filter is not quantised, -1 error */
  for (int i = 0, c = 16; ok && i < SEPARABLE_LAYERS; i++, c *= 2) {
    char dw[32], pw[32], bias[32];
    snprintf(dw, sizeof dw, "conv%d/depthwise_filter", i + 1);
    snprintf(pw, sizeof pw, "conv%d/pointwise_filter", i + 1);
    snprintf(bias, sizeof bias, "conv%d/bias", i + 1);
    ok = (net->depthwise[i] = fw_layer_pack_depthwise(w, dw, c)) &&
         (net->pointwise[i] = fw_layer_pack_conv(w, pw, bias, 1, c, 2 * c));
    if (ok && int_status == 0 && i >= FIRST_INT_LAYER)
      ok = (int_status = fw_layer_bind_pointwise_i16(&net->pointwise_i16[i], w, pw, bias, c, 2 * c)) >= 0;
  }
  net->int_ready = ok && int_status == 0;
  ok = ok && (net->head = fw_layer_pack_conv(w, "conv8/filters", "conv8/bias", 1, MAX_CHANNELS, HEAD_CHANNELS));
  if (!ok) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_tiny_face_detector_ops = {"tiny_face_detector", bind, destroy};

/* Side of the head's grid for an input size: conv0 valid, then 5 halvings. */
static int grid_side(int input_size) {
  int side = input_size - 2;
  for (int i = 0; i < SEPARABLE_LAYERS; i++) side = (side + 1) / 2;
  return side;
}

/* Lays the arena out for input_size: input, two ping-pong activation buffers
 * sized for the largest layer (conv1's depthwise output: conv0's output is
 * only ever held two rows at a time, in `band`), zeros for padding taps, and
 * the post-processing scratch. Runs only when the input size changes. */
static int plan(fw_tiny_face_detector *net, int input_size) {
  const int threads = fw_threads_active();
  if (net->planned_size == input_size && net->band_slots >= threads) return 0;
  net->planned_size = 0;
  const size_t side = (size_t)input_size, conv0_side = side - 2, pooled_side = (conv0_side + 1) / 2;
  const size_t input_floats = side * side * 3;
  const size_t largest = pooled_side * pooled_side * 16; /* every later layer is smaller */
  /* Two rows of the widest banded layer: conv0 (16 channels) or a pooled
   * pointwise layer (odd sides round up, so a later one can be the widest). */
  size_t band = 2 * conv0_side * 16;
  for (size_t i = 0, layer_side = pooled_side, c = 32; i + 1 < SEPARABLE_LAYERS; i++, layer_side = (layer_side + 1) / 2, c *= 2)
    if (2 * layer_side * c > band) band = 2 * layer_side * c;
  const size_t candidates = (size_t)grid_side(input_size) * grid_side(input_size) * ANCHORS;
  /* The integer 1x1 convs quantise two rows at a time (banded, one scratch
   * slot per thread), the last one its whole map (in the first slot). */
  size_t scratch_values = 0, scratch_pixels = 0;
  for (size_t i = 0, s = pooled_side, c = 16; i < SEPARABLE_LAYERS; i++, c *= 2, s = (s + 1) / 2) {
    if (i < FIRST_INT_LAYER) continue;
    const size_t p = i + 1 < SEPARABLE_LAYERS ? 2 * s : s * s;
    if (p * c > scratch_values) scratch_values = p * c;
    if (p > scratch_pixels) scratch_pixels = p;
  }
  const size_t scratch = net->int_ready ? fw_i16_scratch_bytes(scratch_values, scratch_pixels) : 0;
  const size_t sizes[] = {input_floats * sizeof(float), largest * sizeof(float), largest * sizeof(float),
                          MAX_CHANNELS * sizeof(float), band * threads * sizeof(float), candidates * sizeof(fw_box),
                          candidates * sizeof(fw_box), candidates * sizeof(double), candidates * sizeof(int),
                          candidates * sizeof(int), scratch * threads};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) total += fw_arena_footprint(sizes[i]);
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, sizes[0]);
  net->ping = fw_arena_alloc(&net->arena, sizes[1]);
  net->pong = fw_arena_alloc(&net->arena, sizes[2]);
  net->zero = fw_arena_alloc(&net->arena, sizes[3]);
  net->band = fw_arena_alloc(&net->arena, sizes[4]);
  net->boxes = fw_arena_alloc(&net->arena, sizes[5]);
  net->scaled = fw_arena_alloc(&net->arena, sizes[6]);
  net->scores = fw_arena_alloc(&net->arena, sizes[7]);
  net->order = fw_arena_alloc(&net->arena, sizes[8]);
  net->kept = fw_arena_alloc(&net->arena, sizes[9]);
  net->scratch = scratch ? fw_arena_alloc(&net->arena, sizes[10]) : NULL;
  net->scratch_slot_bytes = scratch;
  net->scratch_values = scratch_values;
  net->scratch_pixels = scratch_pixels;
  memset(net->zero, 0, sizes[3]);
  net->planned_size = input_size;
  net->band_slots = threads;
  net->band_floats = band;
  return 0;
}

/* A conv followed by 2x2/2 max pooling, two conv rows at a time: the rows go
 * to a band and only their pooled row is written out, so the full-resolution
 * output never leaves the cache. Pairs of rows are split across the threads,
 * each with its own band. */
typedef struct pooled_conv {
  const fw_conv_geometry *g;
  const float *input, *packed, *zero;
  float *bands, *output;
  size_t band_floats;
  fw_activation act;
} pooled_conv;

static void conv_then_pool_pairs(void *opaque, int begin, int end, int thread) {
  const pooled_conv *c = opaque;
  const fw_conv_geometry *g = c->g;
  const size_t pooled_row = (size_t)((g->out_w + 1) / 2) * g->out_c;
  float *band = c->bands + (size_t)thread * c->band_floats;
  for (int y0 = 2 * begin; y0 < g->out_h && y0 < 2 * end; y0 += 2) {
    const fw_conv_geometry rows = fw_conv_row_band(g, y0, y0 + 1 < g->out_h ? 2 : 1);
    fw_f32_conv(&rows, c->input, c->packed, c->zero, band, c->act);
    fw_f32_maxpool2x2(band, rows.out_h, g->out_w, g->out_c, 2, c->output + (size_t)(y0 / 2) * pooled_row);
  }
}

/* The same for a 1x1 conv on the integer path: each band of two rows is one
 * run of pixels, quantised into the thread's own scratch slot. */
typedef struct pooled_pointwise_i16 {
  const fw_tiny_face_detector *net;
  const fw_pointwise_i16 *layer;
  int side;
  const float *input;
  float *output;
  fw_activation act;
} pooled_pointwise_i16;

static void pointwise_i16_then_pool_pairs(void *opaque, int begin, int end, int thread) {
  const pooled_pointwise_i16 *c = opaque;
  const fw_tiny_face_detector *net = c->net;
  const fw_pointwise_i16 *layer = c->layer;
  const int side = c->side;
  const size_t pooled_row = (size_t)((side + 1) / 2) * layer->out_c;
  float *band = net->band + (size_t)thread * net->band_floats;
  const fw_i16_scratch scratch = fw_i16_scratch_at(net->scratch + (size_t)thread * net->scratch_slot_bytes,
                                                   net->scratch_values, net->scratch_pixels);
  for (int y0 = 2 * begin; y0 < side && y0 < 2 * end; y0 += 2) {
    const int rows = y0 + 1 < side ? 2 : 1;
    fw_layer_pointwise_i16(layer, c->input + (size_t)y0 * side * layer->in_c, rows * side, &scratch, band, c->act);
    fw_f32_maxpool2x2(band, rows, side, layer->out_c, 2, c->output + (size_t)(y0 / 2) * pooled_row);
  }
}

static void conv_then_pool(const fw_tiny_face_detector *net, const fw_conv_geometry *g, const float *input,
                           const float *packed, float *output, fw_activation act) {
  FW_FORK_CONTEXT pooled_conv call = {g, input, packed, net->zero, net->band, output, net->band_floats, act};
  fw_parallel_for((g->out_h + 1) / 2, conv_then_pool_pairs, &call);
}

static void pointwise_i16_then_pool(const fw_tiny_face_detector *net, const fw_pointwise_i16 *layer, int side,
                                    const float *input, float *output, fw_activation act) {
  FW_FORK_CONTEXT pooled_pointwise_i16 call = {net, layer, side, input, output, act};
  fw_parallel_for((side + 1) / 2, pointwise_i16_then_pool_pairs, &call);
}

const float *fw_tiny_face_detector_net_forward(fw_tiny_face_detector *net, const fw_rgba_image *image, int input_size) {
  if (plan(net, input_size) != 0) return NULL;
  const fw_crop whole = {0, 0, image->width, image->height};
  FW_PROFILE_MARK("input", NULL, -1);
  fw_parallel_square_input(image, whole, FW_PAD_BOTTOM_RIGHT, input_size, mean_rgb, 256.0f, net->input);

  fw_conv_geometry g = fw_conv_geometry_tf(input_size, input_size, 3, 16, 3, 1, FW_PAD_VALID);
  FW_PROFILE_MARK("conv0", " + maxpool", -1);
  conv_then_pool(net, &g, net->input, net->conv0, net->pong, leaky);
  int side = (g.out_h + 1) / 2, channels = 16;
  float *current = net->pong, *spare = net->ping;

  for (int i = 0; i < SEPARABLE_LAYERS; i++, channels *= 2) {
    fw_conv_geometry dw = fw_conv_geometry_tf(side, side, channels, channels, 3, 1, FW_PAD_SAME);
    FW_PROFILE_MARK("conv#", "/depthwise", i + 1);
    fw_parallel_dwconv3x3(&dw, current, net->depthwise[i], net->zero, spare, linear);
    FW_PROFILE_MARK("conv#", "/pointwise + maxpool", i + 1);
    fw_conv_geometry pw = fw_conv_geometry_tf(side, side, channels, 2 * channels, 1, 1, FW_PAD_VALID);
    if (i + 1 < SEPARABLE_LAYERS) {
      if (net->int_ready && i >= FIRST_INT_LAYER)
        pointwise_i16_then_pool(net, &net->pointwise_i16[i], side, spare, current, leaky);
      else
        conv_then_pool(net, &pw, spare, net->pointwise[i], current, leaky);
      side = (side + 1) / 2;
    } else { /* conv5's pool has stride 1: rows overlap, so pool the whole map */
      if (net->int_ready) {
        const fw_i16_scratch whole = fw_i16_scratch_at(net->scratch, net->scratch_values, net->scratch_pixels);
        fw_parallel_pointwise_i16(&net->pointwise_i16[i], spare, side * side, &whole, current, leaky);
      } else {
        fw_parallel_conv(&pw, spare, net->pointwise[i], net->zero, current, leaky);
      }
      fw_f32_maxpool2x2(current, side, side, 2 * channels, 1, spare);
      float *t = current;
      current = spare;
      spare = t;
    }
  }
  fw_conv_geometry head = fw_conv_geometry_tf(side, side, MAX_CHANNELS, HEAD_CHANNELS, 1, 1, FW_PAD_VALID);
  FW_PROFILE_MARK("conv8", NULL, -1);
  fw_parallel_conv(&head, current, net->head, net->zero, spare, linear);
  FW_PROFILE_MARK("end", NULL, -1);
  return spare;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

int fw_tiny_face_detector_net_detect(fw_tiny_face_detector *net, const fw_rgba_image *image, int input_size,
                                 double score_threshold, double *records, int capacity) {
  const float *out = fw_tiny_face_detector_net_forward(net, image, input_size);
  if (!out) return -1;
  const int cells = grid_side(input_size);

  /* face-api.js corrects for the padding with the reshaped input dimensions
   * (NetInput.getReshapedInputDimensions), rounded as it rounds them. */
  const double scale = (double)input_size / (image->width > image->height ? image->width : image->height);
  const double reshaped_w = fw_reshaped_side(image->width * scale);
  const double reshaped_h = fw_reshaped_side(image->height * scale);
  const double reshaped_max = reshaped_w > reshaped_h ? reshaped_w : reshaped_h;
  const double correct_x = reshaped_max / reshaped_w, correct_y = reshaped_max / reshaped_h;

  int n = 0;
  for (int row = 0; row < cells; row++) {
    for (int col = 0; col < cells; col++) {
      for (int a = 0; a < ANCHORS; a++) {
        const float *cell = out + ((size_t)(row * cells + col) * ANCHORS + a) * BOX_FIELDS;
        const double score = sigmoid(cell[4]);
        if (!(score > score_threshold)) continue;
        const double ct_x = ((col + sigmoid(cell[0])) / cells) * correct_x;
        const double ct_y = ((row + sigmoid(cell[1])) / cells) * correct_y;
        const double w = ((exp(cell[2]) * anchor_w[a]) / cells) * correct_x;
        const double h = ((exp(cell[3]) * anchor_h[a]) / cells) * correct_y;
        const double x = ct_x - w / 2, y = ct_y - h / 2;
        net->boxes[n] = (fw_box){x, y, x + w, y + h};
        net->scores[n] = score;
        n++;
      }
    }
  }
  /* NMS runs on the boxes scaled to the input size (Box.rescale), as face-api.js does. */
  for (int i = 0; i < n; i++) {
    const fw_box b = net->boxes[i];
    const double left = b.left * input_size, top = b.top * input_size;
    net->scaled[i] = (fw_box){left, top, left + (b.right - b.left) * input_size, top + (b.bottom - b.top) * input_size};
  }
  const int kept = fw_non_max_suppression(net->scaled, net->scores, n, iou_threshold, net->order, net->kept);
  if (kept > capacity) return fw_fail("internal: %d detections exceed the result capacity %d", kept, capacity);

  /* ObjectDetection rescales the relative box by the image dimensions. */
  for (int i = 0; i < kept; i++) {
    const fw_box b = net->boxes[net->kept[i]];
    double *r = records + (size_t)i * FW_DETECTION_FIELDS;
    r[0] = net->scores[net->kept[i]];
    r[1] = b.left * image->width;
    r[2] = b.top * image->height;
    r[3] = (b.right - b.left) * image->width;
    r[4] = (b.bottom - b.top) * image->height;
    /* Only weights that overflow float inside the net give this; face-api.js
     * throws on such a box too (Box.constructor). */
    if (!isfinite(r[1]) || !isfinite(r[2]) || !isfinite(r[3]) || !isfinite(r[4]))
      return fw_fail("Tiny Face Detector produced a box that is not finite (score %g): the weights make the net overflow",
                     r[0]);
  }
  return kept;
}
