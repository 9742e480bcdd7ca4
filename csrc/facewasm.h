/* facewasm: the whole ABI between the C core and the JavaScript glue.
 *
 * Only integers, doubles and offsets into linear memory cross it. Every call
 * that can fail returns a negative value (or NULL) and leaves a message for
 * fw_last_error(); the instance stays usable after any failure.
 *
 * Typical use from the glue:
 *
 *   int m = fw_model_create(FW_NET_TINY_FACE_DETECTOR);
 *   for each manifest entry, in manifest order, over the concatenated shards:
 *     used = fw_model_add_tensor(m, name, name_len, dtype, rank, d0..d3,
 *                                scale, min, shard_bytes + offset, bytes_left);
 *     offset += used;
 *   fw_model_finish(m);            // binds by name, checks shapes, packs
 *   rgba = fw_alloc(w * h * 4);    // reused from call to call
 *   n = fw_tiny_face_detector_detect(m, rgba, w, h, 416, 0.5);
 *   fw_results()[i * 5 + 0..4] = score, x, y, width, height (image pixels)
 */
#ifndef FACEWASM_H
#define FACEWASM_H

#include <stdint.h>

/* Raised whenever an export is added, removed or changes meaning; js/wasm.mjs
 * (ABI_VERSION) refuses a core of another version. */
#define FW_ABI_VERSION 2

/* Net kinds; js/ modules name the same numbers. */
enum fw_net_kind {
  FW_NET_TINY_FACE_DETECTOR = 1,
  FW_NET_SSD_MOBILENETV1 = 2,
  FW_NET_FACE_LANDMARK_68 = 3,
  FW_NET_FACE_LANDMARK_68_TINY = 4,
  FW_NET_FACE_RECOGNITION = 5,
  FW_NET_MTCNN = 6,
  FW_NET_FACE_EXPRESSION = 7,
  FW_NET_AGE_GENDER = 8
};

int fw_abi_version(void);
const char *fw_last_error(void);

/* Linear-memory buffers the glue fills or reads; NULL when out of memory. */
void *fw_alloc(int bytes);
void fw_free(void *pointer);

/* Models: create, feed every manifest entry, finish, use, destroy. */
int fw_model_create(int kind);
int fw_model_add_tensor(int model, const char *name, int name_length, int dtype, int rank, int d0, int d1, int d2,
                        int d3, double scale, double min, const uint8_t *data, int available);
int fw_model_finish(int model);
void fw_model_destroy(int model);

/* Images: decode JPEG/PNG to RGBA (size[0] = width, size[1] = height), encode
 * RGBA as PNG (*length = bytes), draw box outlines. Buffers returned are the
 * caller's, to release with fw_free. */
uint8_t *fw_image_decode(const uint8_t *data, int length, int *size);
uint8_t *fw_image_encode_png(const uint8_t *rgba, int width, int height, int *length);
int fw_image_draw_rect(uint8_t *rgba, int width, int height, double x, double y, double box_width, double box_height,
                       int thickness, uint32_t color);

/* Tiny Face Detector. detect returns the number of detections, whose records
 * (score, x, y, width, height) are at fw_results(); forward returns the raw
 * head output [(size/32)^2 x 25] (valid until the next call on the model). */
int fw_tiny_face_detector_detect(int model, const uint8_t *rgba, int width, int height, int input_size,
                                 double score_threshold);
const float *fw_tiny_face_detector_forward(int model, const uint8_t *rgba, int width, int height, int input_size);
const double *fw_results(void);

/* Face expressions and age/gender on face crops. `crops` holds `count` integer
 * rectangles (x, y, width, height), each inside the image and at least 1x1;
 * every crop is padded centred to a square and resized to 112x112 as
 * face-api.js does. Both return `count` (or -1) and write per crop:
 *   expressions: 7 probabilities at fw_results()[i * 7 + 0..6] (neutral, happy,
 *                sad, angry, fearful, disgusted, surprised)
 *   age/gender:  fw_results()[i * 2 + 0] = age in years,
 *                fw_results()[i * 2 + 1] = probability of 'male' (softmax) */
int fw_face_expression_predict(int model, const uint8_t *rgba, int width, int height, const int32_t *crops,
                               int count);
int fw_age_gender_predict(int model, const uint8_t *rgba, int width, int height, const int32_t *crops, int count);

/* Face nets on face crops of one image. crops holds count integer rectangles
 * (x, y, width, height), each inside the image with width, height >= 1 (as
 * face-api.js's clipAtImageBorders gives them). Each returns count, or -1.
 *   fw_face_landmarks: model is a face_landmark_68 or face_landmark_68_tiny
 *     model; out gets 136 floats per crop, (x, y) of the 68 points relative to
 *     the crop (0..1 inside it), as face-api.js's landmark postProcess.
 *   fw_face_descriptors: out gets the 128-value descriptor per crop. */
int fw_face_landmarks(int model, const uint8_t *rgba, int width, int height, const int32_t *crops, int count,
                      float *out);
int fw_face_descriptors(int model, const uint8_t *rgba, int width, int height, const int32_t *crops, int count,
                        float *out);
/* The descriptors of `count` whole face images, image i's RGBA pixels at
 * pixels[i], its width and height at sizes[2 * i], sizes[2 * i + 1]: out gets
 * 128 floats per image. The faces of a call (as the crops of one
 * fw_face_descriptors call) share the passes over the net's weights.
 * Returns count, or -1. */
int fw_face_descriptors_of_images(int model, const uint8_t *const *pixels, const int32_t *sizes, int count,
                                  float *out);

/* Copies the rectangle (x, y, crop_width, crop_height), inside the image, of
 * RGBA pixels into out (crop_width * crop_height * 4 bytes): extractFaces. */
int fw_image_crop(const uint8_t *rgba, int width, int height, int x, int y, int crop_width, int crop_height,
                  uint8_t *out);

/* SSD MobileNetV1 (input 512x512). detect returns the number of detections
 * above min_confidence after non-max suppression, at most max_results (any
 * number, compared as face-api.js compares it), records at fw_results();
 * forward returns FW_SSD_RAW_FLOATS floats: box encodings [5118 x 4], class
 * logits [5118 x 3], decoded boxes [5118 x 4] (ymin, xmin, ymax, xmax relative
 * to the padded square) and scores [5118] (valid until the next call). */
int fw_ssd_mobilenetv1_detect(int model, const uint8_t *rgba, int width, int height, double min_confidence,
                              double max_results);
const float *fw_ssd_mobilenetv1_forward(int model, const uint8_t *rgba, int width, int height);
/* float32 = 0 (default): the 1x1 convolutions run on int16 activations and
 * the 8-bit weight codes; 1: every layer in float32. Returns 0 or -1. */
int fw_ssd_mobilenetv1_set_precision(int model, int float32);

/* MTCNN. scales: the image-pyramid scales (face-api.js's pyramidDown or
 * scaleSteps, already filtered to levels wider and taller than 12 pixels and
 * cut to maxNumScales); thresholds: P-Net, R-Net, O-Net scores. Returns the
 * number of faces; records of 15 doubles at fw_mtcnn_results(model): score,
 * box x, y, width, height, the 5 landmarks' x, then their y (image pixels).
 * pnet: P-Net's raw output at one scale ([*rows][*cols][6]: 2 logits, 4 box
 * regressions; transposed: rows run along the image's x). */
int fw_mtcnn_detect(int model, const uint8_t *rgba, int width, int height, const double *scales, int scale_count,
                    double threshold1, double threshold2, double threshold3);
const double *fw_mtcnn_results(int model);
const float *fw_mtcnn_pnet(int model, const uint8_t *rgba, int width, int height, double scale, int *size);

#endif
