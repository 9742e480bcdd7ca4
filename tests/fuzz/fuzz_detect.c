/* libFuzzer target: the whole detect pipeline of every net in fuzz_nets.h on
 * arbitrary pixels and image sizes, with random but well-formed weights of
 * several magnitudes (up to ones that overflow float to Inf and NaN inside
 * the net). Models stay loaded from run to run, so their working memory is
 * re-planned as sizes change, as in a long-lived page.
 *
 * Input: net, weight seed, magnitude, width (2 bytes), height (2 bytes),
 * 4 knob bytes for the net's run function, then pixels (repeated to fill the
 * image). Seeds: tests/fuzz/detect/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"
#include "fuzz_nets.h"

#define SEEDS 2
#define MAX_FUZZ_PIXELS (1 << 20) /* keeps a run fast; larger valid sizes are skipped */

static const float magnitudes[] = {0.05f, 0.5f, 2.0f, 1e4f, 1e30f};
#define MAGNITUDES (int)(sizeof magnitudes / sizeof magnitudes[0])

static int models[FUZZ_NET_COUNT][SEEDS][MAGNITUDES];

/* A side from two bytes: mostly 0..299; with the top bit set, up to 131068
 * (beyond the 16384 limit). */
static int side_from(const uint8_t *p) {
  const unsigned raw = (unsigned)p[0] << 8 | p[1];
  return raw & 0x8000 ? (int)(raw & 0x7fff) * 4 : (int)(raw % 300);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 11) return 0;
  const int n = data[0] % FUZZ_NET_COUNT, seed = data[1] % SEEDS, magnitude = data[2] % MAGNITUDES;
  const fuzz_net *net = &FUZZ_NETS[n];
  int *model = &models[n][seed][magnitude];
  if (!*model) *model = fuzz_load_random_weights(net, (uint32_t)(n * 131 + seed), magnitudes[magnitude]);

  const int width = side_from(data + 3), height = side_from(data + 5);
  const uint8_t *knobs = data + 7;
  const uint8_t *pixels = data + 11;
  const size_t pixel_bytes = size - 11;
  if (!fuzz_image_size_valid(width, height)) {
    /* Rejected by the size check before a pixel is read. */
    uint8_t one[4] = {0};
    net->run(*model, one, width, height, knobs);
    return 0;
  }
  if ((long long)width * height > MAX_FUZZ_PIXELS) return 0;
  const size_t bytes = (size_t)width * height * 4;
  uint8_t *rgba = fw_alloc((int)bytes);
  FUZZ_CHECK(rgba != NULL, "out of memory");
  /* The pixel bytes, repeated: copy them once, then double the filled part. */
  size_t filled = pixel_bytes < bytes ? pixel_bytes : bytes;
  if (filled == 0) {
    memset(rgba, 0, bytes);
    filled = bytes;
  } else {
    memcpy(rgba, pixels, filled);
  }
  for (; filled < bytes; filled *= 2) memcpy(rgba + filled, rgba, bytes - filled < filled ? bytes - filled : filled);
  net->run(*model, rgba, width, height, knobs);
  fw_free(rgba);
  return 0;
}
