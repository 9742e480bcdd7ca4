/* Small layer helpers the nets share: packing a conv or depthwise filter from
 * the weight table by name (with shape checks), the global average pool and
 * the fully connected layer of the face nets' heads, softmax. */
#ifndef FW_LAYERS_H
#define FW_LAYERS_H

#include <stddef.h>

#include "../core/weights.h"

/* Packed `filter_name` [K,K,in_c,out_c] with `bias_name` [out_c] (bias_name
 * NULL: zero bias) for fw_f32_conv; malloc'd, NULL with an error. */
float *fw_layer_pack_conv(const fw_weight_table *w, const char *filter_name, const char *bias_name, int kernel,
                          int in_c, int out_c);

/* Packed depthwise `filter_name` [3,3,c,1] without bias for fw_f32_dwconv3x3. */
float *fw_layer_pack_depthwise(const fw_weight_table *w, const char *filter_name, int channels);

/* A fully connected layer's weights [in,out] and bias [out], copied. */
typedef struct fw_dense_layer {
  float *weights; /* [in][out] */
  float *bias;    /* [out] */
  int in, out;
} fw_dense_layer;

int fw_layer_bind_dense(fw_dense_layer *layer, const fw_weight_table *w, const char *weights_name,
                        const char *bias_name, int in, int out);
void fw_layer_release_dense(fw_dense_layer *layer);

/* y[out] = x[in] . weights + bias (float accumulation, as tf.matMul). */
void fw_layer_dense(const fw_dense_layer *layer, const float *x, float *y);

/* Softmax of n logits into probabilities, rounded to float as tf.softmax gives. */
void fw_layer_softmax(const float *logits, int n, float *probabilities);

#endif
