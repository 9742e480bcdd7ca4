/* FaceRecognitionNet: dlib's ResNet-34-like face descriptor net, 150x150
 * input, 128 output values. */
#ifndef FW_FACE_RECOGNITION_H
#define FW_FACE_RECOGNITION_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_face_recognition_ops;

typedef struct fw_face_recognition_net fw_face_recognition_net;

#define FW_DESCRIPTOR_VALUES 128

/* The descriptor of one face crop (inside the image, width/height >= 1), as
 * face-api.js's FaceRecognitionNet.forwardInput: crop, pad centred to a
 * square, resize to 150, (v - mean) / 256, forward. Returns 0. */
int fw_face_recognition_net_run(fw_face_recognition_net *net, const fw_rgba_image *image, fw_crop crop,
                                float descriptor[FW_DESCRIPTOR_VALUES]);

#endif
