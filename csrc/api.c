/* The only file with exports: checks handles and arguments, then calls the
 * core. Models live in a small handle table so a stale or forged handle from
 * JavaScript is an error, not a wild pointer. */
#include "facewasm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/status.h"
#include "core/weights.h"
#include "image/codec.h"
#include "image/draw.h"
#include "nets/tiny_face_detector.h"
#include "nets/face_expression_net.h"
#include "nets/age_gender_net.h"
#include "nets/face_landmark_68.h"
#include "nets/face_recognition.h"
#include "nets/ssd_mobilenetv1.h"
#include "nets/mtcnn.h"

#if defined(__EMSCRIPTEN__)
#define FW_EXPORT __attribute__((used, visibility("default")))
#else
#define FW_EXPORT
#endif

#define MAX_MODELS 64

typedef struct model_slot {
  const fw_net_ops *ops; /* NULL when the slot is free */
  fw_weight_table weights;
  void *net; /* set by fw_model_finish */
} model_slot;

static model_slot models[MAX_MODELS];
static double results[FW_TINY_MAX_DETECTIONS * FW_DETECTION_FIELDS];

static const fw_net_ops *ops_for_kind(int kind) {
  switch (kind) {
    case FW_NET_TINY_FACE_DETECTOR: return &fw_tiny_face_detector_ops;
    case FW_NET_FACE_EXPRESSION: return &fw_face_expression_net_ops;
    case FW_NET_AGE_GENDER: return &fw_age_gender_net_ops;
    case FW_NET_FACE_LANDMARK_68: return &fw_face_landmark_68_ops;
    case FW_NET_FACE_LANDMARK_68_TINY: return &fw_face_landmark_68_tiny_ops;
    case FW_NET_FACE_RECOGNITION: return &fw_face_recognition_ops;
    case FW_NET_SSD_MOBILENETV1: return &fw_ssd_mobilenetv1_ops;
    case FW_NET_MTCNN: return &fw_mtcnn_ops;
    default: return NULL;
  }
}

/* The slot for a handle, or NULL with an error. */
static model_slot *slot_for(int model) {
  if (model < 1 || model > MAX_MODELS || !models[model - 1].ops) {
    fw_fail("invalid model handle %d (not created, or already destroyed)", model);
    return NULL;
  }
  return &models[model - 1];
}

/* The bound net of the expected kind, or NULL with an error. */
static void *net_for(int model, const fw_net_ops *ops) {
  model_slot *slot = slot_for(model);
  if (!slot) return NULL;
  if (slot->ops != ops) {
    fw_fail("model %d is a %s, not a %s", model, slot->ops->name, ops->name);
    return NULL;
  }
  if (!slot->net) {
    fw_fail("%s: the model's weights have not finished loading", ops->name);
    return NULL;
  }
  return slot->net;
}

FW_EXPORT int fw_abi_version(void) { return FW_ABI_VERSION; }

FW_EXPORT const char *fw_last_error(void) { return fw_error_message(); }

FW_EXPORT void *fw_alloc(int bytes) {
  if (bytes <= 0) {
    fw_fail("invalid allocation size %d", bytes);
    return NULL;
  }
  void *p = FW_MALLOC((size_t)bytes);
  if (!p) fw_fail("out of memory: cannot allocate %d bytes", bytes);
  return p;
}

FW_EXPORT void fw_free(void *pointer) { FW_FREE(pointer); }

FW_EXPORT int fw_model_create(int kind) {
  const fw_net_ops *ops = ops_for_kind(kind);
  if (!ops) return fw_fail("unknown net kind %d", kind);
  for (int i = 0; i < MAX_MODELS; i++) {
    if (models[i].ops) continue;
    models[i] = (model_slot){ops, {NULL, 0, 0, ops->name}, NULL};
    return i + 1;
  }
  return fw_fail("too many models are loaded at once (at most %d; dispose of the nets no longer in use)", MAX_MODELS);
}

FW_EXPORT int fw_model_add_tensor(int model, const char *name, int name_length, int dtype, int rank, int d0, int d1,
                                  int d2, int d3, double scale, double min, const uint8_t *data, int available) {
  model_slot *slot = slot_for(model);
  if (!slot) return -1;
  if (slot->net) return fw_fail("%s: the model is already loaded", slot->ops->name);
  if (name_length < 0 || available < 0) return fw_fail("%s: negative length", slot->ops->name);
  const int shape[FW_MAX_RANK] = {d0, d1, d2, d3};
  long used = fw_weights_add(&slot->weights, name, (size_t)name_length, dtype, rank, shape, scale, min, data,
                             (size_t)available);
  return (int)used;
}

FW_EXPORT int fw_model_finish(int model) {
  model_slot *slot = slot_for(model);
  if (!slot) return -1;
  if (slot->net) return fw_fail("%s: the model is already loaded", slot->ops->name);
  slot->net = slot->ops->bind(&slot->weights);
  fw_weights_free(&slot->weights); /* packed copies live in the net now */
  if (!slot->net) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: ", slot->ops->name);
    fw_error_prefix(prefix);
    return -1;
  }
  return 0;
}

FW_EXPORT void fw_model_destroy(int model) {
  model_slot *slot = slot_for(model);
  if (!slot) return;
  fw_weights_free(&slot->weights);
  if (slot->net) slot->ops->destroy(slot->net);
  *slot = (model_slot){0};
}

FW_EXPORT uint8_t *fw_image_decode(const uint8_t *data, int length, int *size) {
  if (!data || length < 0 || !size) {
    fw_fail("invalid arguments to image decode");
    return NULL;
  }
  return fw_decode_image(data, (size_t)length, &size[0], &size[1]);
}

FW_EXPORT uint8_t *fw_image_encode_png(const uint8_t *rgba, int width, int height, int *length) {
  size_t bytes = 0;
  if (!rgba || !length) {
    fw_fail("invalid arguments to PNG encode");
    return NULL;
  }
  uint8_t *png = fw_encode_png(rgba, width, height, &bytes);
  if (png && bytes > 0x7fffffff) {
    FW_FREE(png);
    fw_fail("encoded PNG is too large");
    return NULL;
  }
  if (png) *length = (int)bytes;
  return png;
}

FW_EXPORT int fw_image_draw_rect(uint8_t *rgba, int width, int height, double x, double y, double box_width,
                                 double box_height, int thickness, uint32_t color) {
  if (!rgba || fw_check_image_size(width, height) != 0) return -1;
  fw_draw_rect_outline(rgba, width, height, x, y, box_width, box_height, thickness, color);
  return 0;
}

/* Image and input-size checks shared by the detector entry points. */
static int check_detector_input(const uint8_t *rgba, int width, int height, int input_size) {
  if (!rgba) return fw_fail("no image pixels");
  if (fw_check_image_size(width, height) != 0) return -1;
  if (input_size < FW_TINY_MIN_INPUT || input_size > FW_TINY_MAX_INPUT || input_size % 32 != 0)
    return fw_fail("inputSize %d must be a multiple of 32 from %d to %d", input_size, FW_TINY_MIN_INPUT,
                   FW_TINY_MAX_INPUT);
  return 0;
}

FW_EXPORT int fw_tiny_face_detector_detect(int model, const uint8_t *rgba, int width, int height, int input_size,
                                           double score_threshold) {
  fw_tiny_face_detector *net = net_for(model, &fw_tiny_face_detector_ops);
  if (!net || check_detector_input(rgba, width, height, input_size) != 0) return -1;
  if (!(score_threshold > 0.0 && score_threshold < 1.0))
    return fw_fail("scoreThreshold must be a number between 0 and 1");
  const fw_rgba_image image = {rgba, width, height};
  return fw_tiny_face_detector_net_detect(net, &image, input_size, score_threshold, results, FW_TINY_MAX_DETECTIONS);
}

FW_EXPORT const float *fw_tiny_face_detector_forward(int model, const uint8_t *rgba, int width, int height,
                                                     int input_size) {
  fw_tiny_face_detector *net = net_for(model, &fw_tiny_face_detector_ops);
  if (!net || check_detector_input(rgba, width, height, input_size) != 0) return NULL;
  const fw_rgba_image image = {rgba, width, height};
  return fw_tiny_face_detector_net_forward(net, &image, input_size);
}

FW_EXPORT const double *fw_results(void) { return results; }

/* ---- face nets on face crops ---- */

#define RESULT_CAPACITY ((int)(sizeof results / sizeof results[0]))

/* Checks the image and every crop rectangle before any work, so a bad crop
 * leaves the outputs untouched; 0 or -1 with an error naming the crop. */
static int check_crops(const uint8_t *rgba, int width, int height, const int32_t *crops, int count) {
  if (!rgba) return fw_fail("no image pixels");
  if (fw_check_image_size(width, height) != 0) return -1;
  if (count < 0 || (count > 0 && !crops)) return fw_fail("invalid face crop list (%d crops)", count);
  for (int i = 0; i < count; i++) {
    const int32_t *c = crops + 4 * i;
    const int64_t x = c[0], y = c[1], w = c[2], h = c[3];
    if (w < 1 || h < 1) return fw_fail("face crop %d is empty (%lld x %lld)", i, (long long)w, (long long)h);
    if (x < 0 || y < 0 || x + w > width || y + h > height)
      return fw_fail("face crop %d (x %lld, y %lld, %lld x %lld) is not inside the %d x %d image", i, (long long)x,
                     (long long)y, (long long)w, (long long)h, width, height);
  }
  return 0;
}

/* For entry points that answer in fw_results(): `fields` doubles per crop. */
static int check_crops_for_results(const uint8_t *rgba, int width, int height, const int32_t *crops, int count,
                                   int fields) {
  if (count > RESULT_CAPACITY / fields)
    return fw_fail("%d face crops: expected 0 to %d per call", count, RESULT_CAPACITY / fields);
  return check_crops(rgba, width, height, crops, count);
}

static fw_crop crop_at(const int32_t *crops, int i) {
  return (fw_crop){crops[4 * i], crops[4 * i + 1], crops[4 * i + 2], crops[4 * i + 3]};
}

FW_EXPORT int fw_face_expression_predict(int model, const uint8_t *rgba, int width, int height, const int32_t *crops,
                                         int count) {
  fw_face_expression_net *net = net_for(model, &fw_face_expression_net_ops);
  if (!net || check_crops_for_results(rgba, width, height, crops, count, FW_FACE_EXPRESSIONS) != 0) return -1;
  const fw_rgba_image image = {rgba, width, height};
  for (int i = 0; i < count; i++) {
    float probabilities[FW_FACE_EXPRESSIONS];
    fw_face_expression_net_predict(net, &image, crop_at(crops, i), probabilities);
    for (int k = 0; k < FW_FACE_EXPRESSIONS; k++) results[i * FW_FACE_EXPRESSIONS + k] = probabilities[k];
  }
  return count;
}

FW_EXPORT int fw_age_gender_predict(int model, const uint8_t *rgba, int width, int height, const int32_t *crops,
                                    int count) {
  fw_age_gender_net *net = net_for(model, &fw_age_gender_net_ops);
  if (!net || check_crops_for_results(rgba, width, height, crops, count, 2) != 0) return -1;
  const fw_rgba_image image = {rgba, width, height};
  for (int i = 0; i < count; i++) {
    float age, male;
    fw_age_gender_net_predict(net, &image, crop_at(crops, i), &age, &male);
    results[2 * i] = age;
    results[2 * i + 1] = male;
  }
  return count;
}

FW_EXPORT int fw_face_landmarks(int model, const uint8_t *rgba, int width, int height, const int32_t *crops,
                                int count, float *out) {
  model_slot *slot = slot_for(model);
  if (!slot) return -1;
  const fw_net_ops *ops = slot->ops == &fw_face_landmark_68_tiny_ops ? slot->ops : &fw_face_landmark_68_ops;
  fw_face_landmark_net *net = net_for(model, ops);
  if (!net || check_crops(rgba, width, height, crops, count) != 0) return -1;
  if (count > 0 && !out) return fw_fail("no output buffer");
  const fw_rgba_image image = {rgba, width, height};
  for (int i = 0; i < count; i++) {
    if (fw_face_landmark_net_run(net, &image, crop_at(crops, i), out + (size_t)i * FW_LANDMARK_VALUES) != 0) return -1;
  }
  return count;
}

/* The faces of a descriptors call: crops of one image, or whole images
 * (pixels[i], sizes[2 * i], sizes[2 * i + 1]). */
typedef struct face_list {
  fw_rgba_image image;
  const int32_t *crops;
  const uint8_t *const *pixels;
  const int32_t *sizes;
} face_list;

static void face_at(const face_list *faces, int i, fw_rgba_image *image, fw_crop *crop) {
  if (faces->crops) {
    *image = faces->image;
    *crop = crop_at(faces->crops, i);
    return;
  }
  *image = (fw_rgba_image){faces->pixels[i], faces->sizes[2 * i], faces->sizes[2 * i + 1]};
  *crop = (fw_crop){0, 0, image->width, image->height};
}

/* Descriptors of `count` checked faces, FW_RECOGNITION_BATCH at a time. */
static int descriptors_in_batches(fw_face_recognition_net *net, const face_list *faces, int count, float *out) {
  for (int first = 0; first < count; first += FW_RECOGNITION_BATCH) {
    fw_rgba_image images[FW_RECOGNITION_BATCH];
    fw_crop crops[FW_RECOGNITION_BATCH];
    const int n = count - first < FW_RECOGNITION_BATCH ? count - first : FW_RECOGNITION_BATCH;
    for (int i = 0; i < n; i++) face_at(faces, first + i, &images[i], &crops[i]);
    if (fw_face_recognition_net_run(net, images, crops, n, out + (size_t)first * FW_DESCRIPTOR_VALUES) != 0) return -1;
  }
  return count;
}

FW_EXPORT int fw_face_descriptors(int model, const uint8_t *rgba, int width, int height, const int32_t *crops,
                                  int count, float *out) {
  fw_face_recognition_net *net = net_for(model, &fw_face_recognition_ops);
  if (!net || check_crops(rgba, width, height, crops, count) != 0) return -1;
  if (count > 0 && !out) return fw_fail("no output buffer");
  const face_list faces = {.image = {rgba, width, height}, .crops = crops};
  return descriptors_in_batches(net, &faces, count, out);
}

FW_EXPORT int fw_face_descriptors_of_images(int model, const uint8_t *const *pixels, const int32_t *sizes, int count,
                                            float *out) {
  fw_face_recognition_net *net = net_for(model, &fw_face_recognition_ops);
  if (!net) return -1;
  if (count < 0 || (count > 0 && (!pixels || !sizes))) return fw_fail("invalid face image list (%d images)", count);
  if (count > 0 && !out) return fw_fail("no output buffer");
  for (int i = 0; i < count; i++) {
    if (!pixels[i]) return fw_fail("face image %d has no pixels", i);
    if (fw_check_image_size(sizes[2 * i], sizes[2 * i + 1]) != 0) return -1;
  }
  const face_list faces = {.pixels = pixels, .sizes = sizes};
  return descriptors_in_batches(net, &faces, count, out);
}

FW_EXPORT int fw_image_crop(const uint8_t *rgba, int width, int height, int x, int y, int crop_width,
                            int crop_height, uint8_t *out) {
  const int32_t crop[4] = {x, y, crop_width, crop_height};
  if (check_crops(rgba, width, height, crop, 1) != 0) return -1;
  if (!out) return fw_fail("no output buffer");
  const size_t row_bytes = (size_t)crop_width * 4;
  for (int r = 0; r < crop_height; r++)
    memcpy(out + (size_t)r * row_bytes, rgba + ((size_t)(y + r) * width + x) * 4, row_bytes);
  return 0;
}

/* ---- SSD MobileNetV1 ---- */

_Static_assert(FW_SSD_ANCHORS <= FW_TINY_MAX_DETECTIONS && FW_SSD_DETECTION_FIELDS == FW_DETECTION_FIELDS,
               "the results buffer must hold every SSD detection");

static int check_ssd_image(const uint8_t *rgba, int width, int height) {
  if (!rgba) return fw_fail("no image pixels");
  return fw_check_image_size(width, height);
}

FW_EXPORT int fw_ssd_mobilenetv1_detect(int model, const uint8_t *rgba, int width, int height,
                                        double min_confidence, double max_results) {
  fw_ssd_mobilenetv1 *net = net_for(model, &fw_ssd_mobilenetv1_ops);
  if (!net || check_ssd_image(rgba, width, height) != 0) return -1;
  if (!(min_confidence > 0.0 && min_confidence < 1.0))
    return fw_fail("minConfidence must be a number between 0 and 1");
  if (isnan(max_results)) return fw_fail("maxResults must be a number");
  const fw_rgba_image image = {rgba, width, height};
  return fw_ssd_mobilenetv1_net_detect(net, &image, min_confidence, max_results, results, FW_TINY_MAX_DETECTIONS);
}

FW_EXPORT const float *fw_ssd_mobilenetv1_forward(int model, const uint8_t *rgba, int width, int height) {
  fw_ssd_mobilenetv1 *net = net_for(model, &fw_ssd_mobilenetv1_ops);
  if (!net || check_ssd_image(rgba, width, height) != 0) return NULL;
  const fw_rgba_image image = {rgba, width, height};
  return fw_ssd_mobilenetv1_net_forward(net, &image);
}

FW_EXPORT int fw_ssd_mobilenetv1_set_precision(int model, int float32) {
  fw_ssd_mobilenetv1 *net = net_for(model, &fw_ssd_mobilenetv1_ops);
  if (!net) return -1;
  fw_ssd_mobilenetv1_net_set_precision(net, float32);
  return 0;
}

/* ---- MTCNN ---- */

FW_EXPORT int fw_mtcnn_detect(int model, const uint8_t *rgba, int width, int height, const double *scales,
                              int scale_count, double threshold1, double threshold2, double threshold3) {
  fw_mtcnn *net = net_for(model, &fw_mtcnn_ops);
  if (!net) return -1;
  if (!rgba) return fw_fail("no image pixels");
  if (fw_check_image_size(width, height) != 0) return -1;
  if (scale_count < 0 || scale_count > FW_MTCNN_MAX_SCALES)
    return fw_fail("%d pyramid scales; at most %d are supported", scale_count, FW_MTCNN_MAX_SCALES);
  if (scale_count > 0 && !scales) return fw_fail("no pyramid scales");
  const double thresholds[3] = {threshold1, threshold2, threshold3};
  for (int i = 0; i < 3; i++)
    if (isnan(thresholds[i])) return fw_fail("scoreThresholds[%d] is not a number", i);
  const fw_rgba_image image = {rgba, width, height};
  return fw_mtcnn_net_detect(net, &image, scales, scale_count, thresholds);
}

FW_EXPORT const double *fw_mtcnn_results(int model) {
  fw_mtcnn *net = net_for(model, &fw_mtcnn_ops);
  return net ? fw_mtcnn_net_results(net) : NULL;
}

FW_EXPORT const float *fw_mtcnn_pnet(int model, const uint8_t *rgba, int width, int height, double scale, int *size) {
  fw_mtcnn *net = net_for(model, &fw_mtcnn_ops);
  if (!net) return NULL;
  if (!rgba || !size) {
    fw_fail("invalid arguments to the P-Net forward");
    return NULL;
  }
  if (fw_check_image_size(width, height) != 0) return NULL;
  const fw_rgba_image image = {rgba, width, height};
  return fw_mtcnn_net_pnet(net, &image, scale, &size[0], &size[1]);
}
