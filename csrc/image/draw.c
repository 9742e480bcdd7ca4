#include "draw.h"

#include <math.h>
#include <stddef.h>

static void fill(uint8_t *rgba, int width, int height, long x0, long y0, long x1, long y1, uint32_t color) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > width) x1 = width;
  if (y1 > height) y1 = height;
  for (long y = y0; y < y1; y++)
    for (long x = x0; x < x1; x++) {
      uint8_t *p = rgba + ((size_t)y * width + x) * 4;
      p[0] = (uint8_t)(color >> 24);
      p[1] = (uint8_t)(color >> 16);
      p[2] = (uint8_t)(color >> 8);
      p[3] = (uint8_t)color;
    }
}

void fw_draw_rect_outline(uint8_t *rgba, int width, int height, double x, double y, double box_width,
                          double box_height, int thickness, uint32_t color) {
  if (!isfinite(x) || !isfinite(y) || !isfinite(box_width) || !isfinite(box_height) || thickness < 1) return;
  const double limit = 4.0 * (width > height ? width : height);
  /* Clamp far-away coordinates so the long conversions below cannot overflow. */
  double l = fmax(-limit, fmin(limit, x)), t = fmax(-limit, fmin(limit, y));
  double r = fmax(-limit, fmin(limit, x + box_width)), b = fmax(-limit, fmin(limit, y + box_height));
  long x0 = lround(l), y0 = lround(t), x1 = lround(r), y1 = lround(b);
  fill(rgba, width, height, x0, y0, x1, y0 + thickness, color);
  fill(rgba, width, height, x0, y1 - thickness, x1, y1, color);
  fill(rgba, width, height, x0, y0, x0 + thickness, y1, color);
  fill(rgba, width, height, x1 - thickness, y0, x1, y1, color);
}
