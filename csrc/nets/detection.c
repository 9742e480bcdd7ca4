#include "detection.h"

#include <math.h>
#include <stdlib.h>

double fw_js_round(double x) {
  const double f = floor(x);
  return x - f >= 0.5 ? f + 1.0 : f;
}

double fw_reshaped_side(double scaled_side) { return fmax(1.0, fw_js_round(scaled_side)); }

static double area(fw_box b) { return (b.right - b.left) * (b.bottom - b.top); }

double fw_box_iou(fw_box a, fw_box b) {
  double w = fmax(0.0, fmin(a.right, b.right) - fmax(a.left, b.left));
  double h = fmax(0.0, fmin(a.bottom, b.bottom) - fmax(a.top, b.top));
  double inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

double fw_box_overlap_min(fw_box a, fw_box b) {
  double w = fmax(0.0, fmin(a.right, b.right) - fmax(a.left, b.left));
  double h = fmax(0.0, fmin(a.bottom, b.bottom) - fmax(a.top, b.top));
  return w * h / fmin(area(a), area(b));
}

int fw_non_max_suppression(const fw_box *boxes, const double *scores, int n, double iou_threshold, int *order,
                           int *kept) {
  return fw_non_max_suppression_overlap(boxes, scores, n, iou_threshold, FW_OVERLAP_IOU, order, kept);
}

int fw_non_max_suppression_overlap(const fw_box *boxes, const double *scores, int n, double iou_threshold,
                                   fw_overlap overlap, int *order, int *kept) {
  /* Insertion sort into ascending (score, index): equal to a stable ascending
   * sort by score. n is at most a few thousand candidates above threshold. */
  for (int i = 0; i < n; i++) {
    int j = i;
    while (j > 0 && scores[order[j - 1]] > scores[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  int remaining = n, count = 0;
  while (remaining > 0) {
    const int best = order[--remaining];
    kept[count++] = best;
    int write = 0;
    for (int r = 0; r < remaining; r++) {
      const double o = overlap == FW_OVERLAP_MIN ? fw_box_overlap_min(boxes[best], boxes[order[r]])
                                                 : fw_box_iou(boxes[best], boxes[order[r]]);
      if (o <= iou_threshold) order[write++] = order[r];
    }
    remaining = write;
  }
  return count;
}

/* IoU as the SSD's nonMaxSuppression.js computes it. */
static double ssd_iou(fw_box a, fw_box b) {
  const double a_top = fmin(a.top, a.bottom), a_left = fmin(a.left, a.right);
  const double a_bottom = fmax(a.top, a.bottom), a_right = fmax(a.left, a.right);
  const double b_top = fmin(b.top, b.bottom), b_left = fmin(b.left, b.right);
  const double b_bottom = fmax(b.top, b.bottom), b_right = fmax(b.left, b.right);
  const double area_a = (a_bottom - a_top) * (a_right - a_left);
  const double area_b = (b_bottom - b_top) * (b_right - b_left);
  if (area_a <= 0 || area_b <= 0) return 0.0;
  const double inter = fmax(fmin(a_bottom, b_bottom) - fmax(a_top, b_top), 0.0) *
                       fmax(fmin(a_right, b_right) - fmax(a_left, b_left), 0.0);
  return inter / (area_a + area_b - inter);
}

/* Descending score, then ascending index: the order of a stable sort by
 * descending score over candidates listed by index. */
static int by_score_then_index(const void *pa, const void *pb) {
  const fw_scored *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

int fw_nms_by_score(const fw_box *boxes, const double *scores, int n, double score_threshold, double max_output,
                    double iou_threshold, fw_scored *scratch, int *kept) {
  int candidates = 0;
  for (int i = 0; i < n; i++)
    if (scores[i] > score_threshold) scratch[candidates++] = (fw_scored){scores[i], i};
  qsort(scratch, (size_t)candidates, sizeof *scratch, by_score_then_index);
  int count = 0;
  for (int c = 0; c < candidates && !(count >= max_output); c++) {
    const int i = scratch[c].index;
    int keep = 1;
    for (int j = count - 1; j >= 0 && keep; j--) keep = ssd_iou(boxes[i], boxes[kept[j]]) <= iou_threshold;
    if (keep) kept[count++] = i;
  }
  return count;
}
