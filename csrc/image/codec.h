/* Encoded images in and out, for Node where there is no canvas: JPEG and PNG
 * decoding (stb_image, built for those two formats only, no stdio) and PNG
 * encoding (stb_image_write). */
#ifndef FW_CODEC_H
#define FW_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Limits on decoded images (also enforced on raw RGBA input): enough for any
 * camera photo, small enough that a hostile header cannot exhaust memory. */
#define FW_MAX_IMAGE_SIDE 16384
#define FW_MAX_IMAGE_PIXELS (64u * 1024u * 1024u)

/* Decodes to packed RGBA. Returns a buffer from FW_MALLOC (release with FW_FREE, or fw_free from the glue) or NULL
 * with an error message saying why (not an image, corrupt, too large, ...). */
uint8_t *fw_decode_image(const uint8_t *data, size_t length, int *width, int *height);

/* Encodes packed RGBA as PNG. Returns a malloc'd buffer or NULL on failure. */
uint8_t *fw_encode_png(const uint8_t *rgba, int width, int height, size_t *length);

/* Checks dimensions against the limits above; -1 with a message if not. */
int fw_check_image_size(int width, int height);

#endif
