/* Box math shared by the detectors, with face-api.js's exact semantics. */
#ifndef FW_DETECTION_H
#define FW_DETECTION_H

typedef struct fw_box {
  double left, top, right, bottom;
} fw_box;

/* face-api.js's iou(): intersection over union of two boxes. */
double fw_box_iou(fw_box a, fw_box b);

/* face-api.js's nonMaxSuppression(): repeatedly keeps the highest score (ties
 * go to the later index, as its stable ascending sort then pop() does) and
 * keeps only the remaining boxes whose IoU with it is <= iou_threshold (a NaN
 * IoU, from two empty boxes, drops the box as face-api.js does).
 * `order` is scratch for n ints; the kept indices go to `kept`, in order.
 * Returns how many were kept. */
int fw_non_max_suppression(const fw_box *boxes, const double *scores, int n, double iou_threshold, int *order,
                           int *kept);

/* A candidate of fw_nms_by_score: its score and index into the boxes. */
typedef struct fw_scored {
  double score;
  int index;
} fw_scored;

/* face-api.js's SSD nonMaxSuppression (ssdMobilenetv1/nonMaxSuppression.js):
 * candidates are the boxes with score > score_threshold, visited by
 * descending score (ties by ascending index, as its stable sort leaves them);
 * a candidate is kept when its IoU with every box kept so far is <=
 * iou_threshold, until `max_output` are kept (compared as a double, as
 * face-api.js compares maxResults). Its IoU takes min/max of each box's
 * corners and counts a box with a non-positive area as not overlapping.
 * `scratch` holds n entries; the kept indices go to `kept` in order.
 * Returns how many were kept. */
int fw_nms_by_score(const fw_box *boxes, const double *scores, int n, double score_threshold, double max_output,
                    double iou_threshold, fw_scored *scratch, int *kept);
/* face-api.js's iou(a, b, false), MTCNN's 'Min' overlap: intersection over
 * the smaller of the two areas. */
double fw_box_overlap_min(fw_box a, fw_box b);

/* JavaScript's Math.round: half-way cases go towards +infinity. */
double fw_js_round(double x);

/* A side of the image scaled to a detector's input
 * (NetInput.getReshapedInputDimensions), rounded with Math.round as face-api.js
 * does; a side that would round to 0 (an image more than twice the input size
 * times longer than wide) counts as one pixel, where face-api.js divides by 0. */
double fw_reshaped_side(double scaled_side);

typedef enum fw_overlap { FW_OVERLAP_IOU = 0, FW_OVERLAP_MIN = 1 } fw_overlap;

/* fw_non_max_suppression with face-api.js's isIOU flag: FW_OVERLAP_MIN
 * measures overlap with fw_box_overlap_min (MTCNN's third stage). */
int fw_non_max_suppression_overlap(const fw_box *boxes, const double *scores, int n, double threshold,
                                   fw_overlap overlap, int *order, int *kept);

#endif
