// Type-checked with a Web Worker's lib (no DOM): what a worker receives are bitmaps and offscreen canvases.
import * as faceapi from 'facewasm'

export async function inWorker (bitmap: ImageBitmap, canvas: OffscreenCanvas): Promise<number> {
  const options = new faceapi.TinyFaceDetectorOptions()
  const fromBitmap = await faceapi.detectAllFaces(bitmap, options)
  const fromCanvas = await faceapi.detectAllFaces(canvas, options)
  return fromBitmap.length + fromCanvas.length
}
