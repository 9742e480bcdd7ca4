/* libFuzzer target: JPEG/PNG decoding (fw_image_decode) on arbitrary bytes.
 * A decode either fails with a message or gives an image within the limits;
 * small decoded images are also encoded to PNG and must decode back to the
 * same pixels. Seeds: tests/fuzz/decode/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"
#include "fuzz_nets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 22)) return 0;
  /* The glue hands the decoder a copy in linear memory; so does this. */
  uint8_t *copy = size ? fw_alloc((int)size) : NULL;
  if (size) memcpy(copy, data, size);
  int dims[2] = {-1, -1};
  uint8_t *rgba = fw_image_decode(size ? copy : (const uint8_t *)"", (int)size, dims);
  fw_free(copy);
  if (!rgba) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "decode failed without a message");
    return 0;
  }
  const int w = dims[0], h = dims[1];
  FUZZ_CHECK(w >= 1 && h >= 1 && w <= 16384 && h <= 16384 && (long long)w * h <= 64ll * 1024 * 1024,
             "decoded size %d x %d is outside the limits", w, h);
  volatile uint8_t sum = 0; /* touch every byte: ASan checks the buffer is that large */
  for (size_t i = 0; i < (size_t)w * h * 4; i++) sum ^= rgba[i];
  (void)sum;
  if ((long long)w * h <= 64 * 64) {
    int length = 0, again[2];
    uint8_t *png = fw_image_encode_png(rgba, w, h, &length);
    FUZZ_CHECK(png != NULL, "encoding a decoded %d x %d image failed: %s", w, h, fw_last_error());
    uint8_t *back = fw_image_decode(png, length, again);
    FUZZ_CHECK(back && again[0] == w && again[1] == h && memcmp(back, rgba, (size_t)w * h * 4) == 0,
               "PNG round trip of a %d x %d image changed it", w, h);
    fw_free(back);
    fw_free(png);
  }
  fw_free(rgba);
  return 0;
}
