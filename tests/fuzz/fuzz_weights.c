/* libFuzzer target: the weight loader and net binding on arbitrary manifest
 * entries and shard bytes, through the ABI the glue uses (fw_model_create,
 * fw_model_add_tensor, fw_model_finish, fw_model_destroy).
 *
 * Input: a net index, then operations until the bytes run out:
 *   add     name (one of the net's tensor names, or arbitrary bytes), shape
 *           (the right one, or arbitrary rank and int32 dimensions), dtype code,
 *           quantization scale/min (including NaN, Inf), data (bytes from the
 *           input, or generated: exactly the size needed, with a NaN, short
 *           or long)
 *   finish  bind; when it succeeds, run the net once on a small image
 *   handle  calls with a forged model handle
 *   restart destroy the model and create a new one
 * Every call must succeed or fail with a message; an add must consume exactly
 * the tensor's bytes. Seeds: tests/fuzz/weights/. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facewasm.h"
#include "fuzz_nets.h"

typedef struct reader {
  const uint8_t *p;
  size_t left;
} reader;

static uint8_t u8(reader *r) {
  if (!r->left) return 0;
  r->left--;
  return *r->p++;
}
static uint16_t u16(reader *r) { return (uint16_t)(u8(r) << 8 | u8(r)); }
static int32_t i32(reader *r) { return (int32_t)((uint32_t)u16(r) << 16 | u16(r)); }

static size_t bytes_per_value(int dtype) {
  switch (dtype) {
    case 1: case 2: return 4;
    case 3: case 5: return 1;
    case 4: case 6: return 2;
    default: return 0;
  }
}

static const double quantization_values[] = {0.01, 0.5, -1.0, 0.0, 1e38, -1e300, NAN, INFINITY};
#define QUANTIZATION_VALUES (sizeof quantization_values / sizeof quantization_values[0])

/* Valid float32/int32/quantized data for a tensor of `count` values: small
 * numbers, or one NaN at the position `poison` when `poison` < count. */
static void generate(uint8_t *out, size_t bytes, int dtype, size_t poison, uint32_t seed) {
  uint32_t state = seed | 1u;
  for (size_t i = 0; i < bytes; i++) out[i] = (uint8_t)(fuzz_random(&state) >> 24);
  if (dtype == 1) {
    for (size_t i = 0; i + 4 <= bytes; i += 4) {
      const float v = (float)(out[i] - 128) / 64.0f;
      memcpy(out + i, &v, 4);
    }
    if (poison < bytes / 4) {
      const float nan = NAN;
      memcpy(out + poison * 4, &nan, 4);
    }
  }
}

static void add(int model, const fuzz_net *net, reader *r) {
  char name[300];
  int name_length;
  const uint8_t name_mode = u8(r);
  const fuzz_tensor *spec = &net->tensors[name_mode % net->tensor_count];
  if (name_mode < 200) {
    name_length = (int)strlen(spec->name);
    memcpy(name, spec->name, (size_t)name_length);
  } else {
    name_length = (name_mode - 200) * 5; /* up to 275 bytes, beyond the 127 limit */
    for (int i = 0; i < name_length; i++) name[i] = (char)u8(r);
  }
  int rank = spec->rank, shape[4] = {spec->shape[0], spec->shape[1], spec->shape[2], spec->shape[3]};
  const uint8_t shape_mode = u8(r);
  if (shape_mode & 1) {
    rank = (shape_mode >> 1) % 7 - 1; /* -1 .. 5 */
    for (int d = 0; d < 4; d++) shape[d] = shape_mode & 2 ? i32(r) : (int)(u8(r) % 40);
  }
  const uint8_t dtype_byte = u8(r);
  const int dtype = dtype_byte < 128 ? 3 : dtype_byte % 8; /* mostly float32/uint8 as face-api.js ships */
  const double scale = quantization_values[u8(r) % QUANTIZATION_VALUES];
  const double min = quantization_values[u8(r) % QUANTIZATION_VALUES];

  /* What the entry should occupy, when that is computable. */
  long long need = -1;
  if (bytes_per_value(dtype) && rank >= 0 && rank <= 4) {
    need = (long long)bytes_per_value(dtype);
    for (int d = 0; d < rank && need >= 0; d++) {
      if (shape[d] < 0) need = -1;
      else if (shape[d] > 0 && need > (1ll << 40) / shape[d]) need = 1ll << 40;
      else need *= shape[d];
    }
  }
  const uint8_t data_mode = u8(r);
  const uint8_t *data;
  uint8_t *generated = NULL;
  int available;
  if (data_mode % 4 == 0 || need < 0 || need > (8 << 20)) {
    available = u16(r);
    if ((size_t)available > r->left) available = (int)r->left;
    data = r->p;
    r->p += available;
    r->left -= (size_t)available;
  } else {
    /* Exactly the bytes needed; or a NaN among them; or some short or extra. */
    const int delta = data_mode % 4 == 3 ? (int)(int8_t)u8(r) : 0;
    available = (int)need + delta < 0 ? 0 : (int)need + delta;
    generated = fw_alloc(available > 0 ? available : 1);
    FUZZ_CHECK(generated != NULL, "out of memory");
    const size_t poison = data_mode % 4 == 2 ? u16(r) : (size_t)-1;
    const uint16_t seed = u16(r);
    generate(generated, (size_t)available, dtype, poison, seed);
    data = generated;
  }
  const int used = fw_model_add_tensor(model, name, name_length, dtype, rank, shape[0], shape[1], shape[2], shape[3],
                                       scale, min, data, available);
  if (used < 0) {
    FUZZ_CHECK(fw_last_error()[0] != '\0', "add failed without a message");
  } else {
    FUZZ_CHECK(need >= 0 && used == need && used <= available, "add consumed %d bytes; the entry needs %lld of %d",
               used, need, available);
  }
  fw_free(generated);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  reader r = {bytes, size};
  const fuzz_net *net = &FUZZ_NETS[u8(&r) % FUZZ_NET_COUNT];
  int model = fw_model_create(net->kind);
  FUZZ_CHECK(model > 0, "create: %s", fw_last_error());
  int loaded = 0;
  while (r.left) {
    const uint8_t op = u8(&r) % 16;
    if (op < 12) {
      add(model, net, &r);
      FUZZ_CHECK(!loaded || fw_last_error()[0], "add after a successful finish");
    } else if (op < 14) {
      const int status = fw_model_finish(model);
      FUZZ_CHECK(status == 0 || fw_last_error()[0] != '\0', "finish failed without a message");
      if (status == 0 && !loaded) {
        loaded = 1;
        uint8_t rgba[40 * 30 * 4];
        for (size_t i = 0; i < sizeof rgba; i++) rgba[i] = (uint8_t)(i * 7);
        const uint8_t knobs[4] = {0, 128, 1, 0};
        net->run(model, rgba, 40, 30, knobs);
      }
    } else if (op == 14) {
      const int forged = i32(&r);
      if (forged != model) {
        FUZZ_CHECK(fw_model_finish(forged) < 0, "finish accepted the forged handle %d", forged);
        FUZZ_CHECK(fw_model_add_tensor(forged, "x", 1, 1, 0, 0, 0, 0, 0, 0, 0, bytes, 4) < 0,
                   "add accepted the forged handle %d", forged);
        fw_model_destroy(forged);
      }
    } else {
      fw_model_destroy(model);
      model = fw_model_create(net->kind);
      FUZZ_CHECK(model > 0, "create after destroy: %s", fw_last_error());
      loaded = 0;
    }
  }
  fw_model_destroy(model);
  return 0;
}
