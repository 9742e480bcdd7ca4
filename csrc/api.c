/* The only file with exports: checks handles and arguments, then calls the
 * core. Models live in a small handle table so a stale or forged handle from
 * JavaScript is an error, not a wild pointer. */
#include "facewasm.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/status.h"
#include "core/weights.h"
#include "image/codec.h"
#include "image/draw.h"
#include "nets/tiny_face_detector.h"

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
  return fw_fail("too many models are loaded at once (at most %d)", MAX_MODELS);
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
