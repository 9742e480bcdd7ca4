#include "weights.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checked.h"
#include "status.h"

static size_t bytes_per_value(int dtype) {
  switch (dtype) {
    case FW_DTYPE_FLOAT32:
    case FW_DTYPE_INT32: return 4;
    case FW_DTYPE_FLOAT32_UINT8Q:
    case FW_DTYPE_INT32_UINT8Q: return 1;
    case FW_DTYPE_FLOAT32_UINT16Q:
    case FW_DTYPE_INT32_UINT16Q: return 2;
    default: return 0;
  }
}

static void format_shape(char *out, size_t size, int rank, const int *shape) {
  size_t n = (size_t)snprintf(out, size, "[");
  for (int i = 0; i < rank && n < size; i++)
    n += (size_t)snprintf(out + n, size - n, i ? ",%d" : "%d", shape[i]);
  if (n < size) snprintf(out + n, size - n, "]");
}

static uint32_t read_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Fills `out` with the decoded values; returns 0, or -1 when one is not finite. */
static int decode_values(float *out, const uint8_t *data, size_t count, int dtype, double scale, double min) {
  for (size_t i = 0; i < count; i++) {
    double v;
    switch (dtype) {
      case FW_DTYPE_FLOAT32: {
        uint32_t bits = read_u32le(data + 4 * i);
        float f;
        memcpy(&f, &bits, 4);
        v = f;
        break;
      }
      case FW_DTYPE_INT32: v = (double)(int32_t)read_u32le(data + 4 * i); break;
      case FW_DTYPE_FLOAT32_UINT8Q: v = data[i] * scale + min; break;
      case FW_DTYPE_FLOAT32_UINT16Q: v = (data[2 * i] | data[2 * i + 1] << 8) * scale + min; break;
      case FW_DTYPE_INT32_UINT8Q: v = trunc(data[i] * scale + min); break;
      default: v = trunc((data[2 * i] | data[2 * i + 1] << 8) * scale + min); break;
    }
    out[i] = (float)v;
    if (!isfinite(out[i])) return -1;
  }
  return 0;
}

long fw_weights_add(fw_weight_table *table, const char *name, size_t name_len, int dtype, int rank,
                    const int *shape, double scale, double min, const uint8_t *data, size_t available) {
  if (name_len == 0 || name_len >= FW_MAX_NAME) return fw_fail("a tensor name is empty or longer than %d bytes", FW_MAX_NAME - 1);
  char tname[FW_MAX_NAME];
  memcpy(tname, name, name_len);
  tname[name_len] = '\0';
  if (strlen(tname) != name_len) return fw_fail("tensor name contains a NUL byte");

  size_t value_bytes = bytes_per_value(dtype);
  if (!value_bytes) return fw_fail("tensor '%s': unsupported dtype code %d", tname, dtype);
  if (rank < 0 || rank > FW_MAX_RANK) return fw_fail("tensor '%s': rank %d is not supported (at most %d)", tname, rank, FW_MAX_RANK);
  if (dtype >= FW_DTYPE_FLOAT32_UINT8Q && !(isfinite(scale) && isfinite(min)))
    return fw_fail("tensor '%s': quantization scale/min are not finite numbers", tname);

  size_t count = 1;
  for (int i = 0; i < rank; i++) {
    if (shape[i] < 0) return fw_fail("tensor '%s': negative dimension %d", tname, shape[i]);
    if (!fw_mul_size(count, (size_t)shape[i], &count) || count > (SIZE_MAX / 8))
      return fw_fail("tensor '%s': shape is too large", tname);
  }
  size_t bytes = count * value_bytes;
  if (bytes > available) {
    char s[64];
    format_shape(s, sizeof s, rank, shape);
    return fw_fail("tensor '%s' %s needs %zu bytes but only %zu remain in the shard data (truncated shard?)",
                   tname, s, bytes, available);
  }
  if (bytes > (size_t)LONG_MAX) return fw_fail("tensor '%s': shape is too large", tname);

  for (int i = 0; i < table->count; i++)
    if (strcmp(table->tensors[i].name, tname) == 0) return fw_fail("tensor '%s' appears twice in the manifest", tname);

  if (table->count == table->capacity) {
    int cap = table->capacity ? table->capacity * 2 : 32;
    fw_weight_tensor *grown = FW_REALLOC(table->tensors, (size_t)cap * sizeof *grown);
    if (!grown) return fw_fail("out of memory loading tensor '%s'", tname);
    table->tensors = grown;
    table->capacity = cap;
  }
  float *values = FW_MALLOC(count ? count * sizeof(float) : 1);
  if (!values) return fw_fail("out of memory loading tensor '%s' (%zu values)", tname, count);
  if (decode_values(values, data, count, dtype, scale, min) != 0) {
    FW_FREE(values);
    return fw_fail("tensor '%s' contains NaN or infinite values (a damaged shard, or shards not in the manifest's order?)", tname);
  }

  fw_weight_tensor *t = &table->tensors[table->count++];
  memcpy(t->name, tname, name_len + 1);
  t->rank = rank;
  for (int i = 0; i < FW_MAX_RANK; i++) t->shape[i] = i < rank ? shape[i] : 0;
  t->count = count;
  t->values = values;
  t->dtype = dtype;
  t->quant_scale = scale;
  t->quant_min = min;
  return (long)bytes;
}

const fw_weight_tensor *fw_weights_get(const fw_weight_table *table, const char *name, int rank, const int *shape) {
  for (int i = 0; i < table->count; i++) {
    const fw_weight_tensor *t = &table->tensors[i];
    if (strcmp(t->name, name) != 0) continue;
    int ok = t->rank == rank;
    for (int d = 0; ok && d < rank; d++) ok = shape[d] < 0 || shape[d] == t->shape[d];
    if (!ok) {
      char got[64], want[64];
      format_shape(got, sizeof got, t->rank, t->shape);
      format_shape(want, sizeof want, rank, shape);
      fw_fail("tensor '%s' has shape %s, expected %s", name, got, want);
      return NULL;
    }
    return t;
  }
  fw_fail("tensor '%s' is missing from the manifest", name);
  return NULL;
}

void fw_weights_free(fw_weight_table *table) {
  for (int i = 0; i < table->count; i++) FW_FREE(table->tensors[i].values);
  FW_FREE(table->tensors);
  table->tensors = NULL;
  table->count = table->capacity = 0;
}
