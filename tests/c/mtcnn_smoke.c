/* MTCNN end to end in a native build, run under ASan/UBSan by `make test-native`:
 * face-api.js's weights from SHARED/models, SHARED/testdata/decoded/faces.png
 * decoded by the core, face-api.js's default pyramid. Checks the six faces of
 * faces.jpg (exact values are the JavaScript tests' business) and that edge
 * cases run cleanly: no pyramid level, one 12-pixel level, a level too large,
 * the candidate cap, calls with a wrong handle. Without SHARED it says so and
 * passes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"

static int failures;

static void check(int ok, const char *what) {
  if (!ok) {
    failures++;
    printf("FAIL %s (last error: %s)\n", what, fw_last_error());
  }
}

static unsigned char *read_file(const char *path, long *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *data = NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (*length = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (data = malloc((size_t)*length + 1)) && fread(data, 1, (size_t)*length, f) != (size_t)*length) {
    free(data);
    data = NULL;
  }
  if (data) data[*length] = 0;
  fclose(f);
  return data;
}

/* Feeds every float32 tensor of the manifest (names and shapes in order) from the one shard. */
static int load_mtcnn(const char *shared) {
  char path[1024];
  long manifest_length, shard_length;
  snprintf(path, sizeof path, "%s/models/mtcnn_model-weights_manifest.json", shared);
  char *manifest = (char *)read_file(path, &manifest_length);
  snprintf(path, sizeof path, "%s/models/mtcnn_model-shard1", shared);
  unsigned char *shard = read_file(path, &shard_length);
  const int model = fw_model_create(FW_NET_MTCNN);
  int ok = manifest && shard && model > 0;
  long offset = 0;
  for (const char *p = manifest; ok && (p = strstr(p, "\"name\":\"")); ) {
    p += 8;
    const char *end = strchr(p, '"');
    const char *shape = strstr(p, "\"shape\":[");
    ok = end && shape;
    if (!ok) break;
    int dims[4] = {1, 1, 1, 1}, rank = 0;
    for (const char *s = shape + 9; rank < 4 && *s != ']';) {
      char *next;
      dims[rank++] = (int)strtol(s, &next, 10);
      s = *next == ',' ? next + 1 : next;
    }
    const int used = fw_model_add_tensor(model, p, (int)(end - p), 1 /* float32 */, rank, dims[0], dims[1], dims[2],
                                         dims[3], 1.0, 0.0, shard + offset, (int)(shard_length - offset));
    ok = used > 0;
    offset += used;
    p = end;
  }
  ok = ok && offset == shard_length && fw_model_finish(model) == 0;
  free(manifest);
  free(shard);
  if (!ok) {
    printf("FAIL loading MTCNN weights from %s/models: %s\n", shared, fw_last_error());
    failures++;
    return -1;
  }
  return model;
}

/* face-api.js's pyramidDown, filtered to levels over 12 pixels, at most 10. */
static int default_scales(int width, int height, double *scales) {
  const double m = 12.0 / 20.0;
  double min_layer = (width < height ? width : height) * m;
  int n = 0;
  for (int e = 0; min_layer >= 12; e++, min_layer *= 0.709) {
    const double s = m * pow(0.709, e);
    if (n < 10 && floor(width * s) > 12 && floor(height * s) > 12) scales[n++] = s;
  }
  return n;
}

int main(int argc, char **argv) {
  const char *shared = argc > 1 ? argv[1] : "../shared";
  char path[1024];
  snprintf(path, sizeof path, "%s/testdata/decoded/faces.png", shared);
  long png_length;
  unsigned char *png = read_file(path, &png_length);
  if (!png) {
    printf("mtcnn smoke test: skipped, %s not found\n", path);
    return 0;
  }
  const int model = load_mtcnn(shared);
  int size[2] = {0, 0};
  uint8_t *rgba = fw_image_decode(png, (int)png_length, size);
  check(rgba != NULL, "decoding faces.png");
  if (model > 0 && rgba) {
    double scales[16];
    const int n = default_scales(size[0], size[1], scales);
    const int faces = fw_mtcnn_detect(model, rgba, size[0], size[1], scales, n, 0.6, 0.7, 0.7);
    check(faces == 6, "faces.png: six faces with the default options");
    const double *r = fw_mtcnn_results(model);
    for (int i = 0; r && i < faces; i++)
      for (int k = 0; k < 15; k++) check(isfinite(r[i * 15 + k]), "finite result fields");
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], scales, 0, 0.6, 0.7, 0.7) == 0, "no levels: no faces");
    const double twelve = 12.0 / size[1] + 1e-9; /* a level 12 pixels high */
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], &twelve, 1, 0.6, 0.7, 0.7) >= 0, "one 12-pixel level");
    const double huge = 100.0, tiny = 0.001;
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], &huge, 1, 0.6, 0.7, 0.7) == -1 &&
              strstr(fw_last_error(), "larger than"), "a level too large is an error");
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], &tiny, 1, 0.6, 0.7, 0.7) == -1 &&
              strstr(fw_last_error(), "smaller than"), "a level too small is an error");
    const double one = 1.0;
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], &one, 1, 0.0, 0.7, 0.7) == -1 &&
              strstr(fw_last_error(), "candidate boxes"), "the candidate cap is an error");
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], scales, n, 0.6, 0.7, 0.7) == 6, "usable after errors");
    const int tiny_model = fw_model_create(FW_NET_TINY_FACE_DETECTOR);
    check(fw_mtcnn_detect(tiny_model, rgba, size[0], size[1], scales, n, 0.6, 0.7, 0.7) == -1 &&
              strstr(fw_last_error(), "not a mtcnn"), "a Tiny Face Detector handle is refused");
    fw_model_destroy(tiny_model);
    fw_model_destroy(model);
    check(fw_mtcnn_detect(model, rgba, size[0], size[1], scales, n, 0.6, 0.7, 0.7) == -1, "a destroyed handle is refused");
  }
  fw_free(rgba);
  free(png);
  printf("mtcnn smoke test: %s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
