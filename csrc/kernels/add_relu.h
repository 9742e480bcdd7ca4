/* Element-wise residual join: for i < n, s = a[i] + b[i]; sum[i] = s (when
 * sum is not NULL) and out[i] = max(s, 0). sum may alias a (accumulate in
 * place); out may alias a or b but not sum. The dense blocks keep a running
 * sum and feed its ReLU to the next conv; ResNet blocks use out only. */
#ifndef FW_ADD_RELU_H
#define FW_ADD_RELU_H

#include <stddef.h>

void fw_f32_add_relu__scalar(const float *a, const float *b, size_t n, float *sum, float *out);
void fw_f32_add_relu__simd128(const float *a, const float *b, size_t n, float *sum, float *out);

#endif
