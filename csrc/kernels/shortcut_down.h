/* The join of a downsampling ResNet block (face-api.js's residualDown):
 *
 *   output[y][x][c] = max(0, pooled[y][x][c] + body[y][x][c])
 *
 * pooled = 2x2 average pool, stride 2, VALID, of input [in_h][in_w][in_c]
 * (output size in_h / 2 x in_w / 2), with channels in_c..out_c-1 zero (the
 * shortcut's channel padding); body = [body_h][body_w][out_c], extended with
 * zeros to the output size (face-api.js pads a 3x3 body to 4x4 and 1x1 to 2x2
 * at the bottom/right). Requires out_c >= in_c, body_h <= in_h / 2,
 * body_w <= in_w / 2, in_h and in_w >= 2. */
#ifndef FW_SHORTCUT_DOWN_H
#define FW_SHORTCUT_DOWN_H

void fw_f32_shortcut_down__scalar(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                                  int body_w, int out_c, float *output);
void fw_f32_shortcut_down__simd128(const float *input, int in_h, int in_w, int in_c, const float *body, int body_h,
                                   int body_w, int out_c, float *output);

#endif
