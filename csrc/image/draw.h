/* Minimal raster drawing on packed RGBA, for annotated copies in Node. */
#ifndef FW_DRAW_H
#define FW_DRAW_H

#include <stdint.h>

/* Outline of the rectangle (x, y, width, height) in pixels, `thickness` pixels
 * wide inside it, clipped to the image; color is 0xRRGGBBAA. */
void fw_draw_rect_outline(uint8_t *rgba, int width, int height, double x, double y, double box_width,
                          double box_height, int thickness, uint32_t color);

#endif
