// facewasm: face-api.js's API on a WebAssembly core.

import { FacewasmError, hasSimd, setWasmSource, wasmFlavor } from './wasm.mjs'
import { TinyFaceDetector } from './tiny_face_detector.mjs'
import { TinyFaceDetectorOptions, TinyYolov2Options } from './options.mjs'
import { FaceExpressionNet, FaceExpressions, FACE_EXPRESSION_LABELS } from './face_expression_net.mjs'
import { AgeGenderNet, Gender } from './age_gender_net.mjs'

export { FacewasmError, hasSimd, setWasmSource, wasmFlavor }
export { Box, BoundingBox, Dimensions, FaceDetection, ObjectDetection, Point, Rect } from './classes.mjs'
export { TinyFaceDetectorOptions, TinyYolov2Options }
export { TinyFaceDetector }
export * as draw from './draw.mjs'
export { FaceExpressionNet, FaceExpressions, FACE_EXPRESSION_LABELS, AgeGenderNet, Gender }

export const nets = {
  tinyFaceDetector: new TinyFaceDetector(),
  faceExpressionNet: new FaceExpressionNet(),
  ageGenderNet: new AgeGenderNet()
}

export const loadTinyFaceDetectorModel = (uri) => nets.tinyFaceDetector.load(uri)
export const loadFaceExpressionModel = (uri) => nets.faceExpressionNet.load(uri)
export const loadAgeGenderModel = (uri) => nets.ageGenderNet.load(uri)

function detectorFor (options) {
  if (options instanceof TinyYolov2Options) return (input) => nets.tinyFaceDetector.locateFaces(input, options)
  throw new FacewasmError('facewasm: only the Tiny Face Detector is available so far; ' +
    'pass new TinyFaceDetectorOptions() as the detector options')
}

/** Detection task: await it for FaceDetection[], as face-api.js's DetectAllFacesTask. */
export class DetectAllFacesTask {
  constructor (input, options) {
    this.input = input
    this.options = options
  }

  run () { return detectorFor(this.options)(this.input) }
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
