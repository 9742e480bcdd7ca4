/* Native driver for whole nets through the public ABI (csrc/facewasm.h), the
 * same calls the JavaScript glue makes. Built under ASan/UBSan, plain for
 * valgrind, and with failing allocations (-DFW_ALLOC_HOOKS).
 *
 *   net_tests reference DIR [CASES]  every case of DIR/cases.txt (or CASES)
 *                                    against face-api.js's outputs
 *   net_tests oom DIR [IMAGE...]     fails the i-th allocation, for every i,
 *                                    while loading each net, decoding its
 *                                    first image and running its first case,
 *                                    and decoding each IMAGE
 *                                    (needs the FW_ALLOC_HOOKS build)
 *
 * DIR is written by tests/tools/native_fixtures.mjs. A new net adds a row to
 * NETS below, with a function that runs one case. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"

#if defined(FW_ALLOC_HOOKS)
#include "alloc_hooks.h"
#endif

#define MAX_VALUES 4096

typedef struct image {
  uint8_t *rgba; /* from fw_image_decode, released with fw_free */
  int width, height;
} image;

typedef struct net_case {
  char net[64];
  char image_path[1024];
  int param_count, expected_count;
  double params[16];
  double expected[MAX_VALUES];
} net_case;

/* Runs one case on a loaded model. Returns 0 when the output matches the
 * expected values, 1 on a mismatch (described in `why`), -1 when a call
 * failed (the message is in fw_last_error()). */
typedef int (*case_runner)(int model, const image *img, const net_case *c, char *why, size_t why_size);

typedef struct net_entry {
  const char *net;      /* fw_net_ops name, as in cases.txt */
  int kind;             /* enum fw_net_kind */
  const char *manifest; /* weight files' prefix: DIR/<manifest>.fwt */
  case_runner run;
} net_entry;

/* ------------------------------------------------------------------------ */
/* The nets. Tolerances are those of each net's JavaScript reference test.
 * Tiny Face Detector: params (inputSize, scoreThreshold); expected: records of
 * (score, x, y, width, height). */

#define BOX_TOLERANCE_PX 1.0
#define SCORE_TOLERANCE 0.01
#define MTCNN_LANDMARK_TOLERANCE_PX 1.0
#define LANDMARK_TOLERANCE_PX 0.5
#define DESCRIPTOR_TOLERANCE 0.01
#define PROBABILITY_TOLERANCE 0.01
#define AGE_TOLERANCE_YEARS 0.5

/* Matches each expected detection (records of `stride` values: score, x, y,
 * width, height, then MTCNN's 5 landmark x and 5 y) with the closest unused
 * one of ours. */
static int compare_detections(const double *ours, int count, int stride, const net_case *c, char *why,
                              size_t why_size) {
  const int expected = c->expected_count / stride;
  if (count != expected) {
    snprintf(why, why_size, "%d detections, face-api.js found %d", count, expected);
    return 1;
  }
  int used[MAX_VALUES / 5] = {0};
  for (int e = 0; e < expected; e++) {
    const double *ref = c->expected + stride * e;
    const double ref_edges[4] = {ref[1], ref[2], ref[1] + ref[3], ref[2] + ref[4]};
    int best = -1;
    double best_error = INFINITY;
    for (int i = 0; i < count; i++) {
      if (used[i]) continue;
      const double *d = ours + stride * i;
      const double edges[4] = {d[1], d[2], d[1] + d[3], d[2] + d[4]};
      double error = 0;
      for (int k = 0; k < 4; k++) error = fmax(error, fabs(edges[k] - ref_edges[k]));
      if (error < best_error) best = i, best_error = error;
    }
    used[best] = 1;
    const double *d = ours + stride * best;
    const double score_error = fabs(d[0] - ref[0]);
    double landmark_error = 0;
    for (int k = 5; k < stride; k++) landmark_error = fmax(landmark_error, fabs(d[k] - ref[k]));
    if (!(best_error <= BOX_TOLERANCE_PX) || !(score_error <= SCORE_TOLERANCE) ||
        !(landmark_error <= MTCNN_LANDMARK_TOLERANCE_PX)) {
      snprintf(why, why_size, "face at (%.1f, %.1f): box edges off by %.3f px, score by %.4f, landmarks by %.3f px",
               ref[1], ref[2], best_error, score_error, landmark_error);
      return 1;
    }
  }
  return 0;
}

static int run_tiny_face_detector(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  const int count = fw_tiny_face_detector_detect(model, img->rgba, img->width, img->height, (int)c->params[0],
                                                 c->params[1]);
  if (count < 0) return -1;
  return compare_detections(fw_results(), count, 5, c, why, why_size);
}

/* SSD MobileNetV1: params (minConfidence, maxResults); expected as Tiny's;
 * tolerances as tests/ssd_mobilenetv1.test.mjs. */
static int run_ssd_mobilenetv1(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  const int count = fw_ssd_mobilenetv1_detect(model, img->rgba, img->width, img->height, c->params[0], c->params[1]);
  if (count < 0) return -1;
  return compare_detections(fw_results(), count, 5, c, why, why_size);
}

/* MTCNN: params (3 thresholds, then the pyramid scales); expected: records of
 * 15 (score, box, 5 landmark x, 5 landmark y); tolerances as
 * tests/mtcnn.test.mjs. */
static int run_mtcnn(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  const int count = fw_mtcnn_detect(model, img->rgba, img->width, img->height, c->params + 3, c->param_count - 3,
                                    c->params[0], c->params[1], c->params[2]);
  if (count < 0) return -1;
  return compare_detections(fw_mtcnn_results(model), count, 15, c, why, why_size);
}

/* The face nets run on one crop: params (x, y, width, height). */
static void crop_of(const net_case *c, int32_t crop[4]) {
  for (int k = 0; k < 4; k++) crop[k] = (int32_t)c->params[k];
}

/* Largest |ours - expected| over the values; NaN counts as infinite. */
static double worst_difference(const double *ours, const double *expected, int count) {
  double worst = 0;
  for (int i = 0; i < count; i++) {
    const double d = fabs(ours[i] - expected[i]);
    worst = d <= worst ? worst : (isnan(d) ? INFINITY : d);
  }
  return worst;
}

/* Landmarks: params (crop x, y, width, height, shift x, y): face-api.js
 * scales the crop-relative points by the crop's size and shifts them by the
 * detection box's corner. Expected: 68 (x, y) in image pixels, within 0.5 px
 * (tests/face_nets.test.mjs). */
static int run_face_landmarks(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  int32_t crop[4];
  crop_of(c, crop);
  float out[136];
  if (fw_face_landmarks(model, img->rgba, img->width, img->height, crop, 1, out) != 1) return -1;
  double ours[136];
  for (int i = 0; i < 68; i++) {
    ours[2 * i] = c->params[4] + (double)out[2 * i] * crop[2];
    ours[2 * i + 1] = c->params[5] + (double)out[2 * i + 1] * crop[3];
  }
  const double error = worst_difference(ours, c->expected, 136);
  if (c->expected_count != 136 || !(error <= LANDMARK_TOLERANCE_PX)) {
    snprintf(why, why_size, "landmarks off by %.4f px", error);
    return 1;
  }
  return 0;
}

/* Faces in one call past the net's batch of 8: a batch of 8 and one of 3. */
#define RECOGNITION_CROPS 11

/* The crop cut out as an image of its own, RECOGNITION_CROPS times in one
 * fw_face_descriptors_of_images call: each time the descriptor
 * fw_face_descriptors gives that image alone, bit for bit. 0, 1 with `why`,
 * or -1. */
static int run_face_recognition_images(int model, const image *img, const int32_t crop[4], char *why,
                                       size_t why_size) {
  const int width = crop[2], height = crop[3];
  uint8_t *face = malloc((size_t)width * height * 4);
  if (!face) return -1;
  const uint8_t *pixels[RECOGNITION_CROPS];
  int32_t sizes[2 * RECOGNITION_CROPS];
  for (int i = 0; i < RECOGNITION_CROPS; i++) {
    pixels[i] = face;
    sizes[2 * i] = width;
    sizes[2 * i + 1] = height;
  }
  const int32_t whole[4] = {0, 0, width, height};
  float alone[128], together[128 * RECOGNITION_CROPS];
  int status = fw_image_crop(img->rgba, img->width, img->height, crop[0], crop[1], width, height, face) != 0 ||
                       fw_face_descriptors(model, face, width, height, whole, 1, alone) != 1 ||
                       fw_face_descriptors_of_images(model, pixels, sizes, RECOGNITION_CROPS, together) !=
                           RECOGNITION_CROPS
                   ? -1
                   : 0;
  for (int i = 0; status == 0 && i < RECOGNITION_CROPS; i++)
    if (memcmp(together + 128 * i, alone, sizeof alone) != 0) {
      snprintf(why, why_size, "descriptor %d of %d face images in one call differs from its image's alone", i,
               RECOGNITION_CROPS);
      status = 1;
    }
  free(face);
  return status;
}

/* Descriptor: euclidean distance to face-api.js's below 0.01; and the same
 * crop RECOGNITION_CROPS times in one call gives it each time, bit for bit. */
static int run_face_recognition(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  int32_t crops[4 * RECOGNITION_CROPS];
  crop_of(c, crops);
  for (int i = 1; i < RECOGNITION_CROPS; i++) memcpy(crops + 4 * i, crops, 4 * sizeof crops[0]);
  float out[128], batch[128 * RECOGNITION_CROPS];
  if (fw_face_descriptors(model, img->rgba, img->width, img->height, crops, 1, out) != 1) return -1;
  double sum = 0;
  for (int i = 0; i < 128; i++) sum += ((double)out[i] - c->expected[i]) * ((double)out[i] - c->expected[i]);
  if (c->expected_count != 128 || !(sqrt(sum) < DESCRIPTOR_TOLERANCE)) {
    snprintf(why, why_size, "descriptor at distance %.5f", sqrt(sum));
    return 1;
  }
  if (fw_face_descriptors(model, img->rgba, img->width, img->height, crops, RECOGNITION_CROPS, batch) !=
      RECOGNITION_CROPS)
    return -1;
  for (int i = 0; i < RECOGNITION_CROPS; i++)
    if (memcmp(batch + 128 * i, out, sizeof out) != 0) {
      snprintf(why, why_size, "descriptor %d of %d in one call differs from the call with its crop alone", i,
               RECOGNITION_CROPS);
      return 1;
    }
  return run_face_recognition_images(model, img, crops, why, why_size);
}

/* Expressions: 7 probabilities, each within 0.01. */
static int run_face_expression(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  int32_t crop[4];
  crop_of(c, crop);
  if (fw_face_expression_predict(model, img->rgba, img->width, img->height, crop, 1) != 1) return -1;
  const double error = worst_difference(fw_results(), c->expected, 7);
  if (c->expected_count != 7 || !(error <= PROBABILITY_TOLERANCE)) {
    snprintf(why, why_size, "an expression probability off by %.5f", error);
    return 1;
  }
  return 0;
}

/* Age within 0.5 years, probability of 'male' within 0.01. */
static int run_age_gender(int model, const image *img, const net_case *c, char *why, size_t why_size) {
  int32_t crop[4];
  crop_of(c, crop);
  if (fw_age_gender_predict(model, img->rgba, img->width, img->height, crop, 1) != 1) return -1;
  const double *r = fw_results();
  const double age_error = fabs(r[0] - c->expected[0]), male_error = fabs(r[1] - c->expected[1]);
  if (c->expected_count != 2 || !(age_error <= AGE_TOLERANCE_YEARS) || !(male_error <= PROBABILITY_TOLERANCE)) {
    snprintf(why, why_size, "age off by %.3f years, male probability by %.5f", age_error, male_error);
    return 1;
  }
  return 0;
}

static const net_entry NETS[] = {
    {"tiny_face_detector", FW_NET_TINY_FACE_DETECTOR, "tiny_face_detector_model", run_tiny_face_detector},
    {"ssd_mobilenetv1", FW_NET_SSD_MOBILENETV1, "ssd_mobilenetv1_model", run_ssd_mobilenetv1},
    {"face_landmark_68", FW_NET_FACE_LANDMARK_68, "face_landmark_68_model", run_face_landmarks},
    {"face_landmark_68_tiny", FW_NET_FACE_LANDMARK_68_TINY, "face_landmark_68_tiny_model", run_face_landmarks},
    {"face_recognition", FW_NET_FACE_RECOGNITION, "face_recognition_model", run_face_recognition},
    {"face_expression", FW_NET_FACE_EXPRESSION, "face_expression_model", run_face_expression},
    {"age_gender", FW_NET_AGE_GENDER, "age_gender_model", run_age_gender},
    {"mtcnn", FW_NET_MTCNN, "mtcnn_model", run_mtcnn},
};
#define NET_COUNT (int)(sizeof NETS / sizeof NETS[0])

/* ------------------------------------------------------------------------ */
/* Files */

static uint8_t *read_file(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint8_t *data = NULL;
  size_t size = 0, capacity = 0;
  for (;;) {
    if (size == capacity) {
      capacity = capacity ? capacity * 2 : 1 << 16;
      uint8_t *grown = realloc(data, capacity);
      if (!grown) break;
      data = grown;
    }
    const size_t got = fread(data + size, 1, capacity - size, f);
    size += got;
    if (got == 0) break;
  }
  fclose(f);
  *length = size;
  return data;
}

/* Decodes an image file with the core's decoder; 0, or -1 with a message. */
static int load_image(const char *path, image *img) {
  size_t length = 0;
  uint8_t *bytes = read_file(path, &length);
  if (!bytes) {
    fprintf(stderr, "cannot read %s\n", path);
    return -1;
  }
  uint8_t *copy = fw_alloc((int)length);
  int size[2] = {0, 0};
  uint8_t *rgba = copy ? (memcpy(copy, bytes, length), fw_image_decode(copy, (int)length, size)) : NULL;
  fw_free(copy);
  free(bytes);
  if (!rgba) return -1;
  *img = (image){rgba, size[0], size[1]};
  return 0;
}

/* Feeds a weight table file to a new model, as js/weights.mjs feeds a
 * manifest: for each group, every entry over the group's concatenated shards.
 * Returns the model handle, or -1 with the core's message (the model is
 * destroyed) or -2 when the file itself is unreadable. */
static int load_model(int kind, const uint8_t *file, size_t file_length) {
  const char *text = (const char *)file;
  const char *end = text + file_length;
  if (file_length < 19 || memcmp(text, "facewasm-weights 1\n", 19) != 0) return -2;
  text += 19;
  const int model = fw_model_create(kind);
  if (model < 0) return -1;
  for (;;) {
    long bytes = 0;
    int entries = 0, consumed = 0;
    if (text + 4 <= end && memcmp(text, "end\n", 4) == 0) break;
    if (sscanf(text, "group %ld %d\n%n", &bytes, &entries, &consumed) != 2 || consumed == 0) return -2;
    text += consumed;
    /* The entry lines, then the group's bytes. */
    const char *lines = text;
    for (int i = 0; i < entries; i++) {
      const char *nl = memchr(text, '\n', (size_t)(end - text));
      if (!nl) return -2;
      text = nl + 1;
    }
    if (bytes < 0 || end - text < bytes) return -2;
    uint8_t *data = fw_alloc(bytes > 0 ? (int)bytes : 1);
    if (!data) {
      fw_model_destroy(model);
      return -1;
    }
    memcpy(data, text, (size_t)bytes);
    text += bytes;
    long offset = 0;
    for (int i = 0; i < entries; i++) {
      char name[256];
      int dtype, rank, d[4], n = 0;
      double scale, min;
      if (sscanf(lines, "%255s %d %d %d %d %d %d %lf %lf\n%n", name, &dtype, &rank, &d[0], &d[1], &d[2], &d[3],
                 &scale, &min, &n) != 9) {
        fw_free(data);
        return -2;
      }
      lines += n;
      const int used = fw_model_add_tensor(model, name, (int)strlen(name), dtype, rank, d[0], d[1], d[2], d[3],
                                           scale, min, data + offset, (int)(bytes - offset));
      if (used < 0) {
        fw_free(data);
        fw_model_destroy(model);
        return -1;
      }
      offset += used;
    }
    fw_free(data);
  }
  if (fw_model_finish(model) < 0) {
    fw_model_destroy(model);
    return -1;
  }
  return model;
}

static const net_entry *net_named(const char *name) {
  for (int i = 0; i < NET_COUNT; i++)
    if (strcmp(NETS[i].net, name) == 0) return &NETS[i];
  return NULL;
}

/* Parses one "case ..." line; 0 or -1. */
static int parse_case(const char *line, net_case *c) {
  int n = 0;
  if (sscanf(line, "case %63s %1023s %d%n", c->net, c->image_path, &c->param_count, &n) != 3) return -1;
  line += n;
  if (c->param_count < 0 || c->param_count > 16) return -1;
  for (int i = 0; i < c->param_count; i++, line += n)
    if (sscanf(line, "%lf%n", &c->params[i], &n) != 1) return -1;
  if (sscanf(line, "%d%n", &c->expected_count, &n) != 1 || c->expected_count < 0 || c->expected_count > MAX_VALUES)
    return -1;
  line += n;
  for (int i = 0; i < c->expected_count; i++, line += n)
    if (sscanf(line, "%lf%n", &c->expected[i], &n) != 1) return -1;
  return 0;
}

/* Every case line of a file, in order; returns the count or -1. */
static int read_cases(const char *path, net_case **cases) {
  size_t length = 0;
  char *text = (char *)read_file(path, &length);
  if (!text) return -1;
  text = realloc(text, length + 1);
  text[length] = '\0';
  int count = 0, capacity = 0;
  *cases = NULL;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      *cases = realloc(*cases, (size_t)capacity * sizeof **cases);
    }
    if (parse_case(line, &(*cases)[count]) != 0) {
      fprintf(stderr, "%s: unreadable line: %.80s\n", path, line);
      free(text);
      return -1;
    }
    count++;
  }
  free(text);
  return count;
}

/* Loads a net's weights from DIR; the model handle or -1 (reported). */
static int load_net(const char *dir, const net_entry *net) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s.fwt", dir, net->manifest);
  size_t length = 0;
  uint8_t *file = read_file(path, &length);
  if (!file) {
    fprintf(stderr, "%s: cannot read %s\n", net->net, path);
    return -1;
  }
  const int model = load_model(net->kind, file, length);
  free(file);
  if (model == -2) fprintf(stderr, "%s: %s is not a weight table\n", net->net, path);
  if (model == -1) fprintf(stderr, "%s: loading %s failed: %s\n", net->net, path, fw_last_error());
  return model < 0 ? -1 : model;
}

/* ------------------------------------------------------------------------ */

static int run_reference(const char *dir, const char *cases_path) {
  net_case *cases = NULL;
  const int count = read_cases(cases_path, &cases);
  if (count < 0) {
    fprintf(stderr, "cannot read %s\n", cases_path);
    return 1;
  }
  int models[NET_COUNT] = {0}, failed = 0, passed = 0;
  for (int i = 0; i < count; i++) {
    const net_case *c = &cases[i];
    const net_entry *net = net_named(c->net);
    if (!net) {
      fprintf(stderr, "FAIL %s: no such net in NETS\n", c->net);
      failed++;
      continue;
    }
    int *model = &models[net - NETS];
    if (*model == 0 && (*model = load_net(dir, net)) < 0) return 1;
    image img;
    if (load_image(c->image_path, &img) != 0) {
      fprintf(stderr, "FAIL %s: %s\n", c->image_path, fw_last_error());
      failed++;
      continue;
    }
    char why[256] = "";
    const int result = net->run(*model, &img, c, why, sizeof why);
    fw_free(img.rgba);
    if (result != 0) {
      fprintf(stderr, "FAIL %s %s params[0]=%g: %s\n", c->net, c->image_path, c->params[0],
              result < 0 ? fw_last_error() : why);
      failed++;
    } else {
      passed++;
    }
  }
  for (int i = 0; i < NET_COUNT; i++)
    if (models[i] > 0) fw_model_destroy(models[i]);
  free(cases);
  printf("net_tests reference: %d cases passed, %d failed (%s)\n", passed, failed, cases_path);
  return failed ? 1 : 0;
}

#if defined(FW_ALLOC_HOOKS)

static int mentions_out_of_memory(const char *message) { return strstr(message, "out of memory") != NULL; }

/* Runs `attempt` with the i-th allocation failing (alone, then with every
 * later one), for i = 1, 2, ... until it makes no more allocations than i.
 * Each attempt must either succeed untouched by a failure or report "out of
 * memory"; `recover` then checks the instance still works. Returns failures. */
typedef int (*attempt_fn)(void *context);  /* 0 ok, 1 wrong result, -1 call failed */
typedef int (*recover_fn)(void *context); /* 0 when the instance works */

static int sweep(const char *what, attempt_fn attempt, recover_fn recover, void *context) {
  int bad = 0;
  long tried = 0;
  for (int following = 0; following <= 1; following++) {
    for (long i = 1;; i++) {
      alloc_hooks_arm(i, following);
      const int result = attempt(context);
      const long failures = alloc_hooks_failures();
      alloc_hooks_disarm();
      tried++;
      if (failures == 0) {
        if (result != 0) {
          fprintf(stderr, "FAIL %s: fails without an allocation failing: %s\n", what, fw_last_error());
          bad++;
        }
        break;
      }
      if (result == 1) {
        fprintf(stderr, "FAIL %s: allocation %ld failed and the result is wrong, without an error\n", what, i);
        bad++;
      } else if (result == 0) {
        fprintf(stderr, "FAIL %s: allocation %ld failed but the call succeeded\n", what, i);
        bad++;
      } else if (result < 0 && !mentions_out_of_memory(fw_last_error())) {
        fprintf(stderr, "FAIL %s: allocation %ld failed with an unclear message: %s\n", what, i, fw_last_error());
        bad++;
      }
      if (recover(context) != 0) {
        fprintf(stderr, "FAIL %s: the instance does not work after allocation %ld failed\n", what, i);
        bad++;
      }
      if (i > 100000) break;
    }
  }
  printf("  %s: %ld runs with a failing allocation, %d problems\n", what, tried, bad);
  return bad;
}

typedef struct oom_context {
  const char *dir;
  const net_entry *net;
  const net_case *c;
  const uint8_t *file; /* weight table */
  size_t file_length;
  uint8_t *encoded; /* the case's image file, in core memory */
  int encoded_length;
  image img;
  int model;
} oom_context;

static int attempt_load(void *opaque) {
  oom_context *x = opaque;
  const int model = load_model(x->net->kind, x->file, x->file_length);
  if (model < 0) return -1;
  fw_model_destroy(model);
  return 0;
}

static int attempt_decode(void *opaque) {
  oom_context *x = opaque;
  int size[2];
  uint8_t *rgba = fw_image_decode(x->encoded, x->encoded_length, size);
  if (!rgba) return -1;
  const int same = size[0] == x->img.width && size[1] == x->img.height &&
                   memcmp(rgba, x->img.rgba, (size_t)size[0] * (size_t)size[1] * 4) == 0;
  fw_free(rgba);
  return same ? 0 : 1;
}

/* A fresh model's first run plans its working memory: the allocations of a
 * forward pass. The model is loaded before arming. */
static int attempt_first_run(void *opaque) {
  oom_context *x = opaque;
  char why[256];
  return x->net->run(x->model, &x->img, x->c, why, sizeof why);
}

/* After a failed first run: the next attempt starts from a model that has
 * not planned yet. Whether the instance still works shows in the sweep's
 * last attempt, which runs to the end and must give the right answer, and in
 * check_model_runs afterwards (running the net after every failure would
 * make the sweep of SSD MobileNetV1 take many minutes under the sanitizers). */
static int recover_first_run(void *opaque) {
  oom_context *x = opaque;
  fw_model_destroy(x->model);
  x->model = load_model(x->net->kind, x->file, x->file_length);
  return x->model > 0 ? 0 : -1;
}

/* After a failed load there is nothing to check at once: loading again is
 * every next attempt of the sweep, and after the sweep check_model_runs runs
 * the loaded model and loads once more. Loading is the costly part of the
 * sweep (SSD and recognition pack megabytes of weights). */
static int recover_load(void *opaque) {
  (void)opaque;
  return 0;
}

static int check_model_runs(const char *what, oom_context *x) {
  char why[256] = "";
  if (x->net->run(x->model, &x->img, x->c, why, sizeof why) == 0 && attempt_load(x) == 0) return 0;
  fprintf(stderr, "FAIL %s: the loaded model does not work afterwards: %s %s\n", what, fw_last_error(), why);
  return 1;
}

/* After a failed decode: decoding works again. */
static int recover_decode(void *opaque) { return attempt_decode(opaque) == 0 ? 0 : -1; }

/* Decoding an image file with each allocation failing in turn. */
static int decode_sweep(const char *path) {
  size_t length = 0;
  uint8_t *bytes = read_file(path, &length);
  oom_context x = {0};
  if (!bytes || load_image(path, &x.img) != 0) {
    fprintf(stderr, "FAIL cannot decode %s: %s\n", path, fw_last_error());
    free(bytes);
    return 1;
  }
  x.encoded = fw_alloc((int)length);
  memcpy(x.encoded, bytes, length);
  x.encoded_length = (int)length;
  free(bytes);
  char label[1200];
  snprintf(label, sizeof label, "decoding %s", path);
  const int bad = sweep(label, attempt_decode, recover_decode, &x);
  fw_free(x.encoded);
  fw_free(x.img.rgba);
  return bad;
}

static int run_oom(const char *dir, char **images, int image_count) {
  char cases_path[1200];
  snprintf(cases_path, sizeof cases_path, "%s/cases-quick.txt", dir);
  net_case *cases = NULL;
  const int count = read_cases(cases_path, &cases);
  if (count < 0) {
    fprintf(stderr, "cannot read %s\n", cases_path);
    return 1;
  }
  int bad = 0, nets_run = 0;
  char last_decoded[1024] = ""; /* each image's decoding is swept once */
  for (int n = 0; n < NET_COUNT; n++) {
    const net_entry *net = &NETS[n];
    const net_case *c = NULL;
    for (int i = 0; i < count && !c; i++)
      if (strcmp(cases[i].net, net->net) == 0) c = &cases[i];
    if (!c) {
      printf("  %s: no case in %s, skipped\n", net->net, cases_path);
      continue;
    }
    oom_context x = {dir, net, c, NULL, 0, NULL, 0, {NULL, 0, 0}, 0};
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.fwt", dir, net->manifest);
    x.file = read_file(path, &x.file_length);
    size_t encoded_length = 0;
    uint8_t *encoded = read_file(c->image_path, &encoded_length);
    if (!x.file || !encoded || load_image(c->image_path, &x.img) != 0) {
      fprintf(stderr, "FAIL %s: cannot read %s or %s\n", net->net, path, c->image_path);
      return 1;
    }
    x.encoded = fw_alloc((int)encoded_length);
    memcpy(x.encoded, encoded, encoded_length);
    x.encoded_length = (int)encoded_length;
    free(encoded);
    x.model = load_model(net->kind, x.file, x.file_length);
    char why[256] = "";
    if (x.model < 0 || net->run(x.model, &x.img, c, why, sizeof why) != 0) {
      fprintf(stderr, "FAIL %s: the baseline run fails: %s %s\n", net->net, fw_last_error(), why);
      return 1;
    }
    printf("%s (%s, params[0]=%g):\n", net->net, c->image_path, c->params[0]);

    /* Once planned, running again at the same shape allocates nothing. */
    alloc_hooks_arm(0, 0);
    const int again = net->run(x.model, &x.img, c, why, sizeof why);
    const long allocations = alloc_hooks_count();
    alloc_hooks_disarm();
    if (again != 0 || allocations != 0) {
      fprintf(stderr, "FAIL %s: a second run at the same size made %ld allocations (result %d)\n", net->net,
              allocations, again);
      bad++;
    } else {
      printf("  second run at the same size: no allocation\n");
    }

    char label[128];
    snprintf(label, sizeof label, "%s: loading the weights", net->net);
    bad += sweep(label, attempt_load, recover_load, &x);
    bad += check_model_runs(label, &x);
    if (strcmp(c->image_path, last_decoded) != 0) {
      snprintf(label, sizeof label, "%s: decoding the image", net->net);
      bad += sweep(label, attempt_decode, recover_decode, &x);
      bad += check_model_runs(label, &x);
      snprintf(last_decoded, sizeof last_decoded, "%s", c->image_path);
    }
    fw_model_destroy(x.model);
    x.model = load_model(net->kind, x.file, x.file_length);
    snprintf(label, sizeof label, "%s: first run (planning the working memory)", net->net);
    bad += sweep(label, attempt_first_run, recover_first_run, &x);
    bad += check_model_runs(label, &x);

    fw_model_destroy(x.model);
    fw_free(x.img.rgba);
    fw_free(x.encoded);
    free((void *)x.file);
    nets_run++;
  }
  free(cases);
  for (int i = 0; i < image_count; i++) bad += decode_sweep(images[i]);
  printf("net_tests oom: %d nets, %d more images, %d problems\n", nets_run, image_count, bad);
  return bad ? 1 : 0;
}

#endif

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows as it happens in logs */
  if (argc >= 3 && strcmp(argv[1], "reference") == 0) {
    char cases_path[1200];
    if (argc >= 4)
      snprintf(cases_path, sizeof cases_path, "%s", argv[3]);
    else
      snprintf(cases_path, sizeof cases_path, "%s/cases.txt", argv[2]);
    return run_reference(argv[2], cases_path);
  }
#if defined(FW_ALLOC_HOOKS)
  if (argc >= 3 && strcmp(argv[1], "oom") == 0) return run_oom(argv[2], argv + 3, argc - 3);
#endif
  fprintf(stderr, "usage: %s reference DIR [CASES] | oom DIR [IMAGE...] (FW_ALLOC_HOOKS builds)\n", argv[0]);
  return 2;
}
