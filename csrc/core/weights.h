/* The weight table of one model while it loads: face-api.js's manifest entries
 * (name, dtype, shape, quantization) with their bytes, dequantized to float32
 * as tfjs does (value = q * scale + min, computed in double, stored as float).
 * A net then takes each tensor by name, checking its shape, and packs it for
 * its kernels; the table is freed once the net is bound. */
#ifndef FW_WEIGHTS_H
#define FW_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

/* Storage type of a tensor's bytes in the shard; the codes are part of the ABI. */
enum fw_weight_dtype {
  FW_DTYPE_FLOAT32 = 1,        /* 4 bytes per value, little endian */
  FW_DTYPE_INT32 = 2,          /* 4 bytes per value, converted to float */
  FW_DTYPE_FLOAT32_UINT8Q = 3, /* 1 byte per value: q * scale + min */
  FW_DTYPE_FLOAT32_UINT16Q = 4,/* 2 bytes per value: q * scale + min */
  FW_DTYPE_INT32_UINT8Q = 5,   /* 1 byte: trunc(q * scale + min) */
  FW_DTYPE_INT32_UINT16Q = 6   /* 2 bytes: trunc(q * scale + min) */
};

#define FW_MAX_RANK 4
#define FW_MAX_NAME 128

typedef struct fw_weight_tensor {
  char name[FW_MAX_NAME];
  int rank;
  int shape[FW_MAX_RANK];
  size_t count;
  float *values;
  /* How the manifest stored it: for the *_UINT8Q/_UINT16Q dtypes the values
   * are code * quant_scale + quant_min (the integer kernels use the codes). */
  int dtype;
  double quant_scale, quant_min;
} fw_weight_tensor;

typedef struct fw_weight_table {
  fw_weight_tensor *tensors;
  int count;
  int capacity;
  const char *model_name; /* for messages */
} fw_weight_table;

/* Decodes one manifest entry from `data` (at most `available` bytes).
 * Returns the number of bytes it occupies, or -1 with an error naming the
 * tensor (unknown dtype, bad shape, bytes missing, duplicate, NaN/Inf). */
long fw_weights_add(fw_weight_table *table, const char *name, size_t name_len, int dtype, int rank,
                    const int *shape, double scale, double min, const uint8_t *data, size_t available);

/* Finds a tensor by name and checks its shape (rank dims, -1 = any).
 * Returns NULL with an error naming the tensor on mismatch or absence. */
const fw_weight_tensor *fw_weights_get(const fw_weight_table *table, const char *name, int rank,
                                       const int *shape);

void fw_weights_free(fw_weight_table *table);

#endif
