/* Tiny Face Detector: face-api.js's tiny-YOLOv2 with depthwise-separable convs,
 * one class, 5 anchors, leaky ReLU. */
#ifndef FW_TINY_FACE_DETECTOR_H
#define FW_TINY_FACE_DETECTOR_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_tiny_face_detector_ops;

typedef struct fw_tiny_face_detector fw_tiny_face_detector;

#define FW_TINY_MIN_INPUT 32
#define FW_TINY_MAX_INPUT 1024

/* Raw net output for a prepared input: the head's grid (size/32)^2 x 25 floats.
 * input_size must be a multiple of 32 in [FW_TINY_MIN_INPUT, FW_TINY_MAX_INPUT].
 * Returns a pointer into the net's working memory (valid until the next call)
 * or NULL with an error (out of memory). */
const float *fw_tiny_face_detector_net_forward(fw_tiny_face_detector *net, const fw_rgba_image *image, int input_size);

/* Full detection as face-api.js's TinyFaceDetector.locateFaces: writes up to
 * `capacity` records of FW_DETECTION_FIELDS doubles (score, x, y, width, height
 * in image pixels) in face-api.js's order. Returns the count, or -1. */
int fw_tiny_face_detector_net_detect(fw_tiny_face_detector *net, const fw_rgba_image *image, int input_size,
                                 double score_threshold, double *records, int capacity);

#define FW_DETECTION_FIELDS 5

/* Most detections a call can return at the largest input size. */
#define FW_TINY_MAX_DETECTIONS ((FW_TINY_MAX_INPUT / 32) * (FW_TINY_MAX_INPUT / 32) * 5)

#endif
