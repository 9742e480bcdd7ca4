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

#include "fuzz_net_tensors.h"

/* Detections: scores within [threshold, 1], every other value finite (weights
 * that make a net overflow must give an error instead). */
static inline void check_detections(const char *net, const double *r, int count, int stride, double threshold) {
  for (int i = 0; i < count; i++) {
    const double *d = r + (size_t)stride * i;
    FUZZ_CHECK(d[0] >= threshold && d[0] <= 1.0, "%s: detection %d has score %g (threshold %g)", net, i, d[0], threshold);
    for (int k = 1; k < stride; k++) FUZZ_CHECK(isfinite(d[k]), "%s: detection %d value %d is %g", net, i, k, d[k]);
  }
}

/* ------------------------------------------------------------------------ */
/* Tiny Face Detector */

/* knobs: input size (mostly small valid sizes, sometimes invalid ones),
 * score threshold (0 and 255 give the invalid 0 and 1). */
static inline void run_tiny_face_detector(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  static const int sizes[] = {32, 32, 32, 32, 64, 64, 64, 96, 128, 224, 0, 33, -32, 2048};
  const int input_size = sizes[knobs[0] % (sizeof sizes / sizeof sizes[0])];
  const double threshold = knobs[1] / 255.0;
  const int count = fw_tiny_face_detector_detect(model, rgba, width, height, input_size, threshold);
  const int valid = fuzz_image_size_valid(width, height) && input_size >= 32 && input_size <= 1024 && input_size % 32 == 0 && threshold > 0 && threshold < 1;
  /* Weights that overflow may give a box that is not finite: an error, as in face-api.js. */
  const int overflowed = count < 0 && strstr(fw_last_error(), "not finite") != NULL;
  FUZZ_CHECK(valid ? count >= 0 || overflowed : count < 0, "detect returned %d for inputSize %d, threshold %g: %s", count,
             input_size, threshold, fw_last_error());
  if (count < 0) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "detect failed without a message");
    return;
  }
  const double *r = fw_results();
  for (int i = 0; i < count; i++) FUZZ_CHECK(r[5 * i] > threshold, "detection %d has score %g (threshold %g)", i, r[5 * i], threshold);
  check_detections("tiny face detector", r, count, 5, threshold);
  if (knobs[2] % 4 == 1) {
    const float *raw = fw_tiny_face_detector_forward(model, rgba, width, height, input_size);
    FUZZ_CHECK(raw != NULL, "forward failed after detect succeeded: %s", fw_last_error());
  }
}

/* SSD MobileNetV1. knobs: minConfidence (0, 254 and 255 give the invalid 0,
 * 1 and NaN), maxResults (any number is accepted, as face-api.js does). */
static inline void run_ssd_mobilenetv1(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  const double min_confidence = knobs[0] == 255 ? NAN : knobs[0] / 254.0;
  const double max_results = knobs[1] % 8 == 7 ? -1.0 : (double)(knobs[1] % 8) * 20.0;
  const int count = fw_ssd_mobilenetv1_detect(model, rgba, width, height, min_confidence, max_results);
  const int valid = fuzz_image_size_valid(width, height) && min_confidence > 0 && min_confidence < 1;
  /* Weights that overflow may give a box that is not finite: an error, as in face-api.js. */
  const int overflowed = count < 0 && strstr(fw_last_error(), "not finite") != NULL;
  FUZZ_CHECK(valid ? count >= 0 || overflowed : count < 0, "ssd detect returned %d (minConfidence %g): %s", count,
             min_confidence, fw_last_error());
  if (count < 0) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "ssd detect failed without a message");
    return;
  }
  check_detections("ssd", fw_results(), count, 5, min_confidence);
  if (knobs[2] % 4 == 1)
    FUZZ_CHECK(fw_ssd_mobilenetv1_forward(model, rgba, width, height) != NULL, "ssd forward failed: %s", fw_last_error());
}

/* MTCNN. knobs: up to 3 pyramid scales (kept small so the pyramid stays
 * cheap; sometimes invalid), thresholds. */
static inline void run_mtcnn(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  double scales[3];
  const int scale_count = knobs[0] % 4;
  for (int i = 0; i < scale_count; i++) scales[i] = (knobs[1 + i] % 64) / 200.0; /* 0 (invalid) .. 0.315 */
  const double threshold = knobs[3] / 255.0;
  const int count = fw_mtcnn_detect(model, rgba, width, height, scales, scale_count, threshold, threshold, threshold);
  if (count < 0) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "mtcnn detect failed without a message");
    return;
  }
  FUZZ_CHECK(fuzz_image_size_valid(width, height), "mtcnn accepted a %d x %d image", width, height);
  check_detections("mtcnn", fw_mtcnn_results(model), count, 15, threshold);
}

/* A face crop from the knobs: mostly inside the image, sometimes empty or
 * reaching outside (then the call must fail with a message). */
static inline void fuzz_crop(int width, int height, const uint8_t knobs[4], int32_t crop[4]) {
  crop[0] = width > 0 ? knobs[0] % (width + 1) : 0;
  crop[1] = height > 0 ? knobs[1] % (height + 1) : 0;
  crop[2] = knobs[2] == 255 ? width + 1 : (width - crop[0] > 0 ? 1 + knobs[2] % (width - crop[0]) : 0);
  crop[3] = knobs[3] == 255 ? height + 1 : (height - crop[1] > 0 ? 1 + knobs[3] % (height - crop[1]) : 0);
}

static inline int fuzz_crop_valid(int width, int height, const int32_t crop[4]) {
  return fuzz_image_size_valid(width, height) && crop[2] >= 1 && crop[3] >= 1 && crop[0] + crop[2] <= width &&
         crop[1] + crop[3] <= height;
}

/* The face nets on one crop: the call succeeds exactly when the crop is
 * valid; landmarks and probabilities are numbers (weights that overflow may
 * make them NaN, which must not crash anything), so only the return value and
 * the message are checked. */
static inline void check_crop_call(const char *net, int result, int width, int height, const int32_t crop[4]) {
  const int valid = fuzz_crop_valid(width, height, crop);
  FUZZ_CHECK(valid ? result == 1 : result < 0, "%s returned %d for crop (%d, %d, %d x %d) of a %d x %d image: %s", net,
             result, crop[0], crop[1], crop[2], crop[3], width, height, fw_last_error());
  if (result < 0) FUZZ_CHECK(fw_last_error()[0] != '\0', "%s failed without a message", net);
}

static inline void run_face_landmarks(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  int32_t crop[4];
  float out[136];
  fuzz_crop(width, height, knobs, crop);
  check_crop_call("landmarks", fw_face_landmarks(model, rgba, width, height, crop, 1, out), width, height, crop);
}

static inline void run_face_recognition(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  int32_t crop[4];
  float out[128];
  fuzz_crop(width, height, knobs, crop);
  check_crop_call("descriptors", fw_face_descriptors(model, rgba, width, height, crop, 1, out), width, height, crop);
}

static inline void run_face_expression(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  int32_t crop[4];
  fuzz_crop(width, height, knobs, crop);
  check_crop_call("expressions", fw_face_expression_predict(model, rgba, width, height, crop, 1), width, height, crop);
}

static inline void run_age_gender(int model, const uint8_t *rgba, int width, int height, const uint8_t knobs[4]) {
  int32_t crop[4];
  fuzz_crop(width, height, knobs, crop);
  check_crop_call("age/gender", fw_age_gender_predict(model, rgba, width, height, crop, 1), width, height, crop);
}

#define FUZZ_TENSORS(name) name##_tensors, (int)(sizeof name##_tensors / sizeof name##_tensors[0])
static const fuzz_net FUZZ_NETS[] = {
    {"tiny_face_detector", FW_NET_TINY_FACE_DETECTOR, FUZZ_TENSORS(tiny_face_detector), run_tiny_face_detector},
    {"ssd_mobilenetv1", FW_NET_SSD_MOBILENETV1, FUZZ_TENSORS(ssd_mobilenetv1), run_ssd_mobilenetv1},
    {"face_landmark_68", FW_NET_FACE_LANDMARK_68, FUZZ_TENSORS(face_landmark_68), run_face_landmarks},
    {"face_landmark_68_tiny", FW_NET_FACE_LANDMARK_68_TINY, FUZZ_TENSORS(face_landmark_68_tiny), run_face_landmarks},
    {"face_recognition", FW_NET_FACE_RECOGNITION, FUZZ_TENSORS(face_recognition), run_face_recognition},
    {"face_expression", FW_NET_FACE_EXPRESSION, FUZZ_TENSORS(face_expression), run_face_expression},
    {"age_gender", FW_NET_AGE_GENDER, FUZZ_TENSORS(age_gender), run_age_gender},
    {"mtcnn", FW_NET_MTCNN, FUZZ_TENSORS(mtcnn), run_mtcnn},
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
