// facewasm: face-api.js's API on a WebAssembly core.

import { FacewasmError, hasSimd, setWasmSource, wasmFlavor } from './wasm.mjs'
import { TinyFaceDetector } from './tiny_face_detector.mjs'
import { SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options } from './options.mjs'
import { SsdMobilenetv1 } from './ssd_mobilenetv1.mjs'

export { FacewasmError, hasSimd, setWasmSource, wasmFlavor }
export { Box, BoundingBox, Dimensions, FaceDetection, ObjectDetection, Point, Rect } from './classes.mjs'
export { TinyFaceDetectorOptions, TinyYolov2Options }
export { TinyFaceDetector }
export { SsdMobilenetv1, SsdMobilenetv1Options }
export * as draw from './draw.mjs'

export const nets = {
  tinyFaceDetector: new TinyFaceDetector(),
  ssdMobilenetv1: new SsdMobilenetv1()
}

export const loadTinyFaceDetectorModel = (uri) => nets.tinyFaceDetector.load(uri)
export const loadSsdMobilenetv1Model = (uri) => nets.ssdMobilenetv1.load(uri)

// As face-api.js: no options means SSD MobileNetV1 with its defaults.
function detectorFor (options = new SsdMobilenetv1Options()) {
  if (options instanceof TinyYolov2Options) return (input) => nets.tinyFaceDetector.locateFaces(input, options)
  if (options instanceof SsdMobilenetv1Options) return (input) => nets.ssdMobilenetv1.locateFaces(input, options)
  throw new FacewasmError('detectFaces - expected options to be instance of SsdMobilenetv1Options or TinyFaceDetectorOptions')
}

/** Detection task: await it for FaceDetection[], as face-api.js's DetectAllFacesTask. */
export class DetectAllFacesTask {
  constructor (input, options) {
    this.input = input
    this.options = options
  }

  async run () { return detectorFor(this.options)(this.input) }
  then (onFulfilled, onRejected) { return this.run().then(onFulfilled, onRejected) }
}

/** Detection task for the highest-scoring face (undefined when none). */
export class DetectSingleFaceTask extends DetectAllFacesTask {
  async run () {
    const faces = await super.run()
    return faces.reduce((best, face) => (!best || face.score > best.score ? face : best), undefined)
  }
}

export function detectAllFaces (input, options) { return new DetectAllFacesTask(input, options) }
export function detectSingleFace (input, options) { return new DetectSingleFaceTask(input, options) }
