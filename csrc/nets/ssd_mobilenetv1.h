/* SSD MobileNetV1 face detector: face-api.js's default detector (MobileNetV1
 * backbone, 6 SSD box predictors over 5118 fixed anchors, 512x512 input). */
#ifndef FW_SSD_MOBILENETV1_H
#define FW_SSD_MOBILENETV1_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_ssd_mobilenetv1_ops;

typedef struct fw_ssd_mobilenetv1 fw_ssd_mobilenetv1;

#define FW_SSD_INPUT_SIZE 512
#define FW_SSD_ANCHORS 5118
#define FW_SSD_DETECTION_FIELDS 5 /* score, x, y, width, height */

/* Floats in the raw output of fw_ssd_mobilenetv1_net_forward, in this order:
 *   box encodings [5118 x 4]  the predictors' raw box regressions
 *   class logits  [5118 x 3]  raw; the face score is sigmoid of index 1
 *   boxes         [5118 x 4]  decoded (ymin, xmin, ymax, xmax) relative to the padded square
 *   scores        [5118]      sigmoid(class logit 1)
 * the same tensors (and order within each) as face-api.js's boxPredictions,
 * classPredictions, and outputLayer's boxes and scores. */
#define FW_SSD_RAW_FLOATS (FW_SSD_ANCHORS * (4 + 3 + 4 + 1))

/* The backbone's and prediction layer's 1x1 convolutions run on int16
 * activations and the 8-bit weight codes (kernels/pointwise_i16.h) by
 * default; float32 != 0 selects the float path for every layer (slower,
 * closer to face-api.js's float32 outputs). */
void fw_ssd_mobilenetv1_net_set_precision(fw_ssd_mobilenetv1 *net, int float32);

/* Runs the net on the whole image; returns the raw output (valid until the
 * next call on the net) or NULL with an error (out of memory). */
const float *fw_ssd_mobilenetv1_net_forward(fw_ssd_mobilenetv1 *net, const fw_rgba_image *image);

/* Full detection as face-api.js's SsdMobilenetv1.locateFaces: scores above
 * min_confidence, its non-max suppression (IoU 0.5) keeping at most
 * max_results, boxes clipped to the square and corrected for the padding.
 * Writes up to `capacity` records (score, x, y, width, height in image
 * pixels) in face-api.js's order. Returns the count, or -1. */
int fw_ssd_mobilenetv1_net_detect(fw_ssd_mobilenetv1 *net, const fw_rgba_image *image, double min_confidence,
                                  double max_results, double *records, int capacity);

#endif
