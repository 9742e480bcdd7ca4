/* FaceExpressionNet: FaceFeatureExtractor, then a fully connected layer
 * 256 -> 7 and softmax over neutral, happy, sad, angry, fearful, disgusted,
 * surprised (face-api.js's FACE_EXPRESSION_LABELS order). */
#ifndef FW_FACE_EXPRESSION_NET_H
#define FW_FACE_EXPRESSION_NET_H

#include "../image/preprocess.h"
#include "net.h"

#define FW_FACE_EXPRESSIONS 7

extern const fw_net_ops fw_face_expression_net_ops;

typedef struct fw_face_expression_net fw_face_expression_net;

/* The 7 probabilities for the face in `crop` of `image` (crop inside the
 * image, at least 1x1; the caller checks). Cannot fail. */
void fw_face_expression_net_predict(fw_face_expression_net *net, const fw_rgba_image *image, fw_crop crop,
                                    float probabilities[FW_FACE_EXPRESSIONS]);

#endif
