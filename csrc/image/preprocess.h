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

#endif
