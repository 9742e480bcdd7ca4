/* Elementwise sum of two float tensors of n values, for residual and dense
 * connections: sum = a + b and/or relu_sum = max(a + b, 0). Either output may
 * be NULL (not written); outputs may alias a or b (element i is read before
 * it is written). The twins give identical results (one float add each). */
#ifndef FW_ADD_H
#define FW_ADD_H

#include <stddef.h>

void fw_f32_add__scalar(const float *a, const float *b, size_t n, float *sum, float *relu_sum);
void fw_f32_add__simd128(const float *a, const float *b, size_t n, float *sum, float *relu_sum);

#endif
