#include "detection.h"

#include <math.h>

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
