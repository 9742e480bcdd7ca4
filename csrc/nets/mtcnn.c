/* MTCNN, as face-api.js 0.22.2 runs it (mtcnn/Mtcnn.ts, stage1-3.ts):
 *
 * Every net sees the image transposed (x and y swapped: the Caffe weights
 * were trained column-major), channels in BGR order, normalized
 * (v - 127.5) * 0.0078125. PReLU after every conv and hidden FC layer.
 *
 *   P-Net  (any size)  conv 3x3 3->10, maxpool 2/2 SAME, conv 3x3 10->16,
 *                      conv 3x3 16->32, then 1x1 32->2 (softmax) and 32->4
 *   R-Net  (24x24)     conv 3x3 3->28, maxpool 3/2 SAME, conv 3x3 28->48,
 *                      maxpool 3/2 VALID, conv 2x2 48->64, FC 576->128,
 *                      FC 128->2 (softmax) and 128->4
 *   O-Net  (48x48)     conv 3x3 3->32, maxpool 3/2 SAME, conv 3x3 32->64,
 *                      maxpool 3/2 VALID, conv 3x3 64->64, maxpool 2/2 SAME,
 *                      conv 2x2 64->128, FC 1152->256, FC 256->2 (softmax),
 *                      256->4 and 256->10 (landmarks)
 * All convs VALID. The heads that share an input are packed as one layer
 * (P-Net 32->6, R-Net 128->6, O-Net 256->16).
 *
 * Stage 1: per scale, resize the image with tfjs resizeBilinear to
 * floor(h * s) x floor(w * s), run P-Net, keep cells with score >= t1 as
 * boxes round((2 * cell + 1) / s) .. round((2 * cell + 12) / s), NMS IoU 0.5
 * per scale, NMS IoU 0.7 over all scales, regress, square, round.
 * Stage 2: cut each box (padAtBorders: one pixel up/left, clipped) and scale
 * it to 24x24 as a canvas drawImage does, R-Net, keep score > t2, NMS IoU 0.7,
 * regress, square, round. Stage 3: the same at 48x48 with O-Net, keep
 * score > t3, regress, square, round, NMS 'Min' 0.7, landmarks.
 * Box arithmetic is in double, step for step as face-api.js's Box class does
 * it, so rounding lands where it lands there. */
#include "mtcnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/checked.h"
#include "../core/parallel.h"
#include "../core/status.h"
#include "../kernels/dispatch.h"
#include "detection.h"
#include "parallel_conv.h"

#define CELL_SIZE 12
#define CELL_STRIDE 2
#define RNET_SIZE 24
#define ONET_SIZE 48
#define PNET_HEAD 6  /* 2 logits, 4 regression */
#define RNET_HEAD 6  /* 2 logits, 4 regression */
#define ONET_HEAD 16 /* 2 logits, 4 regression, 5 x then 5 y */
#define MAX_FC_INPUT 1152
#define ONET_LARGEST (46 * 46 * 32) /* O-Net's conv1 output, its largest tensor */

/* Candidate lists hold every P-Net cell of every level, up to this many: a
 * cap on working memory for large photos (about 360 bytes a candidate) that
 * real images stay far below (faces.jpg, 710x473, has 61000 cells in all and
 * 96 boxes after stage 1). Exceeding it is an error, never a silent cut. */
#define MAX_CANDIDATES (1 << 16)

static const fw_activation linear = {FW_ACT_NONE, 0.0f};

typedef struct layer {
  float *packed; /* fw_pack_conv layout */
  float *alphas; /* PReLU, one per output channel; NULL for a head */
} layer;

enum { P_CONV1, P_CONV2, P_CONV3, P_HEAD, P_LAYERS };
enum { R_CONV1, R_CONV2, R_CONV3, R_FC1, R_HEAD, R_LAYERS };
enum { O_CONV1, O_CONV2, O_CONV3, O_CONV4, O_FC1, O_HEAD, O_LAYERS };

/* A box as face-api.js's Box holds it: x, y, width, height. */
typedef struct js_box {
  double x, y, width, height;
} js_box;

typedef struct candidate {
  js_box box;
  double score;     /* the stage's float32 score */
  float region[4];  /* the stage's box regression: left, top, right, bottom */
  float points[10]; /* stage 3, in net->all: that input box's O-Net landmarks, 5 x then 5 y, relative to a box */
} candidate;

struct fw_mtcnn {
  layer pnet[P_LAYERS], rnet[R_LAYERS], onet[O_LAYERS];

  /* Working memory, laid out for one image size and scale list at a time. */
  int planned_width, planned_height, planned_count;
  int capacity; /* of every candidate list */
  double planned_scales[FW_MTCNN_MAX_SCALES];
  fw_arena arena;
  float *resized; /* one pyramid level, RGB, image layout */
  float *ping, *pong, *zero;
  /* R-Net/O-Net work, one per thread (patches run side by side when there
   * are enough of them): the patch's RGB bytes and the nets' ping-pong maps. */
  struct patch_work {
    uint8_t *patch;
    float *ping, *pong;
  } work[FW_THREADS_MAX];
  int planned_threads;
  candidate *level, *all; /* a stage's candidates (also scratch), the survivors so far */
  fw_box *nms_boxes;
  double *nms_scores;
  int *order, *kept;
  double *records;
};

/* ------------------------------------------------------------------------ */
/* Binding                                                                   */

static void destroy(void *opaque) {
  fw_mtcnn *net = opaque;
  if (!net) return;
  layer *all[] = {net->pnet, net->rnet, net->onet};
  const int counts[] = {P_LAYERS, R_LAYERS, O_LAYERS};
  for (int n = 0; n < 3; n++)
    for (int i = 0; i < counts[n]; i++) {
      FW_FREE(all[n][i].packed);
      FW_FREE(all[n][i].alphas);
    }
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

static void *alloc_floats(size_t count, const char *what) {
  float *p = FW_MALLOC(count * sizeof(float));
  if (!p) fw_fail("out of memory packing '%s'", what);
  return p;
}

/* A conv (`prefix/weights` HWIO [k][k][in][out]) or an FC layer
 * (`prefix/weights` [in][out], i.e. a 1x1 conv), its bias, and the PReLU
 * alphas named `alpha_name` (NULL: none). */
static int bind_layer(const fw_weight_table *w, const char *prefix, int kernel, int in_c, int out_c, int is_fc,
                      const char *alpha_name, layer *out) {
  char name[FW_MAX_NAME];
  snprintf(name, sizeof name, "%s/weights", prefix);
  const fw_weight_tensor *filter =
      is_fc ? fw_weights_get(w, name, 2, (int[]){in_c, out_c}) : fw_weights_get(w, name, 4, (int[]){kernel, kernel, in_c, out_c});
  if (!filter) return -1;
  snprintf(name, sizeof name, "%s/bias", prefix);
  const fw_weight_tensor *bias = fw_weights_get(w, name, 1, (int[]){out_c});
  if (!bias) return -1;
  if (!(out->packed = alloc_floats(fw_conv_packed_size(kernel, in_c, out_c), prefix))) return -1;
  fw_pack_conv(filter->values, bias->values, kernel, in_c, out_c, out->packed);
  if (!alpha_name) return 0;
  const fw_weight_tensor *alphas = fw_weights_get(w, alpha_name, 1, (int[]){out_c});
  if (!alphas || !(out->alphas = alloc_floats((size_t)out_c, alpha_name))) return -1;
  memcpy(out->alphas, alphas->values, (size_t)out_c * sizeof(float));
  return 0;
}

/* Heads sharing an input, packed as one layer: outputs of `parts` FC (or 1x1
 * conv) layers side by side, in the order given. */
static int bind_head(const fw_weight_table *w, const char *const *prefixes, const int *outs, int parts, int in_c,
                     int is_fc, layer *out) {
  int total = 0;
  const fw_weight_tensor *filters[3], *biases[3];
  for (int p = 0; p < parts; p++) {
    char name[FW_MAX_NAME];
    snprintf(name, sizeof name, "%s/weights", prefixes[p]);
    filters[p] = is_fc ? fw_weights_get(w, name, 2, (int[]){in_c, outs[p]})
                       : fw_weights_get(w, name, 4, (int[]){1, 1, in_c, outs[p]});
    if (!filters[p]) return -1;
    snprintf(name, sizeof name, "%s/bias", prefixes[p]);
    if (!(biases[p] = fw_weights_get(w, name, 1, (int[]){outs[p]}))) return -1;
    total += outs[p];
  }
  float *filter = alloc_floats((size_t)in_c * total, prefixes[0]), *bias = alloc_floats((size_t)total, prefixes[0]);
  out->packed = alloc_floats(fw_conv_packed_size(1, in_c, total), prefixes[0]);
  if (filter && bias && out->packed) {
    for (int p = 0, first = 0; p < parts; first += outs[p], p++) {
      for (int ci = 0; ci < in_c; ci++)
        for (int o = 0; o < outs[p]; o++) filter[(size_t)ci * total + first + o] = filters[p]->values[(size_t)ci * outs[p] + o];
      for (int o = 0; o < outs[p]; o++) bias[first + o] = biases[p]->values[o];
    }
    fw_pack_conv(filter, bias, 1, in_c, total, out->packed);
  }
  const int ok = filter && bias && out->packed;
  FW_FREE(filter);
  FW_FREE(bias);
  return ok ? 0 : -1;
}

static void *bind(const fw_weight_table *w) {
  fw_mtcnn *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  static const char *const pnet_heads[] = {"pnet/conv4_1", "pnet/conv4_2"};
  static const char *const rnet_heads[] = {"rnet/fc2_1", "rnet/fc2_2"};
  static const char *const onet_heads[] = {"onet/fc2_1", "onet/fc2_2", "onet/fc2_3"};
  const int ok =
      bind_layer(w, "pnet/conv1", 3, 3, 10, 0, "pnet/prelu1_alpha", &net->pnet[P_CONV1]) == 0 &&
      bind_layer(w, "pnet/conv2", 3, 10, 16, 0, "pnet/prelu2_alpha", &net->pnet[P_CONV2]) == 0 &&
      bind_layer(w, "pnet/conv3", 3, 16, 32, 0, "pnet/prelu3_alpha", &net->pnet[P_CONV3]) == 0 &&
      bind_head(w, pnet_heads, (const int[]){2, 4}, 2, 32, 0, &net->pnet[P_HEAD]) == 0 &&
      bind_layer(w, "rnet/conv1", 3, 3, 28, 0, "rnet/prelu1_alpha", &net->rnet[R_CONV1]) == 0 &&
      bind_layer(w, "rnet/conv2", 3, 28, 48, 0, "rnet/prelu2_alpha", &net->rnet[R_CONV2]) == 0 &&
      bind_layer(w, "rnet/conv3", 2, 48, 64, 0, "rnet/prelu3_alpha", &net->rnet[R_CONV3]) == 0 &&
      bind_layer(w, "rnet/fc1", 1, 576, 128, 1, "rnet/prelu4_alpha", &net->rnet[R_FC1]) == 0 &&
      bind_head(w, rnet_heads, (const int[]){2, 4}, 2, 128, 1, &net->rnet[R_HEAD]) == 0 &&
      bind_layer(w, "onet/conv1", 3, 3, 32, 0, "onet/prelu1_alpha", &net->onet[O_CONV1]) == 0 &&
      bind_layer(w, "onet/conv2", 3, 32, 64, 0, "onet/prelu2_alpha", &net->onet[O_CONV2]) == 0 &&
      bind_layer(w, "onet/conv3", 3, 64, 64, 0, "onet/prelu3_alpha", &net->onet[O_CONV3]) == 0 &&
      bind_layer(w, "onet/conv4", 2, 64, 128, 0, "onet/prelu4_alpha", &net->onet[O_CONV4]) == 0 &&
      bind_layer(w, "onet/fc1", 1, 1152, 256, 1, "onet/prelu5_alpha", &net->onet[O_FC1]) == 0 &&
      bind_head(w, onet_heads, (const int[]){2, 4, 10}, 3, 256, 1, &net->onet[O_HEAD]) == 0;
  if (!ok) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_mtcnn_ops = {"mtcnn", bind, destroy};

/* ------------------------------------------------------------------------ */
/* Layers                                                                    */

static fw_activation prelu(const layer *l) {
  return (fw_activation){.kind = FW_ACT_PRELU, .alphas = l->alphas};
}

/* VALID conv (or FC as a 1x1 conv over one pixel) with the layer's PReLU.
 * split: across the threads (parallel_conv.h), as the max pools below but the
 * 2x2 one; else on the calling thread (a patch of a fork over patches). */
static fw_conv_geometry conv(const fw_mtcnn *net, const layer *l, int kernel, int in_h, int in_w, int in_c, int out_c,
                             const float *in, float *out, int split) {
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, in_c, out_c, kernel, 1, FW_PAD_VALID);
  const fw_activation act = l->alphas ? prelu(l) : linear;
  if (split)
    fw_parallel_conv(&g, in, l->packed, net->zero, out, act);
  else
    fw_f32_conv(&g, in, l->packed, net->zero, out, act);
  return g;
}

static fw_conv_geometry maxpool(int kernel, fw_padding padding, int in_h, int in_w, int c, const float *in, float *out,
                                int split) {
  const fw_conv_geometry g = fw_conv_geometry_tf(in_h, in_w, c, c, kernel, 2, padding);
  if (kernel == 2 && padding == FW_PAD_SAME)
    fw_f32_maxpool2x2(in, in_h, in_w, c, 2, out);
  else if (split)
    fw_parallel_maxpool(&g, in, out);
  else
    fw_f32_maxpool_kxk(&g, in, out);
  return g;
}

/* tf.softmax of two logits, in float32 step for step as the tfjs CPU backend
 * computes it (exp in double, stored as float): the face probability. */
static float face_probability(float non_face, float face) {
  const float max = non_face > face ? non_face : face;
  const float e0 = (float)exp((double)(non_face - max)), e1 = (float)exp((double)(face - max));
  return e1 / (e0 + e1);
}

/* The net input for rows [row_begin, row_end) of an RGB float image
 * [rows][cols][3]: transposed to [cols][rows][3], BGR,
 * (v - 127.5) * 0.0078125 in float32. */
static void to_net_input_rows(const float *rgb, int rows, int cols, int row_begin, int row_end, float *out) {
  for (int x = 0; x < cols; x++) {
    float *dst = out + ((size_t)x * rows + row_begin) * 3;
    for (int y = row_begin; y < row_end; y++) {
      const float *px = rgb + ((size_t)y * cols + x) * 3;
      for (int c = 0; c < 3; c++) *dst++ = (px[2 - c] - 127.5f) * 0.0078125f;
    }
  }
}

typedef struct level_input_call {
  const fw_rgba_image *image;
  int rows, cols;
  float *resized, *input;
} level_input_call;

/* Rows [begin, end) of a pyramid level: resized, then transposed into the
 * net input (a row needs only its own resized pixels). */
static void level_input_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const level_input_call *c = opaque;
  fw_rgba_resize_bilinear_rows(c->image, c->cols, c->rows, c->resized, begin, end);
  to_net_input_rows(c->resized, c->rows, c->cols, begin, end, c->input);
}

/* P-Net sizes for a transposed input of in_h x in_w: conv1, pool, conv2, conv3. */
typedef struct pnet_dims {
  int c1_h, c1_w, pool_h, pool_w, c2_h, c2_w, out_h, out_w;
} pnet_dims;

static pnet_dims pnet_dims_for(int in_h, int in_w) {
  pnet_dims d;
  d.c1_h = in_h - 2, d.c1_w = in_w - 2;
  d.pool_h = (d.c1_h + 1) / 2, d.pool_w = (d.c1_w + 1) / 2;
  d.c2_h = d.pool_h - 2, d.c2_w = d.pool_w - 2;
  d.out_h = d.c2_h - 2, d.out_w = d.c2_w - 2;
  return d;
}

/* P-Net on a prepared input (in ping); the head's output lands in pong. */
static void run_pnet(fw_mtcnn *net, int in_h, int in_w) {
  const pnet_dims d = pnet_dims_for(in_h, in_w);
  conv(net, &net->pnet[P_CONV1], 3, in_h, in_w, 3, 10, net->ping, net->pong, 1);
  maxpool(2, FW_PAD_SAME, d.c1_h, d.c1_w, 10, net->pong, net->ping, 1);
  conv(net, &net->pnet[P_CONV2], 3, d.pool_h, d.pool_w, 10, 16, net->ping, net->pong, 1);
  conv(net, &net->pnet[P_CONV3], 3, d.c2_h, d.c2_w, 16, 32, net->pong, net->ping, 1);
  conv(net, &net->pnet[P_HEAD], 1, d.out_h, d.out_w, 32, PNET_HEAD, net->ping, net->pong, 1);
}

/* R-Net on a prepared 24x24 input (in w->ping): 6 outputs in w->pong. */
static void run_rnet(const fw_mtcnn *net, const struct patch_work *w, int split) {
  const layer *l = net->rnet;
  float *ping = w->ping, *pong = w->pong;
  conv(net, &l[R_CONV1], 3, 24, 24, 3, 28, ping, pong, split);       /* 22x22x28 */
  maxpool(3, FW_PAD_SAME, 22, 22, 28, pong, ping, split);             /* 11x11x28 */
  conv(net, &l[R_CONV2], 3, 11, 11, 28, 48, ping, pong, split);      /* 9x9x48 */
  maxpool(3, FW_PAD_VALID, 9, 9, 48, pong, ping, split);              /* 4x4x48 */
  conv(net, &l[R_CONV3], 2, 4, 4, 48, 64, ping, pong, split);        /* 3x3x64 */
  conv(net, &l[R_FC1], 1, 1, 1, 576, 128, pong, ping, split);        /* 128 */
  conv(net, &l[R_HEAD], 1, 1, 1, 128, RNET_HEAD, ping, pong, split);
}

/* O-Net on a prepared 48x48 input (in w->ping): 16 outputs in w->pong. */
static void run_onet(const fw_mtcnn *net, const struct patch_work *w, int split) {
  const layer *l = net->onet;
  float *ping = w->ping, *pong = w->pong;
  conv(net, &l[O_CONV1], 3, 48, 48, 3, 32, ping, pong, split);       /* 46x46x32 */
  maxpool(3, FW_PAD_SAME, 46, 46, 32, pong, ping, split);             /* 23x23x32 */
  conv(net, &l[O_CONV2], 3, 23, 23, 32, 64, ping, pong, split);      /* 21x21x64 */
  maxpool(3, FW_PAD_VALID, 21, 21, 64, pong, ping, split);            /* 10x10x64 */
  conv(net, &l[O_CONV3], 3, 10, 10, 64, 64, ping, pong, split);      /* 8x8x64 */
  maxpool(2, FW_PAD_SAME, 8, 8, 64, pong, ping, split);               /* 4x4x64 */
  conv(net, &l[O_CONV4], 2, 4, 4, 64, 128, ping, pong, split);       /* 3x3x128 */
  conv(net, &l[O_FC1], 1, 1, 1, 1152, 256, pong, ping, split);       /* 256 */
  conv(net, &l[O_HEAD], 1, 1, 1, 256, ONET_HEAD, ping, pong, split);
}

/* ------------------------------------------------------------------------ */
/* Planning                                                                  */

/* A pyramid level's size: floor(height * s) x floor(width * s), checked. */
static int level_size(const fw_rgba_image *image, double scale, int *rows, int *cols) {
  if (!(scale > 0.0) || !isfinite(scale)) return fw_fail("invalid pyramid scale %g", scale);
  const double h = floor(image->height * scale), w = floor(image->width * scale);
  if (h > FW_MTCNN_MAX_SIDE || w > FW_MTCNN_MAX_SIDE)
    return fw_fail("pyramid scale %g makes a %.0f x %.0f level, larger than %d pixels a side", scale, w, h,
                   FW_MTCNN_MAX_SIDE);
  if (h < CELL_SIZE || w < CELL_SIZE)
    return fw_fail("pyramid scale %g makes a %.0f x %.0f level, smaller than %d pixels a side", scale, w, h,
                   CELL_SIZE);
  *rows = (int)h;
  *cols = (int)w;
  return 0;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* Lays the arena out for this image size and scale list: buffers for the
 * largest pyramid level (and O-Net), candidate lists for every P-Net cell of
 * every level (the most any stage can keep), up to MAX_CANDIDATES. Runs only
 * when they change. */
static int plan(fw_mtcnn *net, const fw_rgba_image *image, const double *scales, int count) {
  const int threads = fw_threads_active();
  if (net->planned_width == image->width && net->planned_height == image->height && net->planned_count == count &&
      net->planned_threads >= threads &&
      (count == 0 || memcmp(net->planned_scales, scales, (size_t)count * sizeof(double)) == 0))
    return 0;
  net->planned_count = -1;
  size_t resized = 0, largest = ONET_LARGEST, cells = 0;
  for (int i = 0; i < count; i++) {
    int rows, cols;
    if (level_size(image, scales[i], &rows, &cols) != 0) return -1;
    const pnet_dims d = pnet_dims_for(cols, rows); /* transposed */
    const size_t pixels = (size_t)rows * cols; /* at most 2^26: no overflow below in size_t of 32 bits */
    resized = max_size(resized, pixels * 3);
    largest = max_size(largest, (size_t)d.c1_h * d.c1_w * 10); /* P-Net's largest tensor */
    largest = max_size(largest, pixels * 3);
    if (!fw_add_size(cells, (size_t)d.out_h * d.out_w, &cells)) return fw_fail("too many pyramid cells");
  }
  if (cells == 0) cells = 1;
  if (cells > MAX_CANDIDATES) cells = MAX_CANDIDATES;
  size_t sizes[11];
  int ok = fw_mul_size(resized ? resized : 1, sizeof(float), &sizes[0]) && fw_mul_size(largest, sizeof(float), &sizes[1]) &&
           fw_mul_size(largest, sizeof(float), &sizes[2]);
  sizes[3] = MAX_FC_INPUT * sizeof(float);
  ok = ok && fw_mul_size(cells, sizeof(candidate), &sizes[4]) && fw_mul_size(cells, sizeof(candidate), &sizes[5]) &&
       fw_mul_size(cells, sizeof(fw_box), &sizes[6]) && fw_mul_size(cells, sizeof(double), &sizes[7]) &&
       fw_mul_size(cells, sizeof(int), &sizes[8]) && fw_mul_size(cells, sizeof(int), &sizes[9]) &&
       fw_bytes4(cells, FW_MTCNN_RECORD_FIELDS, 1, sizeof(double), &sizes[10]);
  /* Per thread a patch and, but for thread 0 (whose are ping and pong, at
   * least as large), two maps of O-Net's largest tensor. */
  const size_t patch_bytes = ONET_SIZE * ONET_SIZE * 3, map_bytes = ONET_LARGEST * sizeof(float);
  size_t total =
      (size_t)threads * fw_arena_footprint(patch_bytes) + (size_t)(threads - 1) * 2 * fw_arena_footprint(map_bytes);
  for (size_t i = 0; ok && i < sizeof sizes / sizeof sizes[0]; i++)
    ok = fw_add_size(total, fw_arena_footprint(sizes[i]), &total);
  if (!ok) return fw_fail("out of memory: the image pyramid needs too much working memory");
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->resized = fw_arena_alloc(&net->arena, sizes[0]);
  net->ping = fw_arena_alloc(&net->arena, sizes[1]);
  net->pong = fw_arena_alloc(&net->arena, sizes[2]);
  net->zero = fw_arena_alloc(&net->arena, sizes[3]);
  net->level = fw_arena_alloc(&net->arena, sizes[4]);
  net->all = fw_arena_alloc(&net->arena, sizes[5]);
  net->nms_boxes = fw_arena_alloc(&net->arena, sizes[6]);
  net->nms_scores = fw_arena_alloc(&net->arena, sizes[7]);
  net->order = fw_arena_alloc(&net->arena, sizes[8]);
  net->kept = fw_arena_alloc(&net->arena, sizes[9]);
  net->records = fw_arena_alloc(&net->arena, sizes[10]);
  for (int t = 0; t < threads; t++) {
    net->work[t].patch = fw_arena_alloc(&net->arena, patch_bytes);
    net->work[t].ping = t ? fw_arena_alloc(&net->arena, map_bytes) : net->ping;
    net->work[t].pong = t ? fw_arena_alloc(&net->arena, map_bytes) : net->pong;
  }
  net->planned_threads = threads;
  memset(net->zero, 0, sizes[3]);
  net->planned_width = image->width;
  net->planned_height = image->height;
  if (count > 0) memcpy(net->planned_scales, scales, (size_t)count * sizeof(double));
  net->planned_count = count;
  net->capacity = (int)cells;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Box arithmetic, as face-api.js's Box does it                              */

static js_box from_edges(double left, double top, double right, double bottom) {
  return (js_box){left, top, right - left, bottom - top};
}

static double right_of(js_box b) { return b.x + b.width; }
static double bottom_of(js_box b) { return b.y + b.height; }

/* Box.toSquare() then Box.round(). */
static js_box square_round(js_box b) {
  const double diff = fabs(b.width - b.height);
  if (b.width < b.height) {
    b.x -= diff / 2;
    b.width += diff;
  }
  if (b.height < b.width) {
    b.y -= diff / 2;
    b.height += diff;
  }
  return (js_box){fw_js_round(b.x), fw_js_round(b.y), fw_js_round(b.width), fw_js_round(b.height)};
}

/* Box.calibrate(new MtcnnBox(r0, r1, r2, r3)): the region is itself a Box,
 * so its right edge is r0 + (r2 - r0), its bottom r1 + (r3 - r1). */
static js_box calibrate(js_box b, const float r[4]) {
  const js_box region = from_edges(r[0], r[1], r[2], r[3]);
  return square_round(from_edges(b.x + region.x * b.width, b.y + region.y * b.height,
                                 right_of(b) + right_of(region) * b.width, bottom_of(b) + bottom_of(region) * b.height));
}

/* face-api.js's nonMaxSuppression over n candidates: the kept indices, best
 * first, in net->kept. */
static int nms(fw_mtcnn *net, const candidate *c, int n, double threshold, fw_overlap overlap) {
  for (int i = 0; i < n; i++) {
    net->nms_boxes[i] = (fw_box){c[i].box.x, c[i].box.y, right_of(c[i].box), bottom_of(c[i].box)};
    net->nms_scores[i] = c[i].score;
  }
  return fw_non_max_suppression_overlap(net->nms_boxes, net->nms_scores, n, threshold, overlap, net->order, net->kept);
}

/* ------------------------------------------------------------------------ */
/* The cascade                                                               */

static int prepare_level(fw_mtcnn *net, const fw_rgba_image *image, double scale, int *rows, int *cols) {
  if (level_size(image, scale, rows, cols) != 0) return -1;
  FW_FORK_CONTEXT level_input_call call = {image, *rows, *cols, net->resized, net->ping};
  fw_parallel_for(*rows, level_input_rows, &call);
  return 0;
}

static int too_many_candidates(double scale) {
  return fw_fail("more than %d candidate boxes (at pyramid scale %g): raise minFaceSize or scoreThresholds[0]",
                 MAX_CANDIDATES, scale);
}

/* Stage 1 over every level: the squared, rounded boxes in net->all. */
static int stage1(fw_mtcnn *net, const fw_rgba_image *image, const double *scales, int count, double threshold) {
  int total = 0;
  for (int s = 0; s < count; s++) {
    int rows, cols;
    if (prepare_level(net, image, scales[s], &rows, &cols) != 0) return -1;
    run_pnet(net, cols, rows);
    const pnet_dims d = pnet_dims_for(cols, rows);
    const double scale = scales[s];
    int n = 0;
    /* Output row i runs along the image's x, column j along its y. */
    for (int i = 0; i < d.out_h; i++)
      for (int j = 0; j < d.out_w; j++) {
        const float *out = net->pong + ((size_t)i * d.out_w + j) * PNET_HEAD;
        const float score = face_probability(out[0], out[1]);
        if (!(score >= threshold)) continue;
        if (n == net->capacity) return too_many_candidates(scale);
        candidate *c = &net->level[n++];
        c->box = from_edges(fw_js_round((i * CELL_STRIDE + 1) / scale), fw_js_round((j * CELL_STRIDE + 1) / scale),
                            fw_js_round((i * CELL_STRIDE + CELL_SIZE) / scale),
                            fw_js_round((j * CELL_STRIDE + CELL_SIZE) / scale));
        c->score = score;
        memcpy(c->region, out + 2, sizeof c->region);
      }
    const int kept = nms(net, net->level, n, 0.5, FW_OVERLAP_IOU);
    if (kept > net->capacity - total) return too_many_candidates(scale);
    for (int k = 0; k < kept; k++) net->all[total++] = net->level[net->kept[k]];
  }
  const int kept = nms(net, net->all, total, 0.7, FW_OVERLAP_IOU);
  for (int k = 0; k < kept; k++) {
    net->level[k] = net->all[net->kept[k]];
    net->level[k].box = calibrate(net->level[k].box, net->level[k].region);
  }
  memcpy(net->all, net->level, (size_t)kept * sizeof(candidate));
  return kept;
}

/* extractImagePatches: the box widened one pixel up and left (padAtBorders,
 * from MTCNN's 1-based MATLAB origins), clipped to the image, drawn at
 * size x size, as the net's input in w->ping. */
static void prepare_patch(const struct patch_work *w, const fw_rgba_image *image, js_box b, int size) {
  double x = b.x, y = b.y, ex = right_of(b), ey = bottom_of(b);
  if (ex > image->width) ex = image->width;
  if (ey > image->height) ey = image->height;
  if (x < 1) x = 1;
  if (y < 1) y = 1;
  fw_crop region = {0, 0, 0, 0};
  if (ex - (x - 1) > 0 && ey - (y - 1) > 0) /* otherwise empty: an all-zero patch */
    region = (fw_crop){(int)(x - 1), (int)(y - 1), (int)(ex - (x - 1)), (int)(ey - (y - 1))};
  fw_rgba_crop_resize_canvas(image, region, size, size, w->patch);
  float *out = w->ping;
  for (int px = 0; px < size; px++) /* transposed, BGR, normalized */
    for (int py = 0; py < size; py++) {
      const uint8_t *rgb = w->patch + ((size_t)py * size + px) * 3;
      for (int c = 0; c < 3; c++) *out++ = ((float)rgb[2 - c] - 127.5f) * 0.0078125f;
    }
}

/* A stage's net (2: R-Net, 3: O-Net) on boxes [begin, end) of net->all, on
 * the thread's own patch work; box i's score and outputs go to net->level[i]
 * (stage 3 calibrates the box). split: each layer forked, for patches run one
 * at a time. */
typedef struct patch_call {
  fw_mtcnn *net;
  const fw_rgba_image *image;
  int stage, split;
} patch_call;

static void run_patches(void *opaque, int begin, int end, int thread) {
  const patch_call *c = opaque;
  fw_mtcnn *net = c->net;
  const struct patch_work *w = &net->work[thread];
  for (int i = begin; i < end; i++) {
    candidate *out = &net->level[i];
    const js_box box = net->all[i].box;
    if (c->stage == 2) {
      prepare_patch(w, c->image, box, RNET_SIZE);
      run_rnet(net, w, c->split);
      out->box = box;
      memcpy(out->region, w->pong + 2, sizeof out->region);
    } else {
      prepare_patch(w, c->image, box, ONET_SIZE);
      run_onet(net, w, c->split);
      out->box = calibrate(box, w->pong + 2);
      /* With the input box, not the scored one: stage3 reads them by position before the filter. */
      memcpy(net->all[i].points, w->pong + 6, sizeof net->all[i].points);
    }
    out->score = face_probability(w->pong[0], w->pong[1]);
  }
}

/* Scores the n boxes in net->all with a stage's net and keeps, in order at
 * the front of net->level, those scoring above threshold; returns how many.
 * With patches enough for every thread to take several, the patches run side
 * by side (a small net's layers split poorly); else one at a time, each layer
 * split. */
static int score_patches(fw_mtcnn *net, const fw_rgba_image *image, int n, int stage, double threshold) {
  const int threads = fw_threads_active();
  FW_FORK_CONTEXT patch_call call = {net, image, stage, 0};
  if (threads > 1 && n >= 2 * threads) {
    fw_parallel_for(n, run_patches, &call);
  } else {
    call.split = 1;
    run_patches(&call, 0, n, 0);
  }
  int passed = 0;
  for (int i = 0; i < n; i++)
    if (net->level[i].score > threshold) net->level[passed++] = net->level[i];
  return passed;
}

/* Stage 2 on the n boxes in net->all: the survivors, calibrated, in net->all. */
static int stage2(fw_mtcnn *net, const fw_rgba_image *image, int n, double threshold) {
  const int passed = score_patches(net, image, n, 2, threshold);
  const int kept = nms(net, net->level, passed, 0.7, FW_OVERLAP_IOU);
  for (int k = 0; k < kept; k++) {
    net->all[k] = net->level[net->kept[k]];
    net->all[k].box = calibrate(net->all[k].box, net->all[k].region);
  }
  return kept;
}

/* Stage 3 on the n boxes in net->all: the results in net->records.
 * face-api.js (mtcnn/stage3) reads a kept face's landmark offsets from
 * onetOuts[idx]: idx is the face's position among the boxes that passed the
 * score threshold, but onetOuts lists the O-Net outputs of all n boxes, from
 * before that filter. So once a box fails the threshold, every face after it
 * gets the offsets of another box, applied to its own box. To give face-api.js's
 * answers, the offsets stay with the n input boxes (net->all[i].points, written
 * by run_patches) and are read at the same position. */
static int stage3(fw_mtcnn *net, const fw_rgba_image *image, int n, double threshold) {
  const int passed = score_patches(net, image, n, 3, threshold);
  const int kept = nms(net, net->level, passed, 0.7, FW_OVERLAP_MIN);
  for (int k = 0; k < kept; k++) {
    const candidate *c = &net->level[net->kept[k]];
    const float *pts = net->all[net->kept[k]].points; /* onetOuts[idx], as face-api.js */
    double *r = net->records + (size_t)k * FW_MTCNN_RECORD_FIELDS;
    r[0] = c->score;
    r[1] = c->box.x;
    r[2] = c->box.y;
    r[3] = c->box.width;
    r[4] = c->box.height;
    for (int p = 0; p < 5; p++) {
      r[5 + p] = pts[p] * (c->box.width + 1) + c->box.x;
      r[10 + p] = pts[p + 5] * (c->box.height + 1) + c->box.y;
    }
    /* Only weights that overflow float inside the nets give this; face-api.js
     * throws on such a box or point too (Box, Point). */
    for (int f = 1; f < FW_MTCNN_RECORD_FIELDS; f++)
      if (!isfinite(r[f]))
        return fw_fail("MTCNN produced a box or landmark that is not finite (score %g): the weights make the net overflow",
                       r[0]);
  }
  return kept;
}

int fw_mtcnn_net_detect(fw_mtcnn *net, const fw_rgba_image *image, const double *scales, int scale_count,
                        const double thresholds[3]) {
  if (scale_count < 0 || scale_count > FW_MTCNN_MAX_SCALES)
    return fw_fail("%d pyramid scales; at most %d are supported", scale_count, FW_MTCNN_MAX_SCALES);
  if (plan(net, image, scales, scale_count) != 0) return -1;
  int n = stage1(net, image, scales, scale_count, thresholds[0]);
  if (n > 0) n = stage2(net, image, n, thresholds[1]);
  if (n > 0) n = stage3(net, image, n, thresholds[2]);
  return n;
}

const double *fw_mtcnn_net_results(const fw_mtcnn *net) { return net->records; }

const float *fw_mtcnn_net_pnet(fw_mtcnn *net, const fw_rgba_image *image, double scale, int *rows, int *cols) {
  if (plan(net, image, &scale, 1) != 0) return NULL;
  int h, w;
  if (prepare_level(net, image, scale, &h, &w) != 0) return NULL;
  run_pnet(net, w, h);
  const pnet_dims d = pnet_dims_for(w, h);
  *rows = d.out_h;
  *cols = d.out_w;
  return net->pong;
}
