/* Shared layer helpers; see layers.h. */
#include "layers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/status.h"
#include "../kernels/conv.h"
#include "../kernels/dwconv.h"

float *fw_layer_pack_conv(const fw_weight_table *w, const char *filter_name, const char *bias_name, int kernel,
                          int in_c, int out_c) {
  const fw_weight_tensor *filter = fw_weights_get(w, filter_name, 4, (int[]){kernel, kernel, in_c, out_c});
  if (!filter) return NULL;
  const fw_weight_tensor *bias = NULL;
  if (bias_name && !(bias = fw_weights_get(w, bias_name, 1, (int[]){out_c}))) return NULL;
  float *packed = FW_MALLOC(fw_conv_packed_size(kernel, in_c, out_c) * sizeof(float));
  if (!packed) {
    fw_fail("out of memory packing '%s'", filter_name);
    return NULL;
  }
  fw_pack_conv(filter->values, bias ? bias->values : NULL, kernel, in_c, out_c, packed);
  return packed;
}

float *fw_layer_pack_depthwise(const fw_weight_table *w, const char *filter_name, int channels) {
  const fw_weight_tensor *filter = fw_weights_get(w, filter_name, 4, (int[]){3, 3, channels, 1});
  if (!filter) return NULL;
  float *packed = FW_MALLOC(fw_dwconv3x3_packed_size(channels) * sizeof(float));
  if (!packed) {
    fw_fail("out of memory packing '%s'", filter_name);
    return NULL;
  }
  fw_pack_dwconv3x3(filter->values, NULL, channels, packed);
  return packed;
}

int fw_layer_bind_dense(fw_dense_layer *layer, const fw_weight_table *w, const char *weights_name,
                        const char *bias_name, int in, int out) {
  const fw_weight_tensor *weights = fw_weights_get(w, weights_name, 2, (int[]){in, out});
  const fw_weight_tensor *bias = weights ? fw_weights_get(w, bias_name, 1, (int[]){out}) : NULL;
  if (!bias) return -1;
  layer->weights = FW_MALLOC((size_t)in * out * sizeof(float));
  layer->bias = FW_MALLOC((size_t)out * sizeof(float));
  if (!layer->weights || !layer->bias) {
    fw_layer_release_dense(layer);
    return fw_fail("out of memory copying '%s'", weights_name);
  }
  memcpy(layer->weights, weights->values, (size_t)in * out * sizeof(float));
  memcpy(layer->bias, bias->values, (size_t)out * sizeof(float));
  layer->in = in;
  layer->out = out;
  return 0;
}

void fw_layer_release_dense(fw_dense_layer *layer) {
  FW_FREE(layer->weights);
  FW_FREE(layer->bias);
  layer->weights = layer->bias = NULL;
}

void fw_layer_dense(const fw_dense_layer *layer, const float *x, float *y) {
  for (int j = 0; j < layer->out; j++) {
    float acc = 0.0f;
    for (int i = 0; i < layer->in; i++) acc += x[i] * layer->weights[(size_t)i * layer->out + j];
    y[j] = acc + layer->bias[j];
  }
}

void fw_layer_softmax(const float *logits, int n, float *probabilities) {
  double max = logits[0], sum = 0.0;
  for (int i = 1; i < n; i++)
    if (logits[i] > max) max = logits[i];
  for (int i = 0; i < n; i++) sum += exp(logits[i] - max);
  for (int i = 0; i < n; i++) probabilities[i] = (float)(exp(logits[i] - max) / sum);
}
