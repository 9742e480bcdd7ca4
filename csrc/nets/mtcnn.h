/* MTCNN: face-api.js's three-stage cascade (P-Net over an image pyramid,
 * R-Net on 24x24 patches, O-Net on 48x48 patches) with 5 landmarks. */
#ifndef FW_MTCNN_H
#define FW_MTCNN_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_mtcnn_ops;

typedef struct fw_mtcnn fw_mtcnn;

/* One result: score, box x, y, width, height (integers, image pixels; the box
 * may extend past the image), then the 5 points' x and the 5 points' y. */
#define FW_MTCNN_RECORD_FIELDS 15

#define FW_MTCNN_MAX_SCALES 256
#define FW_MTCNN_MAX_SIDE 8192 /* largest pyramid level side, in pixels */

/* The cascade as face-api.js's Mtcnn.forwardInput runs it, on the pyramid
 * scales given (already filtered and truncated as face-api.js does: each
 * level floor(height * s) x floor(width * s) at least 12 pixels a side).
 * thresholds: P-Net (score >= t), R-Net and O-Net (score > t).
 * Returns the number of results, readable at fw_mtcnn_net_results() until
 * the next call, or -1 with an error. */
int fw_mtcnn_net_detect(fw_mtcnn *net, const fw_rgba_image *image, const double *scales, int scale_count,
                        const double thresholds[3]);
const double *fw_mtcnn_net_results(const fw_mtcnn *net);

/* P-Net alone at one scale, for testing: [out_w'][out_h'][6] floats (MTCNN's
 * transposed layout: the first axis runs along the image's x), channels
 * 0-1 the face/non-face logits, 2-5 the box regression. *rows and *cols get
 * the two spatial sizes. Valid until the next call; NULL with an error. */
const float *fw_mtcnn_net_pnet(fw_mtcnn *net, const fw_rgba_image *image, double scale, int *rows, int *cols);

#endif
