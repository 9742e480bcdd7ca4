/* Layers split across the thread pool (core/parallel.h) at the call site,
 * without changing the kernels: each thread runs the same kernel on a band of
 * output rows (fw_conv_row_band: taps resolve exactly as in the whole map),
 * for 1x1 stride-1 VALID convs on a run of pixels (blocks of 4, the kernels'
 * tile), for a dense conv (fw_f32_conv) with a single output pixel or a few
 * rows that do not share out evenly on a range of output channel panels
 * (fw_pack_conv's panels are contiguous); pools, the
 * residual down join and the input scaling by rows, adds by runs of values.
 * Every output is computed by the same arithmetic as in one call over the
 * whole map, so the results are bit-identical to the single-thread build.
 * With one thread the kernel is called once, as before. */
#ifndef FW_PARALLEL_CONV_H
#define FW_PARALLEL_CONV_H

#include "../image/preprocess.h"
#include "../kernels/conv.h"

/* fw_f32_conv and fw_f32_dwconv3x3 (arguments as there), split as above
 * (the split by output-channel panels is the dense conv's alone). */
void fw_parallel_conv(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                      float *output, fw_activation act);
void fw_parallel_dwconv3x3(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                           float *output, fw_activation act);

/* fw_f32_maxpool_kxk (arguments as there), split by row bands too. */
void fw_parallel_maxpool(const fw_conv_geometry *g, const float *input, float *output);

/* fw_f32_add (sum and/or relu_sum of n values) split into runs of values:
 * each thread adds the part of the map it computed in the layer before. */
void fw_parallel_add(const float *a, const float *b, size_t n, float *sum, float *relu_sum);

/* fw_f32_shortcut_down (arguments as there) split by output rows. */
void fw_parallel_shortcut_down(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                               int body_w, int out_c, float *output);

/* fw_rgba_to_square_input split by output rows. */
void fw_parallel_square_input(const fw_rgba_image *image, fw_crop crop, fw_square_padding padding, int size,
                              const float mean[3], float divisor, float *out);

#endif
