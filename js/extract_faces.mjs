// extractFaces(input, detections): the image regions of faces, cut in C.
// In a browser each is a canvas, as face-api.js returns; in Node (no canvas)
// an ImageData-like { data: Uint8ClampedArray (RGBA), width, height }.

import { Box, FaceDetection, Rect } from './classes.mjs'
import { withInput } from './input.mjs'
import { FacewasmError, getCore } from './wasm.mjs'

function toCanvas ({ data, width, height }) {
  const canvas = globalThis.document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  canvas.getContext('2d').putImageData(new globalThis.ImageData(data, width, height), 0, 0)
  return canvas
}

/** A detection as a Box in image pixels: FaceDetection, Box/Rect, or any { x, y, width, height }. */
function boxOf (detection, width, height) {
  if (detection instanceof FaceDetection) return detection.forSize(width, height).box.floor()
  if (detection instanceof Box) return detection
  const { x, y, width: w, height: h } = detection ?? {}
  if (![x, y, w, h].every(Number.isFinite)) {
    throw new FacewasmError(`extractFaces - expected each detection to be a FaceDetection, a Rect or { x, y, width, height }, got ${JSON.stringify(detection)}`)
  }
  return new Rect(x, y, w, h)
}

/** detections: FaceDetection[] or boxes ({ x, y, width, height } in image pixels). */
export async function extractFaces (input, detections) {
  if (!Array.isArray(detections)) throw new FacewasmError(`extractFaces - expected an array of detections, got ${detections}`)
  const core = await getCore()
  const useCanvas = typeof globalThis.document?.createElement === 'function' && typeof globalThis.ImageData === 'function'
  const faces = await withInput(core, input, ({ pointer, width, height }) => {
    // face-api.js's extractFaces: detections rescaled to the image and floored, then clipped.
    const boxes = detections.map((det) => boxOf(det, width, height).clipAtImageBorders(width, height))
    return boxes.map(({ x, y, width: w, height: h }) => core.withAllocations([w * h * 4], (out) => {
      if (core.exports.fw_image_crop(pointer, width, height, x, y, w, h, out) !== 0) core.fail('extractFaces')
      return { data: new Uint8ClampedArray(core.u8().slice(out, out + w * h * 4).buffer), width: w, height: h }
    }))
  })
  return useCanvas ? faces.map(toCanvas) : faces
}
