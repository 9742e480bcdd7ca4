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
  fw_rgba_to_square_input_rows(image, crop, padding, size, mean, divisor, out, 0, size);
}

void fw_rgba_to_square_input_rows(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                                  const float mean[3], float divisor, float *out, int row_begin, int row_end) {
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
    for (int r = row_begin; r < row_end; r++) {
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

/* tfjs resizeBilinear taps along one axis (no padding, clamped to the last index). */
static axis_taps resize_taps(int dst, double ratio, int extent) {
  const double src = ratio * dst;
  const int lo = (int)floor(src);
  const int hi = (int)ceil(src) < extent - 1 ? (int)ceil(src) : extent - 1;
  axis_taps t = {lo, hi, src - lo};
  return t;
}

void fw_rgba_resize_bilinear(const fw_rgba_image *image, int out_width, int out_height, float *out) {
  fw_rgba_resize_bilinear_rows(image, out_width, out_height, out, 0, out_height);
}

void fw_rgba_resize_bilinear_rows(const fw_rgba_image *image, int out_width, int out_height, float *out,
                                  int row_begin, int row_end) {
  const double row_ratio = (double)image->height / out_height, col_ratio = (double)image->width / out_width;
  const size_t row_stride = (size_t)image->width * 4;
  enum { BLOCK = 256 };
  axis_taps columns[BLOCK];
  for (int c0 = 0; c0 < out_width; c0 += BLOCK) {
    const int n = out_width - c0 < BLOCK ? out_width - c0 : BLOCK;
    for (int i = 0; i < n; i++) columns[i] = resize_taps(c0 + i, col_ratio, image->width);
    for (int r = row_begin; r < row_end; r++) {
      const axis_taps rows = resize_taps(r, row_ratio, image->height);
      const uint8_t *upper_row = image->pixels + (size_t)rows.near * row_stride;
      const uint8_t *lower_row = image->pixels + (size_t)rows.far * row_stride;
      float *dst = out + ((size_t)r * out_width + c0) * 3;
      for (int i = 0; i < n; i++) {
        const axis_taps cols = columns[i];
        for (int ch = 0; ch < 3; ch++) {
          const double tl = upper_row[(size_t)cols.near * 4 + ch], tr = upper_row[(size_t)cols.far * 4 + ch];
          const double bl = lower_row[(size_t)cols.near * 4 + ch], br = lower_row[(size_t)cols.far * 4 + ch];
          const double upper = tl + (tr - tl) * cols.frac, lower = bl + (br - bl) * cols.frac;
          *dst++ = (float)(upper + (lower - upper) * rows.frac);
        }
      }
    }
  }
}

/* Canvas taps along one axis: near/far region-relative indices, frac the weight of far. */
static axis_taps canvas_taps(int dst, double ratio, int extent) {
  double src = (dst + 0.5) * ratio - 0.5;
  src = src < 0.0 ? 0.0 : src;
  src = src > extent - 1 ? extent - 1 : src;
  const int lo = (int)floor(src);
  axis_taps t = {lo, lo + 1 < extent ? lo + 1 : extent - 1, src - lo};
  return t;
}

void fw_rgba_crop_resize_canvas(const fw_rgba_image *image, fw_crop region, int out_width, int out_height,
                                uint8_t *out) {
  const size_t out_bytes = (size_t)out_width * out_height * 3;
  if (region.width <= 0 || region.height <= 0) {
    for (size_t i = 0; i < out_bytes; i++) out[i] = 0;
    return;
  }
  const double col_ratio = (double)region.width / out_width, row_ratio = (double)region.height / out_height;
  const size_t row_stride = (size_t)image->width * 4;
  const uint8_t *origin = image->pixels + (size_t)region.y * row_stride + (size_t)region.x * 4;
  for (int r = 0; r < out_height; r++) {
    const axis_taps rows = canvas_taps(r, row_ratio, region.height);
    const uint8_t *upper_row = origin + (size_t)rows.near * row_stride, *lower_row = origin + (size_t)rows.far * row_stride;
    for (int c = 0; c < out_width; c++) {
      const axis_taps cols = canvas_taps(c, col_ratio, region.width);
      for (int ch = 0; ch < 3; ch++) {
        const double upper = upper_row[(size_t)cols.near * 4 + ch] * (1 - cols.frac) +
                             upper_row[(size_t)cols.far * 4 + ch] * cols.frac;
        const double lower = lower_row[(size_t)cols.near * 4 + ch] * (1 - cols.frac) +
                             lower_row[(size_t)cols.far * 4 + ch] * cols.frac;
        *out++ = (uint8_t)floor(upper * (1 - rows.frac) + lower * rows.frac + 0.5);
      }
    }
  }
}
