/* FaceRecognitionNet: dlib's ResNet-34-like face descriptor net, 150x150
 * input, 128 output values. */
#ifndef FW_FACE_RECOGNITION_H
#define FW_FACE_RECOGNITION_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_face_recognition_ops;

typedef struct fw_face_recognition_net fw_face_recognition_net;

#define FW_DESCRIPTOR_VALUES 128
/* The most faces one run takes. */
#define FW_RECOGNITION_BATCH 8

/* The descriptors of `count` (1 to FW_RECOGNITION_BATCH) faces, crop i of
 * images[i] (inside it, width/height >= 1), into descriptors[count][128], as
 * face-api.js's FaceRecognitionNet.forwardInput for each: crop, pad centred
 * to a square, resize to 150, (v - mean) / 256, forward. The faces share the
 * passes over the weights of the net's back half; each descriptor is
 * computed as in a run of its face alone, bit for bit. Returns 0, or -1
 * with an error. */
int fw_face_recognition_net_run(fw_face_recognition_net *net, const fw_rgba_image *images, const fw_crop *crops,
                                int count, float *descriptors);

#endif
