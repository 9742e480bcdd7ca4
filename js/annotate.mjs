// Annotated copies of an image for Node (no canvas): boxes are drawn and the
// PNG is encoded inside the core.

import { getCore } from './wasm.mjs'
import { withInput } from './input.mjs'

const BOX_COLOR = 0x0000ffff // face-api.js's default box colour, rgba(0, 0, 255, 1), as 0xRRGGBBAA

/** PNG bytes of `input` with an outline around each detection's box. */
export async function drawDetectionsToPng (input, detections) {
  const core = await getCore()
  return withInput(core, input, ({ pointer, width, height }) => {
    const thickness = Math.max(2, Math.round(Math.min(width, height) / 250))
    for (const detection of detections) {
      const { x, y, width: w, height: h } = detection.box ?? detection
      core.exports.fw_image_draw_rect(pointer, width, height, x, y, w, h, thickness, BOX_COLOR)
    }
    const lengthPointer = core.alloc(4)
    try {
      const png = core.exports.fw_image_encode_png(pointer, width, height, lengthPointer)
      if (!png) core.fail('PNG encoding')
      const length = core.i32()[lengthPointer >> 2]
      const bytes = core.u8().slice(png, png + length)
      core.free(png)
      return bytes
    } finally {
      core.free(lengthPointer)
    }
  })
}
