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
 * The 3x3 stride-1 convs (86 % of the work) run as Winograd convolutions:
 * F(4x4, 3x3) on the 35x35 and 17x17 maps, F(2x2, 3x3) on the 8x8 map
 * (scheme_for). The 35x35 map's convs run block by block of tiles
 * (transform, a GEMM per position, inverse transform while the block is in
 * cache, blocks spread over the threads); the others, whose weights outweigh
 * their tiles, step by step: one pass over the weights, the GEMMs spread over
 * the threads by position. In the 256-channel stage (its 4x4 maps and its
 * down stage's 3x3 body), where 9 or 16 pixels meet 256 x 256 filters, the
 * weights are all that counts: those convs run on integers
 * (int16 activations times the manifest's 8-bit codes, the 1x1 integer kernel
 * over im2col rows), reading 1.2 MB of codes a conv instead of 4.2 MB of
 * Winograd weights.
 *
 * A run takes up to FW_RECOGNITION_BATCH faces of one image: the front (up
 * to the 17x17 stage) face by face, the back (from conv128_down on) on all
 * of them at once (BACK_STAGE), every conv's GEMMs taking the rows of every
 * face, so that its weights are read once a batch. Rows are computed
 * independently, so each face's descriptor is bit for bit its own run's.
 *
 * Every conv is conv + bias then face-api.js's scale layer (x * w + b); the
 * scale is folded into the packed filters and bias at load (the integer convs
 * apply it after, as face-api.js does). */
#include "face_recognition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/arena.h"
#include "../core/status.h"
#include "../core/parallel.h"
#include "../core/profile.h"
#include "../kernels/dispatch.h"
#include "int_layers.h"
#include "parallel_conv.h"

#define INPUT_SIZE 150
#define STEM_CHANNELS 32
#define STEM_SIDE 72 /* (150 - 7) / 2 + 1 */
#define POOL_SIDE 35 /* (72 - 3) / 2 + 1 */
#define MAX_CHANNELS 256
/* Maps with at least this many Winograd tiles run block by block (with at
 * most BLOCKED_MAX_CHANNELS channels): the 35x35 map's 81 F(4x4) tiles. */
#define BLOCKED_MIN_TILES 64
/* The most tiles per block: a multiple of 4 (the conv kernel's pixel tile),
 * so that each block's GEMM computes its tiles exactly as one over the whole
 * map, and small enough that a block's transformed tiles (36 positions x 8
 * tiles x 32 channels, 37 KB) stay in L1 while its GEMMs run: the 35x35 convs
 * measured 10 % slower with 16-tile blocks, 2 % slower with 4-tile ones. */
#define BLOCK_TILES 8
#define BLOCK_QUADS (BLOCK_TILES / 4)
/* The most channels a blocked conv has (the 17x17 stage). */
#define BLOCKED_MAX_CHANNELS 64
/* The back of the net, from this stage (conv128_down) on, runs on a batch of
 * faces at once: there the weights (0.3-2.4 MB a conv) outweigh a face's
 * maps (8x8 and smaller), so each conv's GEMMs take every face's tiles or
 * pixels together and read the weights once a batch. The front runs face by
 * face: its weights stay in cache from one face to the next, its maps would
 * not. The back takes the front's 17x17x64 maps. */
#define BACK_STAGE 7
#define BACK_SIDE 17
#define BACK_CHANNELS 64

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

/* A Winograd algorithm for 3x3 stride-1 SAME convs: its tile side, positions
 * (GEMMs), packing and transforms. */
typedef struct winograd_scheme {
  int tile;      /* output pixels per tile side */
  int positions; /* (tile + 2)^2 transformed values per tile, one GEMM each */
  int (*tiles)(int h, int w);
  size_t (*packed_size)(int in_c, int out_c);
  void (*pack)(const float *filter, int in_c, int out_c, float *packed);
  void (*input_tiles)(const float *input, int h, int w, int c, float *v, size_t plane, int tile_begin, int tile_end);
  void (*output_tiles)(const float *m, size_t plane, int h, int w, int out_c, const float *bias, float *output,
                       fw_activation act, int tile_begin, int tile_end);
} winograd_scheme;

static const winograd_scheme f2x2 = {2, FW_WINOGRAD_POSITIONS, fw_winograd_tiles, fw_winograd_packed_size,
                                     fw_pack_winograd, fw_f32_winograd_input_tiles, fw_f32_winograd_output_tiles};
static const winograd_scheme f4x4 = {4, FW_WINOGRAD4X4_POSITIONS, fw_winograd4x4_tiles, fw_winograd4x4_packed_size,
                                     fw_pack_winograd4x4, fw_f32_winograd4x4_input_tiles,
                                     fw_f32_winograd4x4_output_tiles};
#define MAX_POSITIONS FW_WINOGRAD4X4_POSITIONS

/* How a conv's weights are packed. */
typedef enum pack_mode {
  PACK_DIRECT,     /* fw_pack_conv: the stride-2 convs and the stem */
  PACK_WINOGRAD,   /* the layer's Winograd scheme: 3x3 stride-1 SAME */
  PACK_CENTRE_TAP  /* 3x3 stride-1 SAME on a 1x1 map: only the centre tap meets
                      the image, so it is the 1x1 conv of that tap (the other
                      taps would only add products with the zero padding) */
} pack_mode;

/* One conv with its scale folded in: a direct pack (kernel x kernel) or a
 * Winograd pack plus its bias. */
typedef struct conv_layer {
  float *direct;   /* fw_pack_conv layout, bias included */
  const winograd_scheme *scheme; /* of the Winograd pack */
  float *winograd; /* scheme->pack layout */
  float *bias;     /* [out_c], with the Winograd pack */
  int kernel;      /* of the direct pack */
  fw_pointwise_i16 im2col; /* or codes NULL: the 3x3 filter as a 1x1 of 9 x in_c inputs, on integers */
  float *scale, *shift;    /* [out_c]: face-api.js's scale layer, after the integer conv's bias */
  int in_c, out_c;
  int side;        /* of its output map (square) */
} conv_layer;

struct fw_face_recognition_net {
  float *stem;            /* packed 7x7 3 -> 32 */
  conv_layer conv1[STAGES];
  conv_layer conv2[STAGES];
  float *fc;              /* packed 1x1 256 -> 128, no bias */

  fw_arena arena;
  int planned_threads;    /* threads the block buffers are planned for */
  float *input;           /* [150,150,3] */
  float *stem_out;        /* [72,72,32] */
  float *x, *t, *u;       /* [35,35,32] each (the largest residual map) */
  float *batch_x, *batch_t, *batch_u; /* the back's: a batch's maps, [FW_RECOGNITION_BATCH][17,17,64] at most each */
  float *tiles_out;       /* Winograd products [positions][tiles][channels] of the convs run step by step */
  float *scratch;         /* per thread, thread_floats each: a block's [positions][BLOCK_TILES][channels] in,
                             then out; or a step-by-step conv's transformed input [positions][tiles][in_c] */
  size_t thread_floats;
  float *columns;         /* im2col rows: [pixels][9 x in_c] */
  void *int_scratch;      /* their quantised rows */
  float *features;        /* [FW_RECOGNITION_BATCH][256] */
  float *zero;            /* padding taps */
};

static const size_t block_floats = (size_t)MAX_POSITIONS * BLOCK_TILES * BLOCKED_MAX_CHANNELS;

static void release_layer(conv_layer *layer) {
  FW_FREE(layer->direct);
  FW_FREE(layer->winograd);
  FW_FREE(layer->bias);
  fw_layer_release_pointwise_i16(&layer->im2col);
  FW_FREE(layer->scale);
  FW_FREE(layer->shift);
}

static void destroy(void *opaque) {
  fw_face_recognition_net *net = opaque;
  if (!net) return;
  FW_FREE(net->stem);
  for (int i = 0; i < STAGES; i++) {
    release_layer(&net->conv1[i]);
    release_layer(&net->conv2[i]);
  }
  FW_FREE(net->fc);
  fw_arena_release(&net->arena);
  FW_FREE(net);
}

/* A conv's tensors: "<prefix>/conv/filters" [kernel][kernel][in_c][out_c],
 * "/conv/bias", and face-api.js's scale layer after it, "/scale/weights" and
 * "/scale/biases" [out_c]. */
typedef struct scaled_conv {
  const fw_weight_tensor *filter, *bias, *scale, *shift;
} scaled_conv;

/* 0, or -1 with an error naming the missing or misshapen tensor. */
static int get_scaled_conv(const fw_weight_table *w, const char *prefix, int kernel, int in_c, int out_c,
                           scaled_conv *t) {
  char name[96];
  snprintf(name, sizeof name, "%s/conv/filters", prefix);
  t->filter = fw_weights_get(w, name, 4, (int[]){kernel, kernel, in_c, out_c});
  snprintf(name, sizeof name, "%s/conv/bias", prefix);
  t->bias = t->filter ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  snprintf(name, sizeof name, "%s/scale/weights", prefix);
  t->scale = t->bias ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  snprintf(name, sizeof name, "%s/scale/biases", prefix);
  t->shift = t->scale ? fw_weights_get(w, name, 1, (int[]){out_c}) : NULL;
  return t->shift ? 0 : -1;
}

/* "<prefix>/conv/filters", "/conv/bias", "/scale/weights", "/scale/biases",
 * folded (filter * w, bias * w + b) and packed into `layer` as `mode` says
 * (PACK_WINOGRAD: as layer->scheme). Returns 0, or -1 with an error. */
static int pack_scaled_conv(const fw_weight_table *w, const char *prefix, int kernel, int in_c, int out_c,
                            pack_mode mode, conv_layer *layer) {
  scaled_conv t;
  if (get_scaled_conv(w, prefix, kernel, in_c, out_c, &t) != 0) return -1;
  const fw_weight_tensor *filter = t.filter, *bias = t.bias, *scale = t.scale, *shift = t.shift;
  const size_t taps = (size_t)kernel * kernel * in_c;
  float *folded = FW_MALLOC(taps * out_c * sizeof(float));
  float *folded_bias = FW_MALLOC(out_c * sizeof(float));
  const int winograd = mode == PACK_WINOGRAD;
  const int packed_kernel = mode == PACK_CENTRE_TAP ? 1 : kernel;
  float *packed = FW_MALLOC((winograd ? layer->scheme->packed_size(in_c, out_c)
                                      : fw_conv_packed_size(packed_kernel, in_c, out_c)) * sizeof(float));
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
  layer->kernel = packed_kernel;
  if (winograd) {
    layer->scheme->pack(folded, in_c, out_c, packed);
    layer->winograd = packed;
    layer->bias = folded_bias;
  } else {
    /* The centre tap's filters are [in_c][out_c] at tap (1, 1) of the 3x3. */
    const float *filters = mode == PACK_CENTRE_TAP ? folded + (size_t)(kernel * kernel / 2) * in_c * out_c : folded;
    fw_pack_conv(filters, folded_bias, packed_kernel, in_c, out_c, packed);
    layer->direct = packed;
    FW_FREE(folded_bias);
  }
  FW_FREE(folded);
  return 0;
}

/* The largest side of the maps whose 3x3 stride-1 convs run on integers
 * (the 256-channel stage: its 4x4 maps and the 3x3 body of its down stage):
 * there they took 0.64 ms a conv on Winograd weights read from memory; the
 * 8x8 map's ran no faster on integers (2.25x the multiplies of F(2x2, 3x3)),
 * nor did the stride-2 convs into the 3x3 and 1x1 maps (which take im2col
 * rows on floats instead, for batches: conv3x3_down), and the 7x7 stem
 * (K = 147, 32 outputs) took 1.6x as long. */
#define IM2COL_SIDE 4
#define IM2COL_MAX_PIXELS (IM2COL_SIDE * IM2COL_SIDE)
#define IM2COL_MAX_ROW (9 * MAX_CHANNELS)
/* The most im2col rows a GEMM takes: a batch's pixels. */
#define IM2COL_MAX_ROWS (FW_RECOGNITION_BATCH * IM2COL_MAX_PIXELS)

/* The quantised values of the most im2col rows a GEMM takes. */
static size_t int_scratch_values(void) { return (size_t)IM2COL_MAX_ROWS * fw_i16_row_stride(IM2COL_MAX_ROW); }

/* Binds `prefix`'s 3x3 conv as an integer 1x1 conv over its im2col rows
 * (the HWIO filter is [9 x in_c][out_c] as it is), with the scale layer
 * kept apart. Returns 0; 1 when the filter is not uint8-quantised; -1 with
 * an error. */
static int bind_im2col(const fw_weight_table *w, const char *prefix, int in_c, int out_c, conv_layer *layer) {
  scaled_conv t;
  if (get_scaled_conv(w, prefix, 3, in_c, out_c, &t) != 0) return -1;
  const int status = fw_layer_pack_pointwise_i16(&layer->im2col, t.filter, t.bias->values, 9 * in_c, out_c);
  if (status != 0) return status;
  layer->scale = FW_MALLOC(out_c * sizeof(float));
  layer->shift = FW_MALLOC(out_c * sizeof(float));
  if (!layer->scale || !layer->shift) return fw_fail("out of memory packing '%s'", prefix);
  memcpy(layer->scale, t.scale->values, out_c * sizeof(float));
  memcpy(layer->shift, t.shift->values, out_c * sizeof(float));
  layer->in_c = in_c;
  layer->out_c = out_c;
  return 0;
}

/* `prefix`'s 3x3 conv packed as `mode` says (pack_scaled_conv), except a
 * stride-1 conv on a map of at most IM2COL_SIDE with a uint8-quantised filter, which
 * runs on integers. Returns 0, or -1 with an error. */
static int bind_conv(const fw_weight_table *w, const char *prefix, int in_c, int out_c, pack_mode mode,
                     conv_layer *layer) {
  if (mode == PACK_WINOGRAD && layer->side <= IM2COL_SIDE) {
    const int status = bind_im2col(w, prefix, in_c, out_c, layer);
    if (status <= 0) return status;
  }
  return pack_scaled_conv(w, prefix, 3, in_c, out_c, mode, layer);
}

/* Whether a Winograd conv runs block by block (else step by step). */
static int blocked(const conv_layer *layer) {
  return layer->scheme->tiles(layer->side, layer->side) >= BLOCKED_MIN_TILES && layer->in_c <= BLOCKED_MAX_CHANNELS &&
         layer->out_c <= BLOCKED_MAX_CHANNELS;
}

/* The most positions x tiles x channels (in_c if `input`, else out_c) of a
 * conv that may run step by step, counting the tiles of all the faces it
 * takes at once. */
static size_t step_tiles_floats(const fw_face_recognition_net *net, int input) {
  size_t most = 0;
  for (int i = 0; i < 2 * STAGES; i++) {
    const conv_layer *layer = i < STAGES ? &net->conv1[i] : &net->conv2[i - STAGES];
    if (!layer->winograd || blocked(layer)) continue;
    const int faces = i % STAGES >= BACK_STAGE ? FW_RECOGNITION_BATCH : 1;
    const size_t floats = (size_t)faces * layer->scheme->positions * layer->scheme->tiles(layer->side, layer->side) *
                          (input ? layer->in_c : layer->out_c);
    if (floats > most) most = floats;
  }
  return most;
}

/* Whether some conv runs on integers (uint8-quantised weights; float32
 * weights leave every conv on floats, and the integer scratch unplanned). */
static int any_integer_conv(const fw_face_recognition_net *net) {
  for (int i = 0; i < STAGES; i++)
    if (net->conv1[i].im2col.codes || net->conv2[i].im2col.codes) return 1;
  return 0;
}

/* The activation arena, with block buffers for `threads` threads; runs at
 * bind and again only when a forward finds more threads than planned. */
static int plan(fw_face_recognition_net *net, int threads) {
  const size_t map = (size_t)POOL_SIDE * POOL_SIDE * STEM_CHANNELS;
  const size_t batch_map = (size_t)FW_RECOGNITION_BATCH * BACK_SIDE * BACK_SIDE * BACK_CHANNELS;
  /* A thread's scratch: a step-by-step conv's transformed input, two
   * blocks' buffers, or an im2col GEMM's products. */
  size_t thread_floats = step_tiles_floats(net, 1);
  if (thread_floats < 2 * block_floats) thread_floats = 2 * block_floats;
  if (thread_floats < (size_t)IM2COL_MAX_ROWS * MAX_CHANNELS) thread_floats = (size_t)IM2COL_MAX_ROWS * MAX_CHANNELS;
  thread_floats = (thread_floats + 15) & ~(size_t)15; /* whole cache lines, so that threads never share one */
  const size_t sizes[] = {(size_t)INPUT_SIZE * INPUT_SIZE * 3 * sizeof(float),
                          (size_t)STEM_SIDE * STEM_SIDE * STEM_CHANNELS * sizeof(float),
                          map * sizeof(float), map * sizeof(float), map * sizeof(float),
                          (size_t)FW_RECOGNITION_BATCH * MAX_CHANNELS * sizeof(float), MAX_CHANNELS * sizeof(float),
                          step_tiles_floats(net, 0) * sizeof(float), thread_floats * threads * sizeof(float),
                          (size_t)IM2COL_MAX_ROWS * IM2COL_MAX_ROW * sizeof(float),
                          any_integer_conv(net) ? fw_i16_scratch_bytes(int_scratch_values(), IM2COL_MAX_ROWS) : 0,
                          batch_map * sizeof(float), batch_map * sizeof(float), batch_map * sizeof(float)};
  size_t total = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) total += fw_arena_footprint(sizes[i]);
  net->planned_threads = 0;
  if (fw_arena_reserve(&net->arena, total) != 0) return -1;
  net->input = fw_arena_alloc(&net->arena, sizes[0]);
  net->stem_out = fw_arena_alloc(&net->arena, sizes[1]);
  net->x = fw_arena_alloc(&net->arena, sizes[2]);
  net->t = fw_arena_alloc(&net->arena, sizes[3]);
  net->u = fw_arena_alloc(&net->arena, sizes[4]);
  net->features = fw_arena_alloc(&net->arena, sizes[5]);
  net->zero = fw_arena_alloc(&net->arena, sizes[6]);
  net->tiles_out = fw_arena_alloc(&net->arena, sizes[7]);
  net->scratch = fw_arena_alloc(&net->arena, sizes[8]);
  net->columns = fw_arena_alloc(&net->arena, sizes[9]);
  net->int_scratch = fw_arena_alloc(&net->arena, sizes[10]);
  net->batch_x = fw_arena_alloc(&net->arena, sizes[11]);
  net->batch_t = fw_arena_alloc(&net->arena, sizes[12]);
  net->batch_u = fw_arena_alloc(&net->arena, sizes[13]);
  net->thread_floats = thread_floats;
  memset(net->zero, 0, sizes[6]);
  net->planned_threads = threads;
  return 0;
}

/* The Winograd scheme of the 3x3 stride-1 convs on a side x side map:
 * F(4x4, 3x3) on the 35x35 and 17x17 maps (1.4-1.8x fewer multiplies than
 * F(2x2, 3x3) there, counting the tiles' overhang); on the 8x8 and 4x4 maps
 * the weights (128 and 256 channels) outweigh the few tiles, and F(4x4)'s
 * 2.25x larger packs cost more than its multiplies save. */
static const winograd_scheme *scheme_for(int side) { return side >= 17 ? &f4x4 : &f2x2; }

static void *bind(const fw_weight_table *w) {
  fw_face_recognition_net *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  conv_layer stem = {0};
  int ok = pack_scaled_conv(w, "conv32_down", 7, 3, STEM_CHANNELS, PACK_DIRECT, &stem) == 0;
  net->stem = stem.direct;
  /* Stride-1 convs go through Winograd unless their map is a single pixel
   * (conv256_down_out's second conv, 1x1). */
  int channels = STEM_CHANNELS, side = POOL_SIDE;
  for (int i = 0; ok && i < STAGES; i++) {
    const int out_c = stages[i].channels;
    const int body_side = stages[i].down ? (side - 3) / 2 + 1 : side;
    net->conv1[i].side = net->conv2[i].side = body_side;
    net->conv1[i].scheme = net->conv2[i].scheme = scheme_for(body_side);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s/conv1", stages[i].name);
    ok = bind_conv(w, prefix, channels, out_c, stages[i].down ? PACK_DIRECT : PACK_WINOGRAD, &net->conv1[i]) == 0;
    snprintf(prefix, sizeof prefix, "%s/conv2", stages[i].name);
    ok = ok && bind_conv(w, prefix, out_c, out_c, body_side > 1 ? PACK_WINOGRAD : PACK_CENTRE_TAP,
                         &net->conv2[i]) == 0;
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
  if (!ok || plan(net, 1) != 0) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_face_recognition_ops = {"face_recognition", bind, destroy};

/* The maps of a batch: `faces` maps of one shape, one after another. */
static size_t map_floats(int side, int channels) { return (size_t)side * side * channels; }

/* One Winograd conv over a batch of maps: a GEMM is a 1x1 conv over a
 * 1 x (faces x tiles) "image". */
typedef struct winograd_conv {
  fw_face_recognition_net *net;
  const conv_layer *layer;
  const float *in;
  int side, faces;
  float *out;
  fw_activation act;
  float *residual; /* or NULL: residual = relu(out + residual) */
  char transformed[FW_THREADS_MAX]; /* step by step: thread i's scratch holds the transformed input */
} winograd_conv;

/* residual = relu(out + residual) over the output pixels of tiles [first, end)
 * of one side x side map. */
static void add_residual_tiles(const conv_layer *layer, int side, const float *out, float *residual, int first,
                               int end) {
  const int n = layer->scheme->tile, tiles_x = (side + n - 1) / n, c = layer->out_c;
  for (int tile = first; tile < end;) {
    /* The tiles of this tile row in the range: output columns n * tx0 .. n * tx1 - 1. */
    const int ty = tile / tiles_x, tx0 = tile % tiles_x;
    const int tx1 = end - ty * tiles_x < tiles_x ? end - ty * tiles_x : tiles_x;
    const int x0 = n * tx0, x1 = n * tx1 < side ? n * tx1 : side;
    for (int y = n * ty; y < n * ty + n && y < side; y++) {
      const size_t at = ((size_t)y * side + x0) * c;
      fw_f32_add(out + at, residual + at, (size_t)(x1 - x0) * c, NULL, residual + at);
    }
    tile = ty * tiles_x + tx1;
  }
}

static void winograd_gemm(const conv_layer *layer, int position, const float *v, float *m, int tiles,
                          const float *zero) {
  const fw_conv_geometry g = fw_conv_geometry_tf(1, tiles, layer->in_c, layer->out_c, 1, 1, FW_PAD_VALID);
  fw_f32_conv(&g, v, layer->winograd + position * fw_conv_packed_size(1, layer->in_c, layer->out_c), zero, m,
              linear);
}

/* Blocked (one map): blocks [begin, end) of BLOCK_TILES tiles (the last one
 * may be shorter), each in turn through the thread's block buffers. */
static void winograd_blocks(void *opaque, int begin, int end, int thread) {
  const winograd_conv *w = opaque;
  const conv_layer *layer = w->layer;
  const winograd_scheme *scheme = layer->scheme;
  const int tiles = scheme->tiles(w->side, w->side), all_quads = (tiles + 3) / 4;
  float *v = w->net->scratch + (size_t)thread * w->net->thread_floats, *m = v + block_floats;
  /* The range's quads, in as many equal blocks as it has blocks (no small tail
   * block on one thread: each block passes over all the weights). */
  begin *= BLOCK_QUADS;
  end = end * BLOCK_QUADS < all_quads ? end * BLOCK_QUADS : all_quads;
  const int quads = end - begin, blocks = (quads + BLOCK_QUADS - 1) / BLOCK_QUADS;
  for (int k = 0; k < blocks; k++) {
    const int first = 4 * (begin + quads * k / blocks), stop = 4 * (begin + quads * (k + 1) / blocks);
    const int n = (stop < tiles ? stop : tiles) - first;
    const size_t plane_in = (size_t)n * layer->in_c, plane_out = (size_t)n * layer->out_c;
    scheme->input_tiles(w->in, w->side, w->side, layer->in_c, v, plane_in, first, first + n);
    for (int xi = 0; xi < scheme->positions; xi++)
      winograd_gemm(layer, xi, v + xi * plane_in, m + xi * plane_out, n, w->net->zero);
    scheme->output_tiles(m, plane_out, w->side, w->side, layer->out_c, layer->bias, w->out, w->act, first,
                         first + n);
    if (w->residual) add_residual_tiles(layer, w->side, w->out, w->residual, first, first + n);
  }
}

/* Step by step in two forks: the GEMMs split by position, each thread first
 * transforming the whole batch's input into its own scratch (a few percent
 * of the conv, and no thread waits for another's part or reads it from the
 * other core), then the output transform split by tiles. The tiles of all
 * the batch's maps go through each position's GEMM together, so the weights
 * are read once a batch. */
static void winograd_gemm_step(void *opaque, int begin, int end, int thread) {
  winograd_conv *w = opaque;
  const winograd_scheme *scheme = w->layer->scheme;
  const int tiles = scheme->tiles(w->side, w->side), c = w->layer->in_c, rows = w->faces * tiles;
  float *v = w->net->scratch + (size_t)thread * w->net->thread_floats;
  if (!w->transformed[thread]) { /* once per thread, however many ranges it runs */
    for (int f = 0; f < w->faces; f++)
      scheme->input_tiles(w->in + f * map_floats(w->side, c), w->side, w->side, c, v + (size_t)f * tiles * c,
                          (size_t)rows * c, 0, tiles);
    w->transformed[thread] = 1;
  }
  for (int xi = begin; xi < end; xi++)
    winograd_gemm(w->layer, xi, v + (size_t)xi * rows * c, w->net->tiles_out + (size_t)xi * rows * w->layer->out_c,
                  rows, w->net->zero);
}

/* Tiles [begin, end) of the batch's faces x tiles. */
static void winograd_output_step(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const winograd_conv *w = opaque;
  const winograd_scheme *scheme = w->layer->scheme;
  const int tiles = scheme->tiles(w->side, w->side), c = w->layer->out_c;
  const size_t plane = (size_t)w->faces * tiles * c;
  for (int f = begin / tiles; f < w->faces && f * tiles < end; f++) {
    const int first = (begin > f * tiles ? begin : f * tiles) - f * tiles;
    const int stop = (end < (f + 1) * tiles ? end : (f + 1) * tiles) - f * tiles;
    float *out = w->out + f * map_floats(w->side, c);
    scheme->output_tiles(w->net->tiles_out + ((size_t)f * tiles + first) * c, plane, w->side, w->side, c,
                         w->layer->bias, out, w->act, first, stop);
    if (w->residual) add_residual_tiles(w->layer, w->side, out, w->residual + f * map_floats(w->side, c), first, stop);
  }
}

/* A 3x3 conv over a batch of maps as a GEMM over its im2col rows (one per
 * output pixel, the batch's maps one after another), in two forks: the rows
 * (quantised on the integer path) split by pixels, then the GEMM split by
 * output panels (each thread reading only its panels' weights: here the
 * weights are what costs), each panel range finished while in cache:
 * face-api.js's scale layer on the integer path, then the activation or the
 * residual join (residual = relu(out + residual)). The float path (the
 * direct pack: a KxK filter is the 1x1 filter of its im2col rows) serves
 * the stride-2 convs into the smallest maps. */
typedef struct im2col_conv {
  fw_face_recognition_net *net;
  const conv_layer *layer;
  const fw_conv_geometry *g; /* of one map */
  int faces;
  const float *in;
  float *out;
  fw_activation act;
  float *residual;
  fw_i16_scratch rows; /* quantised im2col rows */
} im2col_conv;

/* Output pixel (oy, ox)'s input taps [ky][kx][in_c] for a 3x3 conv of
 * geometry g, zeros where they fall in the padding: its im2col row. */
static void im2col_pixel(const fw_conv_geometry *g, const float *in, int oy, int ox, float *row) {
  const int c = g->in_c, ix0 = ox * g->stride - g->pad_left;
  const int first = ix0 < 0 ? -ix0 : 0, end = ix0 + 3 > g->in_w ? g->in_w - ix0 : 3; /* taps inside, in x */
  for (int ky = 0; ky < 3; ky++, row += (size_t)3 * c) {
    const int iy = oy * g->stride - g->pad_top + ky;
    if (iy < 0 || iy >= g->in_h || first >= end) {
      memset(row, 0, (size_t)3 * c * sizeof(float));
      continue;
    }
    memset(row, 0, (size_t)first * c * sizeof(float));
    memcpy(row + (size_t)first * c, in + ((size_t)iy * g->in_w + ix0 + first) * c,
           (size_t)(end - first) * c * sizeof(float));
    memset(row + (size_t)end * c, 0, (size_t)(3 - end) * c * sizeof(float));
  }
}

/* Rows [begin, end) of the batch's faces x output pixels. */
static void im2col_rows(void *opaque, int begin, int end, int thread) {
  (void)thread;
  const im2col_conv *c = opaque;
  const fw_conv_geometry *g = c->g;
  const int row = 9 * g->in_c, pixels = g->out_h * g->out_w;
  for (int r = begin; r < end; r++) {
    const int face = r / pixels, pixel = r % pixels;
    im2col_pixel(g, c->in + (size_t)face * g->in_h * g->in_w * g->in_c, pixel / g->out_w, pixel % g->out_w,
                 c->net->columns + (size_t)r * row);
  }
  if (!c->layer->im2col.codes) return;
  const size_t stride = (size_t)fw_i16_row_stride(row);
  fw_i16_quantize_rows(c->net->columns + (size_t)begin * row, end - begin, row, c->rows.q + begin * stride,
                       c->rows.scale + begin, c->rows.sum + begin);
}

static void im2col_panels(void *opaque, int begin, int end, int thread) {
  const im2col_conv *c = opaque;
  const conv_layer *layer = c->layer;
  const int rows = c->faces * c->g->out_h * c->g->out_w, out_c = layer->out_c, first = begin * FW_I16_PANEL;
  const int part_c = (end * FW_I16_PANEL < out_c ? end * FW_I16_PANEL : out_c) - first;
  float *products = c->net->scratch + (size_t)thread * c->net->thread_floats; /* [rows][part_c] */
  const int integer = layer->im2col.codes != NULL;
  if (integer) {
    fw_pointwise_i16 part = layer->im2col;
    part.out_c = part_c;
    part.codes += (size_t)first * fw_i16_row_stride(part.in_c);
    part.bias += first;
    fw_i16_pointwise(&part, c->rows.q, c->rows.scale, c->rows.sum, rows, products, linear);
  } else {
    const int row = 9 * c->g->in_c;
    const fw_conv_geometry g = fw_conv_geometry_tf(1, rows, row, part_c, 1, 1, FW_PAD_VALID);
    fw_f32_conv(&g, c->net->columns, layer->direct + (size_t)begin * fw_conv_packed_size(1, row, FW_CONV_PANEL),
                c->net->zero, products, linear);
  }
  for (int p = 0; p < rows; p++)
    for (int j = 0; j < part_c; j++) {
      const int o = first + j;
      const size_t at = (size_t)p * out_c + o;
      float v = products[(size_t)p * part_c + j];
      if (integer) v = v * layer->scale[o] + layer->shift[o];
      c->out[at] = fw_activate(v, c->act);
      if (c->residual) c->residual[at] = fw_activate(v + c->residual[at], relu);
    }
}

_Static_assert(FW_I16_PANEL == FW_CONV_PANEL, "im2col_panels splits both packs by the same panels");

static void conv3x3_im2col(fw_face_recognition_net *net, const conv_layer *layer, const fw_conv_geometry *g,
                           int faces, const float *in, float *out, fw_activation act, float *residual) {
  /* (the integer scratch exists only where some conv runs on integers) */
  const fw_i16_scratch rows = layer->im2col.codes
                                  ? fw_i16_scratch_at(net->int_scratch, int_scratch_values(), IM2COL_MAX_ROWS)
                                  : (fw_i16_scratch){0};
  FW_FORK_CONTEXT im2col_conv c = {net, layer, g, faces, in, out, act, residual, rows};
  fw_parallel_for(faces * g->out_h * g->out_w, im2col_rows, &c);
  fw_parallel_for((layer->out_c + FW_I16_PANEL - 1) / FW_I16_PANEL, im2col_panels, &c);
}

/* 3x3 stride-1 SAME conv of a batch of side x side maps: on integers,
 * Winograd or the direct kernel.
 * With a residual, then residual = relu(out + residual): tile by tile with the
 * Winograd output transform (while its outputs are in cache), else after. */
static void conv3x3_same(fw_face_recognition_net *net, const conv_layer *layer, int faces, const float *in,
                         float *out, fw_activation act, float *residual) {
  const int side = layer->side;
  const size_t in_map = map_floats(side, layer->in_c), out_map = map_floats(side, layer->out_c);
  if (layer->im2col.codes) {
    const fw_conv_geometry g = fw_conv_geometry_tf(side, side, layer->in_c, layer->out_c, 3, 1, FW_PAD_SAME);
    conv3x3_im2col(net, layer, &g, faces, in, out, act, residual);
    return;
  }
  if (layer->winograd && !blocked(layer)) {
    FW_FORK_CONTEXT winograd_conv w = {net, layer, in, side, faces, out, act, residual};
    fw_parallel_for(layer->scheme->positions, winograd_gemm_step, &w);
    fw_parallel_for(faces * layer->scheme->tiles(side, side), winograd_output_step, &w);
    return;
  }
  for (int f = 0; f < faces; f++) {
    const float *face_in = in + f * in_map;
    float *face_out = out + f * out_map, *face_residual = residual ? residual + f * out_map : NULL;
    if (layer->winograd) {
      FW_FORK_CONTEXT winograd_conv w = {net, layer, face_in, side, 1, face_out, act, face_residual};
      const int quads = (layer->scheme->tiles(side, side) + 3) / 4;
      fw_parallel_for((quads + BLOCK_QUADS - 1) / BLOCK_QUADS, winograd_blocks, &w);
      continue;
    }
    const fw_conv_geometry g = fw_conv_geometry_tf(side, side, layer->in_c, layer->out_c, layer->kernel, 1,
                                                   FW_PAD_SAME);
    fw_parallel_conv(&g, face_in, layer->direct, net->zero, face_out, act);
    if (face_residual) fw_parallel_add(face_out, face_residual, out_map, NULL, face_residual);
  }
}

/* A down stage's first conv (3x3 stride 2 VALID, relu) over a batch: into
 * the smallest maps, whose few pixels meet the most weights, as one GEMM
 * over the batch's im2col rows; else map by map. */
static void conv3x3_down(fw_face_recognition_net *net, const conv_layer *layer, int faces, int side, const float *in,
                         float *out) {
  const fw_conv_geometry g = fw_conv_geometry_tf(side, side, layer->in_c, layer->out_c, 3, 2, FW_PAD_VALID);
  if (g.out_h * g.out_w <= IM2COL_MAX_PIXELS) {
    conv3x3_im2col(net, layer, &g, faces, in, out, relu, NULL);
    return;
  }
  for (int f = 0; f < faces; f++)
    fw_parallel_conv(&g, in + f * map_floats(side, g.in_c), layer->direct, net->zero,
                     out + f * map_floats(g.out_h, g.out_c), relu);
}

/* Residual stages [first, end) over a batch of `faces` maps in x (side x
 * side x channels each, as stage `first` takes them); x receives the
 * output, t and u are the bodies' maps (a down stage's output goes to t,
 * which then becomes x: the new x is returned). */
static float *run_stages(fw_face_recognition_net *net, int first, int end, int faces, float *x, float *t, float *u,
                         int *side_io, int *channels_io) {
  int side = *side_io, channels = *channels_io;
  for (int i = first; i < end; i++) {
    const int out_c = stages[i].channels;
    FW_PROFILE_MARK(stages[i].name, "/conv1", -1);
    if (!stages[i].down) {
      conv3x3_same(net, &net->conv1[i], faces, x, t, relu, NULL);
      FW_PROFILE_MARK(stages[i].name, "/conv2 + residual", -1);
      conv3x3_same(net, &net->conv2[i], faces, t, u, linear, x);
    } else {
      conv3x3_down(net, &net->conv1[i], faces, side, x, t);
      const int body = (side - 3) / 2 + 1;
      FW_PROFILE_MARK(stages[i].name, "/conv2", -1);
      conv3x3_same(net, &net->conv2[i], faces, t, u, linear, NULL);
      FW_PROFILE_MARK(stages[i].name, "/shortcut", -1);
      /* The shortcut's pooled map, the output, is side / 2; the body is that or one smaller. */
      for (int f = 0; f < faces; f++)
        fw_parallel_shortcut_down(x + f * map_floats(side, channels), side, side, channels,
                                  u + f * map_floats(body, out_c), body, body, out_c,
                                  t + f * map_floats(side / 2, out_c));
      float *pooled = x;
      x = t;
      t = pooled;
      side /= 2;
    }
    channels = out_c;
  }
  *side_io = side;
  *channels_io = channels;
  return x;
}

int fw_face_recognition_net_run(fw_face_recognition_net *net, const fw_rgba_image *images, const fw_crop *crops,
                                int count, float *descriptors) {
  if (count < 1 || count > FW_RECOGNITION_BATCH) return fw_fail("recognition: %d faces in a batch (1 to %d)", count,
                                                                 FW_RECOGNITION_BATCH);
  if (fw_threads_active() > net->planned_threads && plan(net, fw_threads_active()) != 0) return -1;
  /* The front, face by face, into the batch's input maps. */
  for (int f = 0; f < count; f++) {
    FW_PROFILE_MARK("input", NULL, -1);
    fw_parallel_square_input(&images[f], crops[f], FW_PAD_CENTRED, INPUT_SIZE, mean_rgb, 256.0f, net->input);
    const fw_conv_geometry sg = fw_conv_geometry_tf(INPUT_SIZE, INPUT_SIZE, 3, STEM_CHANNELS, 7, 2, FW_PAD_VALID);
    FW_PROFILE_MARK("conv32_down", "/conv 7x7", -1);
    fw_parallel_conv(&sg, net->input, net->stem, net->zero, net->stem_out, relu);
    const fw_conv_geometry pool =
        fw_conv_geometry_tf(STEM_SIDE, STEM_SIDE, STEM_CHANNELS, STEM_CHANNELS, 3, 2, FW_PAD_VALID);
    FW_PROFILE_MARK("conv32_down", "/maxpool", -1);
    fw_parallel_maxpool(&pool, net->stem_out, net->x);
    int side = POOL_SIDE, channels = STEM_CHANNELS;
    const float *front = run_stages(net, 0, BACK_STAGE, 1, net->x, net->t, net->u, &side, &channels);
    memcpy(net->batch_x + f * map_floats(BACK_SIDE, BACK_CHANNELS), front,
           map_floats(BACK_SIDE, BACK_CHANNELS) * sizeof(float));
  }
  /* The back, on the whole batch. */
  int side = BACK_SIDE, channels = BACK_CHANNELS;
  const float *x = run_stages(net, BACK_STAGE, STAGES, count, net->batch_x, net->batch_t, net->batch_u, &side,
                              &channels);
  FW_PROFILE_MARK("head", NULL, -1);
  for (int f = 0; f < count; f++)
    fw_f32_global_mean(x + f * map_floats(side, channels), side * side, channels, net->features + f * channels);
  const fw_conv_geometry fc = fw_conv_geometry_tf(1, count, channels, FW_DESCRIPTOR_VALUES, 1, 1, FW_PAD_VALID);
  fw_f32_conv(&fc, net->features, net->fc, net->zero, descriptors, linear);
  FW_PROFILE_MARK("end", NULL, -1);
  return 0;
}
