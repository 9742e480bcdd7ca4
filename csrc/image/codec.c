#include "codec.h"

#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/status.h"

#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS FW_MAX_IMAGE_SIDE
#define STBI_ASSERT(x) ((void)0)
/* stb_image does not always give a reason when an allocation fails (its zlib
 * decoder returns NULL silently), so its allocations note failures here: a
 * decode that ran out of memory must say so, not blame the data. */
static int decoder_out_of_memory;
static void *decoder_malloc(size_t bytes) {
  void *p = FW_MALLOC(bytes);
  if (!p) decoder_out_of_memory = 1;
  return p;
}
static void *decoder_realloc(void *pointer, size_t bytes) {
  void *p = FW_REALLOC(pointer, bytes);
  if (!p) decoder_out_of_memory = 1;
  return p;
}
#define STBI_MALLOC(bytes) decoder_malloc(bytes)
#define STBI_REALLOC(pointer, bytes) decoder_realloc(pointer, bytes)
#define STBI_FREE(pointer) FW_FREE(pointer)
#define STB_IMAGE_IMPLEMENTATION
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image.h>

#define STBI_WRITE_NO_STDIO
#define STBIW_MALLOC(bytes) FW_MALLOC(bytes)
#define STBIW_REALLOC(pointer, bytes) FW_REALLOC(pointer, bytes)
#define STBIW_FREE(pointer) FW_FREE(pointer)
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

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Reads the dimensions from the header ourselves, so that an absurd size is
 * rejected by name before stb_image allocates or reports something vaguer.
 * Returns 0, or -1 with a message. */
static int png_dimensions(const uint8_t *d, size_t n, uint32_t *w, uint32_t *h) {
  if (n < 24) return fw_fail("corrupt PNG image: the data ends inside the header (%zu bytes)", n);
  if (memcmp(d + 12, "IHDR", 4) != 0) return fw_fail("corrupt PNG image: the first chunk is not IHDR");
  *w = be32(d + 16);
  *h = be32(d + 20);
  return 0;
}

/* What a frame marker other than SOF0-SOF2 (Huffman-coded baseline,
 * extended and progressive: what stb_image decodes) stands for. */
static const char *unsupported_jpeg_kind(uint8_t sof) {
  switch (sof) {
  case 0xC0: case 0xC1: case 0xC2: return NULL;
  case 0xC3: return "lossless";
  case 0xC9: case 0xCA: case 0xCB: return "arithmetic-coded";
  default: return "hierarchical"; /* C5-C7, CD-CF */
  }
}

static int jpeg_dimensions(const uint8_t *d, size_t n, uint32_t *w, uint32_t *h) {
  size_t i = 2;
  for (;;) {
    while (i < n && d[i] != 0xFF) i++; /* tolerate garbage between segments */
    while (i < n && d[i] == 0xFF) i++; /* fill bytes */
    if (i >= n) return fw_fail("corrupt JPEG image: the data ends before the frame header");
    const uint8_t marker = d[i++];
    const int is_sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (marker == 0xD9 || marker == 0xDA) return fw_fail("corrupt JPEG image: no frame header before the image data");
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue; /* markers without a length */
    if (i + 2 > n) return fw_fail("corrupt JPEG image: the data ends inside a segment header");
    const unsigned length = be16(d + i);
    if (is_sof) {
      if (length < 8 || i + 7 > n) return fw_fail("corrupt JPEG image: the data ends inside the frame header");
      const char *kind = unsupported_jpeg_kind(marker);
      if (kind)
        return fw_fail("unsupported JPEG image: %s (only baseline and progressive JPEGs can be decoded)", kind);
      if (d[i + 2] != 8)
        return fw_fail("unsupported JPEG image: %d-bit samples (only 8-bit JPEGs can be decoded)", d[i + 2]);
      *h = be16(d + i + 3);
      *w = be16(d + i + 5);
      return 0;
    }
    if (length < 2) return fw_fail("corrupt JPEG image: bad segment length");
    i += length;
  }
}

/* The offset just past the PNG chunk at offset i: its 8-byte header, its
 * data and whatever of its 4-byte CRC the file holds (stb_image reads zeros
 * past the end, so a last chunk cut short in its CRC still counts).
 * 0 when no whole header is left or the data runs past the end. Every walk
 * over the chunks steps with this, so each sees the chunks stb_image sees. */
static size_t png_chunk_end(const uint8_t *d, size_t n, size_t i) {
  if (n - i < 8) return 0;
  const uint32_t length = be32(d + i);
  if (length > n - i - 8) return 0;
  const size_t data_end = i + 8 + length;
  return data_end + (n - data_end >= 4 ? 4 : n - data_end);
}

/* Checks that every PNG chunk's data lies within the file: the stb_image in
 * use reserves room for a declared IDAT length before reading it, so a few
 * hundred bytes declaring a 2 GB chunk would make it allocate 2 GB.
 * Returns 0, or -1 with a message. */
static int png_check_chunks(const uint8_t *d, size_t n) {
  for (size_t i = 8; n - i >= 8;) {
    const size_t end = png_chunk_end(d, n, i);
    if (!end) {
      char type[5] = {0};
      for (int k = 0; k < 4; k++) type[k] = d[i + 4 + k] >= 0x20 && d[i + 4 + k] < 0x7f ? (char)d[i + 4 + k] : '?';
      return fw_fail("corrupt PNG image: the data ends inside chunk '%s' (it declares %u bytes, %zu remain)", type,
                     (unsigned)be32(d + i), n - i - 8);
    }
    if (memcmp(d + i + 4, "IEND", 4) == 0) return 0;
    i = end;
  }
  return 0;
}

/* An IDAT chunk may be empty, but the stb_image in use, given an empty IDAT
 * before any data, does pointer arithmetic on its still-NULL buffer
 * (undefined behaviour). This returns a copy of the file without its empty
 * IDAT chunks (which hold nothing), or NULL when it has none (or out of
 * memory: *failed is set then). Chunks must already be checked to lie within
 * the file (png_check_chunks). The caller frees the copy. */
static uint8_t *png_drop_empty_idat(const uint8_t *d, size_t n, size_t *new_length, int *failed) {
  *failed = 0;
  size_t empty = 0;
  for (size_t i = 8, end; (end = png_chunk_end(d, n, i)) != 0; i = end)
    if (be32(d + i) == 0 && memcmp(d + i + 4, "IDAT", 4) == 0) empty++;
  if (!empty) return NULL;
  uint8_t *copy = FW_MALLOC(n);
  if (!copy) {
    *failed = 1;
    return NULL;
  }
  memcpy(copy, d, 8);
  size_t i = 8, out = 8;
  for (size_t end; (end = png_chunk_end(d, n, i)) != 0; i = end) {
    if (be32(d + i) == 0 && memcmp(d + i + 4, "IDAT", 4) == 0) continue;
    memcpy(copy + out, d + i, end - i);
    out += end - i;
  }
  memcpy(copy + out, d + i, n - i); /* whatever trails the last whole chunk */
  *new_length = out + (n - i);
  return copy;
}

/* The stb_image in use looks palette indices up in a 256-entry table without
 * checking them against the palette's length, so pixels whose index is past
 * the end would show whatever was on the stack. For a palette shorter than
 * 256 entries this returns a copy of the file whose PLTE chunk is padded with
 * black to 256 entries (stb_image ignores chunk CRCs), as browsers show
 * out-of-range indices; NULL when there is nothing to pad (or out of memory:
 * *failed is set then). The caller frees the copy. */
static uint8_t *png_pad_palette(const uint8_t *d, size_t n, size_t *padded_length, int *failed) {
  *failed = 0;
  for (size_t i = 8, end; (end = png_chunk_end(d, n, i)) != 0; i = end) {
    const uint32_t length = be32(d + i);
    if (memcmp(d + i + 4, "IDAT", 4) == 0) return NULL;
    if (memcmp(d + i + 4, "PLTE", 4) != 0) continue;
    if (length >= 768 || length % 3 != 0) return NULL; /* full, or invalid: stb_image rejects it */
    if (n > 0x7fffffff - 768) return NULL;               /* the copy's length must fit stb_image's int */
    const size_t extra = 768 - length, data_end = i + 8 + length;
    uint8_t *copy = FW_MALLOC(n + extra);
    if (!copy) {
      *failed = 1;
      return NULL;
    }
    memcpy(copy, d, data_end);
    memset(copy + data_end, 0, extra);
    memcpy(copy + data_end + extra, d + data_end, n - data_end);
    copy[i] = 0, copy[i + 1] = 0, copy[i + 2] = 768 >> 8, copy[i + 3] = 768 & 255;
    *padded_length = n + extra;
    return copy;
  }
  return NULL;
}

/* Walks every segment of a JPEG, skipping entropy-coded data after each scan
 * header, and rejects what the stb_image in use (2.27) does not check and
 * then reads or writes out of bounds on: Huffman tables declaring more than
 * 256 codes, and scans using a Huffman table no DHT segment has defined
 * (stb_image would decode with uninitialized tables). Anything else malformed
 * is left to stb_image to report. Returns 0, or -1 with a message. */
static int jpeg_check_huffman_tables(const uint8_t *d, size_t n) {
  size_t i = 2;
  int defined[2][4] = {{0}}; /* [DC, AC][table] */
  int progressive = 0;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) { /* entropy-coded data or garbage: find the next marker */
      i++;
      continue;
    }
    const uint8_t marker = d[i + 1];
    if (marker == 0xFF || marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      i += marker == 0xFF ? 1 : 2; /* fill byte, stuffed zero, or a marker without a length */
      continue;
    }
    if (marker == 0xD9) return 0;
    const size_t length = be16(d + i + 2);
    if (marker == 0xC4) {
      /* As stb_image reads them: table after table while the segment's length
       * is not used up, even past the segment, with zeros past the data. */
      long left = (long)length - 2;
      for (size_t t = i + 4; left > 0 && t < n;) {
        unsigned codes = 0;
        for (size_t k = t + 1; k <= t + 16 && k < n; k++) codes += d[k];
        if (codes > 256) return fw_fail("corrupt JPEG image: a Huffman table declares %u codes (at most 256)", codes);
        if (d[t] >> 4 <= 1 && (d[t] & 15) <= 3) defined[d[t] >> 4][d[t] & 15] = 1;
        t += 17 + codes;
        left -= 17 + (long)codes;
      }
    }
    if (marker == 0xC2) progressive = 1;
    if (marker == 0xDA && i + 5 <= n) {
      /* Which tables the scan decodes with: baseline both; progressive the
       * DC table for a first DC scan, none for DC refinement, AC otherwise. */
      const size_t components = d[i + 4], params = i + 5 + 2 * components;
      if (params + 3 <= n) {
        const int ss = d[params], ah = d[params + 2] >> 4;
        const int use_dc = !progressive || (ss == 0 && ah == 0), use_ac = !progressive || ss != 0;
        for (size_t c = 0; c < components; c++) {
          const int dc = d[i + 6 + 2 * c] >> 4, ac = d[i + 6 + 2 * c] & 15;
          if ((use_dc && dc <= 3 && !defined[0][dc]) || (use_ac && ac <= 3 && !defined[1][ac]))
            return fw_fail("corrupt JPEG image: a scan uses a Huffman table that was never defined");
        }
      }
    }
    i += 2 + (length < 2 ? 2 : length);
  }
  return 0;
}

/* stb_image's short failure codes, in words where they are cryptic. */
static const char *explain(const char *reason) {
  if (!reason || !*reason) return "the data is truncated or corrupt";
  if (strcmp(reason, "outofdata") == 0 || strcmp(reason, "unknown image type") == 0) return "the data is truncated or corrupt";
  if (strlen(reason) <= 4) return "the data is truncated or corrupt (a chunk is cut short or unknown)"; /* a PNG chunk name */
  return reason;
}

/* 16-bit PNGs: stb_image 2.27's own conversion to 8 bits leaks the 16-bit
 * image when its allocation fails, so they are decoded at 16 bits and
 * converted here, keeping the high byte as stb_image does. NULL on failure
 * (out of memory is noted in decoder_out_of_memory). */
static uint8_t *decode_png16(const uint8_t *data, int length, int *w, int *h) {
  int channels = 0;
  uint16_t *wide = stbi_load_16_from_memory(data, length, w, h, &channels, 4);
  if (!wide) return NULL;
  const size_t count = (size_t)*w * (size_t)*h * 4; /* within FW_MAX_IMAGE_PIXELS, checked before */
  uint8_t *pixels = decoder_malloc(count);
  if (pixels)
    for (size_t i = 0; i < count; i++) pixels[i] = (uint8_t)(wide[i] >> 8);
  FW_FREE(wide);
  return pixels;
}

uint8_t *fw_decode_image(const uint8_t *data, size_t length, int *width, int *height) {
  if (length == 0) {
    fw_fail("image data is empty");
    return NULL;
  }
  const int png = looks_like_png(data, length);
  if (!png && !looks_like_jpeg(data, length)) {
    fw_fail("unsupported image format: only JPEG and PNG can be decoded");
    return NULL;
  }
  const char *format = png ? "PNG" : "JPEG";
  if (length > 0x7fffffff) {
    fw_fail("%s file is too large (%zu bytes)", format, length);
    return NULL;
  }
  uint32_t w = 0, h = 0;
  if ((png ? png_dimensions(data, length, &w, &h) : jpeg_dimensions(data, length, &w, &h)) != 0) return NULL;
  if (w > 0x7fffffff || h > 0x7fffffff) w = h = 0x7fffffff; /* report as too large */
  if (fw_check_image_size((int)w, (int)h) != 0) return NULL;
  if (png ? png_check_chunks(data, length) != 0 : jpeg_check_huffman_tables(data, length) != 0) return NULL;

  /* stb_image keeps its last reason in a global; clear it so a failure
   * without a reason is not reported with a stale one. */
  stbi__g_failure_reason = NULL;
  decoder_out_of_memory = 0;
  int got_w = 0, got_h = 0, channels = 0, drop_failed = 0, pad_failed = 0;
  size_t trimmed_length = 0, padded_length = 0;
  uint8_t *trimmed = png ? png_drop_empty_idat(data, length, &trimmed_length, &drop_failed) : NULL;
  if (trimmed) data = trimmed, length = trimmed_length;
  uint8_t *padded = png && !drop_failed ? png_pad_palette(data, length, &padded_length, &pad_failed) : NULL;
  const uint8_t *source = padded ? padded : data;
  const int source_length = (int)(padded ? padded_length : length);
  uint8_t *pixels = NULL;
  pad_failed |= drop_failed;
  if (pad_failed)
    pixels = NULL;
  else if (png && length > 24 && data[24] == 16) /* IHDR bit depth */
    pixels = decode_png16(source, source_length, &got_w, &got_h);
  else
    pixels = stbi_load_from_memory(source, source_length, &got_w, &got_h, &channels, 4);
  FW_FREE(padded);
  FW_FREE(trimmed);
  if (!pixels && (decoder_out_of_memory || pad_failed)) {
    fw_fail("out of memory decoding a %u x %u %s image", (unsigned)w, (unsigned)h, format);
    return NULL;
  }
  if (!pixels) {
    const char *reason = stbi__g_failure_reason;
    if (!png && reason && strcmp(reason, "bad png sig") == 0) reason = NULL; /* from probing for PNG first */
    fw_fail("corrupt %s image: %s", format, explain(reason));
    return NULL;
  }
  *width = got_w;
  *height = got_h;
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
    uint8_t *grown = FW_REALLOC(sink->data, cap);
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
    FW_FREE(sink.data);
    fw_fail("out of memory encoding a %d x %d PNG", width, height);
    return NULL;
  }
  *length = sink.length;
  return sink.data;
}
