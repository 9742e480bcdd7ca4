#include "preprocess.h"

#include <math.h>
#include <stddef.h>

/* One source axis of the padded square: where the crop starts inside it. */
static int pad_before(int extent, int square, fw_square_padding padding) {
  int diff = square - extent;
  if (padding == FW_PAD_BOTTOM_RIGHT || diff == 0) return 0;
  return diff - (diff + 1) / 2; /* Math.round(diff * 0.5) goes after the image */
}

/* Channel c of padded-square pixel (sy, sx): zero in the padding. */
static double sample(const fw_rgba_image *image, fw_crop crop, int top, int left, int sy, int sx, int c) {
  int y = sy - top, x = sx - left;
  if (y < 0 || y >= crop.height || x < 0 || x >= crop.width) return 0.0;
  return image->pixels[((size_t)(crop.y + y) * image->width + (crop.x + x)) * 4 + c];
}

void fw_rgba_to_square_input(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                             const float mean[3], float divisor, float *out) {
  const int square = crop.width > crop.height ? crop.width : crop.height;
  const int top = pad_before(crop.height, square, padding), left = pad_before(crop.width, square, padding);
  const double ratio = (double)square / (double)size;
  for (int r = 0; r < size; r++) {
    const double src_r = ratio * r;
    const int r0 = (int)floor(src_r);
    const int r1 = (int)ceil(src_r) < square - 1 ? (int)ceil(src_r) : square - 1;
    const double row_frac = src_r - r0;
    for (int col = 0; col < size; col++) {
      const double src_c = ratio * col;
      const int c0 = (int)floor(src_c);
      const int c1 = (int)ceil(src_c) < square - 1 ? (int)ceil(src_c) : square - 1;
      const double col_frac = src_c - c0;
      for (int ch = 0; ch < 3; ch++) {
        const double tl = sample(image, crop, top, left, r0, c0, ch), tr = sample(image, crop, top, left, r0, c1, ch);
        const double bl = sample(image, crop, top, left, r1, c0, ch), br = sample(image, crop, top, left, r1, c1, ch);
        const double upper = tl + (tr - tl) * col_frac, lower = bl + (br - bl) * col_frac;
        const float value = (float)(upper + (lower - upper) * row_frac);
        *out++ = (value - mean[ch]) / divisor;
      }
    }
  }
}
