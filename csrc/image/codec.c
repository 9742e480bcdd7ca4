#include "codec.h"

#include <stdlib.h>
#include <string.h>

#include "../core/status.h"

#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS FW_MAX_IMAGE_SIDE
#define STBI_ASSERT(x) ((void)0)
#define STB_IMAGE_IMPLEMENTATION
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image.h>

#define STBI_WRITE_NO_STDIO
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

int fw_check_image_size(int width, int height) {
  if (width <= 0 || height <= 0) return fw_fail("image has no pixels (%d x %d)", width, height);
  if (width > FW_MAX_IMAGE_SIDE || height > FW_MAX_IMAGE_SIDE ||
      (unsigned long long)width * (unsigned long long)height > FW_MAX_IMAGE_PIXELS)
    return fw_fail("image is too large (%d x %d; the limit is %d pixels a side and %u megapixels)", width, height,
                   FW_MAX_IMAGE_SIDE, FW_MAX_IMAGE_PIXELS / (1024u * 1024u));
  return 0;
}

static int looks_like_jpeg(const uint8_t *d, size_t n) { return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF; }
static int looks_like_png(const uint8_t *d, size_t n) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return n >= 8 && memcmp(d, sig, 8) == 0;
}

uint8_t *fw_decode_image(const uint8_t *data, size_t length, int *width, int *height) {
  if (length == 0) {
    fw_fail("image data is empty");
    return NULL;
  }
  if (!looks_like_jpeg(data, length) && !looks_like_png(data, length)) {
    fw_fail("unsupported image format: only JPEG and PNG can be decoded");
    return NULL;
  }
  if (length > 0x7fffffff) {
    fw_fail("image file is too large");
    return NULL;
  }
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(data, (int)length, &w, &h, &channels)) {
    fw_fail("corrupt %s image: %s", looks_like_png(data, length) ? "PNG" : "JPEG", stbi_failure_reason());
    return NULL;
  }
  if (fw_check_image_size(w, h) != 0) return NULL;
  uint8_t *pixels = stbi_load_from_memory(data, (int)length, &w, &h, &channels, 4);
  if (!pixels) {
    const char *why = stbi_failure_reason();
    if (why && strcmp(why, "outofmem") == 0)
      fw_fail("out of memory decoding a %d x %d image", w, h);
    else
      fw_fail("corrupt %s image: %s", looks_like_png(data, length) ? "PNG" : "JPEG", why ? why : "unknown error");
    return NULL;
  }
  *width = w;
  *height = h;
  return pixels;
}

typedef struct png_sink {
  uint8_t *data;
  size_t length, capacity;
  int failed;
} png_sink;

static void append_to_sink(void *context, void *bytes, int size) {
  png_sink *sink = context;
  if (sink->failed || size <= 0) return;
  if (sink->length + (size_t)size > sink->capacity) {
    size_t cap = sink->capacity ? sink->capacity : 4096;
    while (cap < sink->length + (size_t)size) cap *= 2;
    uint8_t *grown = realloc(sink->data, cap);
    if (!grown) {
      sink->failed = 1;
      return;
    }
    sink->data = grown;
    sink->capacity = cap;
  }
  memcpy(sink->data + sink->length, bytes, (size_t)size);
  sink->length += (size_t)size;
}

uint8_t *fw_encode_png(const uint8_t *rgba, int width, int height, size_t *length) {
  if (fw_check_image_size(width, height) != 0) return NULL;
  png_sink sink = {0};
  if (!stbi_write_png_to_func(append_to_sink, &sink, width, height, 4, rgba, width * 4) || sink.failed) {
    free(sink.data);
    fw_fail("out of memory encoding a %d x %d PNG", width, height);
    return NULL;
  }
  *length = sink.length;
  return sink.data;
}
