#include "preprocess.h"

#include <math.h>
#include <stddef.h>

/* One source axis of the padded square: where the crop starts inside it. */
static int pad_before(int extent, int square, fw_square_padding padding) {
  int diff = square - extent;
  if (padding == FW_PAD_BOTTOM_RIGHT || diff == 0) return 0;
  return diff - (diff + 1) / 2; /* Math.round(diff * 0.5) goes after the image */
}

/* One output coordinate's bilinear taps along an axis of the padded square,
 * mapped back into the crop: index -1 means the tap falls in the padding. */
typedef struct axis_taps {
  int near, far; /* crop-relative indices of floor(src) and min(ceil(src), last) */
  double frac;   /* src - floor(src) */
} axis_taps;

static axis_taps taps_for(int dst, double ratio, int square, int before, int extent) {
  const double src = ratio * dst;
  const int lo = (int)floor(src);
  const int hi = (int)ceil(src) < square - 1 ? (int)ceil(src) : square - 1;
  axis_taps t = {lo - before, hi - before, src - lo};
  if (t.near < 0 || t.near >= extent) t.near = -1;
  if (t.far < 0 || t.far >= extent) t.far = -1;
  return t;
}

/* Padding taps read this black pixel instead of the image. */
static const uint8_t padding_pixel[4] = {0, 0, 0, 0};

static const uint8_t *pixel_at(const uint8_t *row, int col) {
  return row && col >= 0 ? row + (size_t)col * 4 : padding_pixel;
}

void fw_rgba_to_square_input(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                             const float mean[3], float divisor, float *out) {
  const int square = crop.width > crop.height ? crop.width : crop.height;
  const int top = pad_before(crop.height, square, padding), left = pad_before(crop.width, square, padding);
  const double ratio = (double)square / (double)size;
  const size_t row_stride = (size_t)image->width * 4;
  const uint8_t *origin = image->pixels + (size_t)crop.y * row_stride + (size_t)crop.x * 4;
  /* Column taps are the same for every row: work in blocks of columns so
   * they are computed once per call, with a bounded stack. */
  enum { BLOCK = 256 };
  axis_taps columns[BLOCK];
  for (int c0 = 0; c0 < size; c0 += BLOCK) {
    const int n = size - c0 < BLOCK ? size - c0 : BLOCK;
    for (int i = 0; i < n; i++) columns[i] = taps_for(c0 + i, ratio, square, left, crop.width);
    for (int r = 0; r < size; r++) {
      const axis_taps rows = taps_for(r, ratio, square, top, crop.height);
      const uint8_t *near_row = rows.near >= 0 ? origin + (size_t)rows.near * row_stride : NULL;
      const uint8_t *far_row = rows.far >= 0 ? origin + (size_t)rows.far * row_stride : NULL;
      float *dst = out + ((size_t)r * size + c0) * 3;
      for (int i = 0; i < n; i++) {
        const axis_taps cols = columns[i];
        const uint8_t *tl = pixel_at(near_row, cols.near), *tr = pixel_at(near_row, cols.far);
        const uint8_t *bl = pixel_at(far_row, cols.near), *br = pixel_at(far_row, cols.far);
        for (int ch = 0; ch < 3; ch++) {
          /* The same double arithmetic as tfjs, in the same order. */
          const double upper = tl[ch] + ((double)tr[ch] - tl[ch]) * cols.frac;
          const double lower = bl[ch] + ((double)br[ch] - bl[ch]) * cols.frac;
          const float value = (float)(upper + (lower - upper) * rows.frac);
          *dst++ = (value - mean[ch]) / divisor;
        }
      }
    }
  }
}
