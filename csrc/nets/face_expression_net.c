/* FaceExpressionNet as face-api.js 0.22.2 runs it:
 * softmax(fc(FaceFeatureExtractor(crop))), weights named dense0/... to fc/bias. */
#include "face_expression_net.h"

#include <stdlib.h>

#include "../core/alloc.h"
#include "../core/profile.h"
#include "../core/status.h"
#include "face_feature_extractor.h"
#include "layers.h"

struct fw_face_expression_net {
  fw_face_feature_extractor features;
  fw_dense_layer fc; /* 256 -> 7 */
};

static void destroy(void *opaque) {
  fw_face_expression_net *net = opaque;
  if (!net) return;
  fw_face_feature_extractor_release(&net->features);
  fw_layer_release_dense(&net->fc);
  FW_FREE(net);
}

static void *bind(const fw_weight_table *w) {
  fw_face_expression_net *net = FW_CALLOC(1, sizeof *net);
  if (!net) {
    fw_fail("out of memory");
    return NULL;
  }
  if (fw_face_feature_extractor_bind(&net->features, w, "", FW_FACE_FEATURE_BLOCKS, FW_FACE_FEATURE_CONVS) != 0 ||
      fw_layer_bind_dense(&net->fc, w, "fc/weights", "fc/bias", FW_FACE_FEATURE_CHANNELS, FW_FACE_EXPRESSIONS) != 0) {
    destroy(net);
    return NULL;
  }
  return net;
}

const fw_net_ops fw_face_expression_net_ops = {"face_expression", bind, destroy};

void fw_face_expression_net_predict(fw_face_expression_net *net, const fw_rgba_image *image, fw_crop crop,
                                    float probabilities[FW_FACE_EXPRESSIONS]) {
  const float *features = fw_face_feature_extractor_forward(&net->features, image, crop);
  FW_PROFILE_MARK("fc + softmax", NULL, -1);
  float logits[FW_FACE_EXPRESSIONS];
  fw_layer_dense(&net->fc, features, logits);
  fw_layer_softmax(logits, FW_FACE_EXPRESSIONS, probabilities);
  FW_PROFILE_MARK("end", NULL, -1);
}
