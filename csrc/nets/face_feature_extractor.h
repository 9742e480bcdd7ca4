/* face-api.js's FaceFeatureExtractor and TinyFaceFeatureExtractor: the
 * backbone of FaceExpressionNet and FaceLandmark68Net (4 dense blocks of 4
 * convs) and of FaceLandmark68TinyNet (3 blocks of 3 convs), each net with its
 * own weights. The full extractor:
 *
 *   input  [112,112,3]  crop, zero-pad centred to a square, resize to 112,
 *                       (v - [122.782, 117.001, 104.298]) / 255
 *   dense0  conv 3x3 s2 3->32, relu              then 3 separable convs   [56,56,32]
 *   dense1  separable s2 32->64 (relu)           then 3 separable convs   [28,28,64]
 *   dense2  separable s2 64->128                 ...                      [14,14,128]
 *   dense3  separable s2 128->256                ...                      [7,7,256]
 *   avgpool 7x7 -> 256 bottleneck features
 * The tiny one stops after dense2 ([14,14,128], avgpool 14x14 -> 128) and has
 * 3 convolutions per block.
 *
 * In each dense block, out1 = relu(conv0(x)) and out_k = sep_k(relu(out1 + ...
 * + out_{k-1})) for k = 2..4 (separable = depthwise 3x3 SAME, pointwise 1x1 +
 * bias, no activation); the block's output is relu(out1 + out2 + out3 + out4).
 *
 * Use: embed the struct in a net, bind it from the net's weight table (the
 * tensors named `<prefix>dense0/conv0/filters` and so on; prefix "" for
 * face-api.js's published models), call forward per face crop, release it
 * with the net. The forward never allocates: working memory is reserved at
 * bind time, since the input size is fixed. */
#ifndef FW_FACE_FEATURE_EXTRACTOR_H
#define FW_FACE_FEATURE_EXTRACTOR_H

#include "../core/arena.h"
#include "../core/weights.h"
#include "../image/preprocess.h"
#include "int_layers.h"

#define FW_FACE_FEATURE_INPUT 112    /* side of the net's input */
#define FW_FACE_FEATURE_CHANNELS 256 /* longest bottleneck feature vector (4 blocks) */
#define FW_FACE_FEATURE_BLOCKS 4     /* most dense blocks */
#define FW_FACE_FEATURE_CONVS 4      /* most convolutions per dense block */

typedef struct fw_face_feature_extractor {
  int blocks;   /* dense blocks: 4 (full) or 3 (tiny) */
  int convs;    /* convolutions per block: 4 or 3 */
  int channels; /* length of the feature vector: 32 << (blocks - 1) */
  float *conv0;                                                      /* dense0/conv0 3x3 s2, 3 -> 32 */
  float *depthwise[FW_FACE_FEATURE_BLOCKS][FW_FACE_FEATURE_CONVS];   /* [0][0] unused */
  float *pointwise[FW_FACE_FEATURE_BLOCKS][FW_FACE_FEATURE_CONVS];   /* with the conv's bias */
  /* The same 1x1 convs on the integer path (int_layers.h), used when every
   * one of them is uint8-quantised (`int_ready`). */
  fw_pointwise_i16 pointwise_i16[FW_FACE_FEATURE_BLOCKS][FW_FACE_FEATURE_CONVS];
  int int_ready;

  fw_arena arena;
  float *input;          /* [112,112,3] */
  float *sum;            /* running sum out1 + ... + out_k of the current block */
  float *activated;      /* relu(sum): the next separable conv's input, and the block output */
  float *depthwise_out;  /* depthwise result, input of the pointwise conv */
  float *pointwise_out;  /* out_k */
  float *zero;           /* zeros for padding taps */
  fw_i16_scratch scratch; /* quantised input of an integer 1x1 conv */
  float features[FW_FACE_FEATURE_CHANNELS];
} fw_face_feature_extractor;

/* Packs every tensor `<prefix>denseB/convK/...` of a `blocks` x `convs`
 * extractor (4 x 4 full, 3 x 3 tiny; checking names and shapes) and reserves
 * the working memory. Returns 0, or -1 with an error naming the tensor; on
 * failure the struct holds nothing to release. `fx` must be zeroed before the
 * first bind. */
int fw_face_feature_extractor_bind(fw_face_feature_extractor *fx, const fw_weight_table *weights, const char *prefix,
                                   int blocks, int convs);

/* Runs the extractor on one face: `crop` (inside the image, at least 1x1) of
 * `image`. Returns the fx->channels bottleneck features (owned by fx, valid
 * until the next call). Cannot fail. */
const float *fw_face_feature_extractor_forward(fw_face_feature_extractor *fx, const fw_rgba_image *image, fw_crop crop);

void fw_face_feature_extractor_release(fw_face_feature_extractor *fx);

#endif
