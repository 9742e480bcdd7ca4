/* Convolutions split across the thread pool (core/parallel.h) at the call
 * site, without changing the kernels: each thread runs the same kernel on a
 * band of output rows (a sub-geometry whose pad_top is shifted by the band's
 * first row, so taps resolve exactly as in the whole map), or, for 1x1
 * stride-1 VALID convs, on a run of pixels (blocks of 4, the kernels' tile).
 * Every output is computed by the same arithmetic as in one call over the
 * whole map, so the results are bit-identical to the single-thread build.
 * With one thread the kernel is called once, as before. */
#ifndef FW_PARALLEL_CONV_H
#define FW_PARALLEL_CONV_H

#include "../kernels/conv.h"

/* The signature of fw_f32_conv and fw_f32_dwconv3x3 (either twin). */
typedef void (*fw_conv_kernel)(const fw_conv_geometry *g, const float *input, const float *packed, const float *zero,
                               float *output, fw_activation act);

void fw_parallel_conv(fw_conv_kernel kernel, const fw_conv_geometry *g, const float *input, const float *packed,
                      const float *zero, float *output, fw_activation act);

#endif
