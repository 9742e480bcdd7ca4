/* The nets the fuzz targets exercise, each with the tensors its weights must
 * have and a function that runs it on pixels. Shared by fuzz_weights.c (which
 * uses the names and shapes to reach binding) and fuzz_detect.c (which loads
 * random but well-formed weights and runs the net on arbitrary pixels).
 *
 * A new net adds: a tensor list (names and shapes exactly as in its face-api.js
 * manifest), a run function, and a row in FUZZ_NETS. */
#ifndef FUZZ_NETS_H
#define FUZZ_NETS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"

typedef struct fuzz_tensor {
  const char *name;
  int rank;
  int shape[4];
} fuzz_tensor;

/* Runs the net on an RGBA image with settings taken from `knobs` (arbitrary
 * bytes). Must not crash on anything; traps (abort) when an output breaks an
 * invariant that holds for any input. */
typedef void (*fuzz_run)(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]);

typedef struct fuzz_net {
  const char *name;
  int kind; /* enum fw_net_kind */
  const fuzz_tensor *tensors;
  int tensor_count;
  fuzz_run run;
} fuzz_net;

/* Aborts with a message: libFuzzer reports it as a crash with the input. */
#define FUZZ_CHECK(condition, ...)                                                                                     \
  do {                                                                                                                 \
    if (!(condition)) {                                                                                                \
      fprintf(stderr, "fuzz invariant broken: " __VA_ARGS__);                                                          \
      fputc('\n', stderr);                                                                                             \
      abort();                                                                                                         \
    }                                                                                                                  \
  } while (0)

/* Whether the core accepts an image of this size (FW_MAX_IMAGE_SIDE, FW_MAX_IMAGE_PIXELS). */
static inline int fuzz_image_size_valid(int width, int height) {
  return width >= 1 && height >= 1 && width <= 16384 && height <= 16384 &&
         (long long)width * height <= 64ll * 1024 * 1024;
}

/* ------------------------------------------------------------------------ */
/* Tiny Face Detector */

static const fuzz_tensor tiny_face_detector_tensors[] = {
    {"conv0/filters", 4, {3, 3, 3, 16}},
    {"conv0/bias", 1, {16}},
    {"conv1/depthwise_filter", 4, {3, 3, 16, 1}},
    {"conv1/pointwise_filter", 4, {1, 1, 16, 32}},
    {"conv1/bias", 1, {32}},
    {"conv2/depthwise_filter", 4, {3, 3, 32, 1}},
    {"conv2/pointwise_filter", 4, {1, 1, 32, 64}},
    {"conv2/bias", 1, {64}},
    {"conv3/depthwise_filter", 4, {3, 3, 64, 1}},
    {"conv3/pointwise_filter", 4, {1, 1, 64, 128}},
    {"conv3/bias", 1, {128}},
    {"conv4/depthwise_filter", 4, {3, 3, 128, 1}},
    {"conv4/pointwise_filter", 4, {1, 1, 128, 256}},
    {"conv4/bias", 1, {256}},
    {"conv5/depthwise_filter", 4, {3, 3, 256, 1}},
    {"conv5/pointwise_filter", 4, {1, 1, 256, 512}},
    {"conv5/bias", 1, {512}},
    {"conv8/filters", 4, {1, 1, 512, 25}},
    {"conv8/bias", 1, {25}},
};

/* knobs: input size (mostly small valid sizes, sometimes invalid ones),
 * score threshold (0 and 255 give the invalid 0 and 1). */
static inline void run_tiny_face_detector(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  static const int sizes[] = {32, 32, 32, 32, 64, 64, 64, 96, 128, 224, 0, 33, -32, 2048};
  const int input_size = sizes[knobs[0] % (sizeof sizes / sizeof sizes[0])];
  const double threshold = knobs[1] / 255.0;
  const int count = fw_tiny_face_detector_detect(model, rgba, width, height, input_size, threshold);
  const int valid = fuzz_image_size_valid(width, height) && input_size >= 32 && input_size <= 1024 && input_size % 32 == 0 && threshold > 0 && threshold < 1;
  FUZZ_CHECK(valid ? count >= 0 : count < 0, "detect returned %d for inputSize %d, threshold %g: %s", count, input_size,
             threshold, fw_last_error());
  if (count < 0) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "detect failed without a message");
    return;
  }
  const double *r = fw_results();
  for (int i = 0; i < count; i++)
    FUZZ_CHECK(r[5 * i] > threshold && r[5 * i] <= 1.0, "detection %d has score %g (threshold %g)", i, r[5 * i],
               threshold);
  if (knobs[2] % 4 == 1) {
    const float *raw = fw_tiny_face_detector_forward(model, rgba, width, height, input_size);
    FUZZ_CHECK(raw != NULL, "forward failed after detect succeeded: %s", fw_last_error());
  }
}

static const fuzz_net FUZZ_NETS[] = {
    {"tiny_face_detector", FW_NET_TINY_FACE_DETECTOR, tiny_face_detector_tensors,
     (int)(sizeof tiny_face_detector_tensors / sizeof tiny_face_detector_tensors[0]), run_tiny_face_detector},
};
#define FUZZ_NET_COUNT (int)(sizeof FUZZ_NETS / sizeof FUZZ_NETS[0])

/* ------------------------------------------------------------------------ */
/* Well-formed weights from a seed */

static inline uint32_t fuzz_random(uint32_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

static inline size_t fuzz_tensor_count(const fuzz_tensor *t) {
  size_t n = 1;
  for (int d = 0; d < t->rank; d++) n *= (size_t)t->shape[d];
  return n;
}

/* Loads `net` with float32 weights uniform in [-magnitude, magnitude], drawn
 * from `seed`. Returns the model handle, or -1 (aborts: well-formed weights
 * must load). */
static inline int fuzz_load_random_weights(const fuzz_net *net, uint32_t seed, float magnitude) {
  uint32_t state = seed * 2654435761u + 1u;
  const int model = fw_model_create(net->kind);
  FUZZ_CHECK(model > 0, "fw_model_create: %s", fw_last_error());
  for (int i = 0; i < net->tensor_count; i++) {
    const fuzz_tensor *t = &net->tensors[i];
    const size_t count = fuzz_tensor_count(t);
    float *values = (float *)fw_alloc((int)(count * sizeof(float)));
    FUZZ_CHECK(values != NULL, "out of memory");
    for (size_t k = 0; k < count; k++)
      values[k] = magnitude * ((float)(fuzz_random(&state) >> 8) / 8388608.0f - 1.0f);
    const int used = fw_model_add_tensor(model, t->name, (int)strlen(t->name), 1 /* float32 */, t->rank, t->shape[0],
                                         t->shape[1], t->shape[2], t->shape[3], 0, 0, (const uint8_t *)values,
                                         (int)(count * sizeof(float)));
    fw_free(values);
    FUZZ_CHECK(used == (int)(count * sizeof(float)), "add '%s': %s", t->name, fw_last_error());
  }
  FUZZ_CHECK(fw_model_finish(model) == 0, "finish %s: %s", net->name, fw_last_error());
  return model;
}

#endif
