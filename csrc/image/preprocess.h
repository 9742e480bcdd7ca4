/* Turning an RGBA image into a net's input tensor the way face-api.js's tensor
 * path does it (NetInput.toBatchTensor with a tf.Tensor input):
 *   1. take an integer crop (tf.slice),
 *   2. pad with zeros to a square (padToSquare): all padding at the bottom or
 *      right, or centred (the larger half after, as Math.round(d / 2) gives),
 *   3. resize to size x size with tf.image.resizeBilinear, alignCorners false,
 *      as tfjs-core 1.7 computes it: source = dst_index * (in / out) in double,
 *      floor/ceil neighbours clamped to the last row/column, lerp in double,
 *      result rounded to float32 (skipped when already size x size: identical),
 *   4. per channel (value - mean[c]) / divisor in float32 (mean 0, divisor 1
 *      for nets that normalize differently).
 * The result is NHWC RGB float, size * size * 3 values. */
#ifndef FW_PREPROCESS_H
#define FW_PREPROCESS_H

#include <stdint.h>

typedef struct fw_rgba_image {
  const uint8_t *pixels; /* width * height * 4 bytes, rows packed */
  int width, height;
} fw_rgba_image;

typedef struct fw_crop {
  int x, y, width, height; /* must lie inside the image, width/height >= 1 */
} fw_crop;

typedef enum fw_square_padding { FW_PAD_BOTTOM_RIGHT = 0, FW_PAD_CENTRED = 1 } fw_square_padding;

void fw_rgba_to_square_input(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                             const float mean[3], float divisor, float *out);

/* The same for output rows [row_begin, row_end) only (out is still the whole
 * tensor); rows are independent, so threads can share the work. */
void fw_rgba_to_square_input_rows(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                                  const float mean[3], float divisor, float *out, int row_begin, int row_end);

/* The whole image resized to out_width x out_height (any aspect) with
 * tf.image.resizeBilinear as in step 3 above, each axis with its own ratio
 * in / out. Writes NHWC RGB float, out_height * out_width * 3 values, not
 * normalized (0..255). */
void fw_rgba_resize_bilinear(const fw_rgba_image *image, int out_width, int out_height, float *out);

/* The same for output rows [row_begin, row_end) only (out is still the whole
 * image), so that threads can share the rows. */
void fw_rgba_resize_bilinear_rows(const fw_rgba_image *image, int out_width, int out_height, float *out,
                                  int row_begin, int row_end);

/* An integer region of the image scaled to out_width x out_height as a 2D
 * canvas drawImage does it with imageSmoothingQuality 'low' (no
 * antialiasing): bilinear on half-pixel centres,
 *   src = clamp((dst + 0.5) * (extent / out) - 0.5, 0, extent - 1)   per axis
 * (the ratio first, as the canvas computes it),
 * neighbours floor(src) and min(floor(src) + 1, extent - 1), blended in
 * double (a * (1 - f) + b * f, columns first) and rounded half up to 8 bits.
 * The region must lie inside the image; an empty one (width or height 0)
 * gives zeros. Writes RGB bytes, out_height * out_width * 3. */
void fw_rgba_crop_resize_canvas(const fw_rgba_image *image, fw_crop region, int out_width, int out_height,
                                uint8_t *out);

#endif
