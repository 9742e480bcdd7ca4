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
#include <stdlib.h>

#include "../core/alloc.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "face_feature_extractor.h"
#include "layers.h"

#define INPUT_SIZE FW_FACE_FEATURE_INPUT

struct fw_face_landmark_net {
  fw_face_feature_extractor features; /* 4 x 4 blocks (full) or 3 x 3 (tiny), with the average */
  fw_dense_layer fc;                  /* C -> 136 */
  float head[FW_LANDMARK_VALUES];
};

static void destroy(void *opaque) {
  fw_face_landmark_net *net = opaque;
  if (!net) return;
  fw_face_feature_extractor_release(&net->features);
  fw_layer_release_dense(&net->fc);
  FW_FREE(net);
}

static void *bind_net(const fw_weight_table *w, int blocks, int convs) {
  fw_face_landmark_net *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  if (fw_face_feature_extractor_bind(&net->features, w, "", blocks, convs) != 0 ||
      fw_layer_bind_dense(&net->fc, w, "fc/weights", "fc/bias", net->features.channels, FW_LANDMARK_VALUES) != 0) {
    destroy(net);
    return NULL;
  }
  return net;
}

static void *bind_full(const fw_weight_table *w) { return bind_net(w, 4, 4); }
static void *bind_tiny(const fw_weight_table *w) { return bind_net(w, 3, 3); }

const fw_net_ops fw_face_landmark_68_ops = {"face_landmark_68", bind_full, destroy};
const fw_net_ops fw_face_landmark_68_tiny_ops = {"face_landmark_68_tiny", bind_tiny, destroy};

int fw_face_landmark_net_run(fw_face_landmark_net *net, const fw_rgba_image *image, fw_crop crop,
                             float relative[FW_LANDMARK_VALUES]) {
  const float *features = fw_face_feature_extractor_forward(&net->features, image, crop);
  FW_PROFILE_MARK("fc + landmarks", NULL, -1);
  fw_layer_dense(&net->fc, features, net->head);

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
  FW_PROFILE_MARK("end", NULL, -1);
  return 0;
}
