// The chain API: detectAllFaces(input, options).withFaceLandmarks().withFaceDescriptors() and
// the other orders face-api.js allows, with its task classes and result shapes.
//
// A task is a list of steps over one input. Awaiting it resolves the input once
// (withInput: pixels in linear memory), runs the detector on those pixels, then
// each step in order, synchronously, each cutting its crops from the same pixels
// and calling a net's _runOnCrops(core, pixels, crops). The detector is a
// function chosen by the caller from the options (detect(core, pixels) ->
// FaceDetection[]), so any detector plugs in.
//
// Steps, as face-api.js's globalApi does them:
//   landmarks    crop = detection box (clipped, floored); landmarks shifted by the box's x, y;
//                alignedRect = landmarks.align() (min box + 20 %)
//   descriptors  crop = landmarks.align(null, { useDlibAlignment: true }) (clipped)
//   expressions, age and gender
//                crop = alignedRect after landmarks, else the detection box; they call
//                nets.faceExpressionNet._runOnCrops (-> expressions per crop) and
//                nets.ageGenderNet._runOnCrops (-> { age, gender, genderProbability } per crop)

import { FaceDetection } from './classes.mjs'
import { withInput } from './input.mjs'
import { FacewasmError, getCore } from './wasm.mjs'

export class ComposableTask {
  async run () { throw new Error('ComposableTask - run is not implemented') }
  then (onFulfilled, onRejected) { return this.run().then(onFulfilled, onRejected) }
}

// ---- result extension (face-api.js's factories) ----

export function extendWithFaceDetection (sourceObj, detection) { return { ...sourceObj, detection } }

export function extendWithFaceLandmarks (sourceObj, unshiftedLandmarks) {
  const shift = sourceObj.detection.box
  const landmarks = unshiftedLandmarks.shiftBy(shift.x, shift.y)
  const rect = landmarks.align()
  const imageDims = sourceObj.detection.imageDims
  const alignedRect = new FaceDetection(sourceObj.detection.score, rect.rescale(imageDims.reverse()), imageDims)
  return { ...sourceObj, landmarks, unshiftedLandmarks, alignedRect }
}

export function extendWithFaceDescriptor (sourceObj, descriptor) { return { ...sourceObj, descriptor } }
export function extendWithFaceExpressions (sourceObj, expressions) { return { ...sourceObj, expressions } }
export function extendWithAge (sourceObj, age) { return { ...sourceObj, age } }
export function extendWithGender (sourceObj, gender, genderProbability) { return { ...sourceObj, gender, genderProbability } }

// ---- crops, as extractFaceTensors cuts them ----

/** The integer rectangle face-api.js slices for a FaceDetection or a box. */
export function cropRect (detectionOrBox, width, height) {
  const box = detectionOrBox instanceof FaceDetection ? detectionOrBox.forSize(width, height).box : detectionOrBox
  const { x, y, width: w, height: h } = box.clipAtImageBorders(width, height)
  return { x, y, width: w, height: h }
}

function requireNet (nets, key, method) {
  const net = nets[key]
  if (!net || typeof net._runOnCrops !== 'function') {
    throw new FacewasmError(`${method}: nets.${key} is not available in this build`)
  }
  return net
}

// Each step maps (context, core, pixels, results) to results.
const steps = {
  landmarks: (useTiny) => ({ nets }, core, pixels, results) => {
    const net = requireNet(nets, useTiny ? 'faceLandmark68TinyNet' : 'faceLandmark68Net', 'withFaceLandmarks')
    const crops = results.map((r) => cropRect(r.detection, pixels.width, pixels.height))
    const landmarks = net._runOnCrops(core, pixels, crops)
    return results.map((r, i) => extendWithFaceLandmarks(r, landmarks[i]))
  },
  descriptors: ({ nets }, core, pixels, results) => {
    const net = requireNet(nets, 'faceRecognitionNet', 'withFaceDescriptors')
    const crops = results.map((r) => cropRect(r.landmarks.align(null, { useDlibAlignment: true }), pixels.width, pixels.height))
    const descriptors = net._runOnCrops(core, pixels, crops)
    return results.map((r, i) => extendWithFaceDescriptor(r, descriptors[i]))
  },
  expressions: ({ nets }, core, pixels, results) => {
    const net = requireNet(nets, 'faceExpressionNet', 'withFaceExpressions')
    const crops = results.map((r) => cropRect(r.landmarks ? r.alignedRect : r.detection, pixels.width, pixels.height))
    const expressions = net._runOnCrops(core, pixels, crops)
    return results.map((r, i) => extendWithFaceExpressions(r, expressions[i]))
  },
  ageAndGender: ({ nets }, core, pixels, results) => {
    const net = requireNet(nets, 'ageGenderNet', 'withAgeAndGender')
    const crops = results.map((r) => cropRect(r.landmarks ? r.alignedRect : r.detection, pixels.width, pixels.height))
    const predictions = net._runOnCrops(core, pixels, crops)
    return results.map((r, i) => {
      const { age, gender, genderProbability } = predictions[i]
      return extendWithAge(extendWithGender(r, gender, genderProbability), age)
    })
  }
}

/** The best-scoring detection, the first one on ties (face-api.js's DetectSingleFaceTask). */
function highestScoring (detections) {
  let best = detections[0]
  for (const d of detections) if (d.score > best.score) best = d
  return best
}

/**
 * A chain of steps. context: { input, detect(core, pixels) -> FaceDetection[], nets };
 * single: keep only the best detection (result undefined when there is none).
 */
class FaceTask extends ComposableTask {
  constructor (context, stepList = [], single = false) {
    super()
    this._context = context
    this._steps = stepList
    this._single = single
  }

  get input () { return this._context.input }

  _extend (TaskClass, step) { return new TaskClass(this._context, [...this._steps, step], this._single) }

  /** Every result with its detection (and extensions); the plain detections when there are no steps. */
  async run () {
    const core = await getCore()
    const { input, detect } = this._context
    // face-api.js would answer for the first image alone
    if (Array.isArray(input)) throw new FacewasmError('detectAllFaces / detectSingleFace take one image; for several, call them once per image (or nets.<detector>.locateFaces([a, b]), which answers for each)')
    return withInput(core, input, (pixels) => {
      let detections = detect(core, pixels)
      if (this._single) detections = detections.length ? [highestScoring(detections)] : []
      let results = detections
      if (this._steps.length) {
        results = detections.map((d) => extendWithFaceDetection({}, d))
        for (const step of this._steps) if (results.length) results = step(this._context, core, pixels, results)
      }
      return this._single ? results[0] : results
    })
  }
}

// ---- the task classes, named and connected as face-api.js's ----

export class DetectFacesTaskBase extends FaceTask {}
export class DetectFaceLandmarksTaskBase extends FaceTask {}
export class ComputeFaceDescriptorsTaskBase extends FaceTask {}

export class DetectAllFacesTask extends DetectFacesTaskBase {
  withFaceLandmarks (useTinyLandmarkNet = false) { return this._extend(DetectAllFaceLandmarksTask, steps.landmarks(useTinyLandmarkNet)) }
  withFaceExpressions () { return this._extend(PredictAllFaceExpressionsTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictAllAgeAndGenderTask, steps.ageAndGender) }
}

export class DetectSingleFaceTask extends DetectFacesTaskBase {
  constructor (context, stepList = []) { super(context, stepList, true) }
  withFaceLandmarks (useTinyLandmarkNet = false) { return this._extend(DetectSingleFaceLandmarksTask, steps.landmarks(useTinyLandmarkNet)) }
  withFaceExpressions () { return this._extend(PredictSingleFaceExpressionsTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictSingleAgeAndGenderTask, steps.ageAndGender) }
}

export class DetectAllFaceLandmarksTask extends DetectFaceLandmarksTaskBase {
  withFaceExpressions () { return this._extend(PredictAllFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictAllAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
  withFaceDescriptors () { return this._extend(ComputeAllFaceDescriptorsTask, steps.descriptors) }
}

export class DetectSingleFaceLandmarksTask extends DetectFaceLandmarksTaskBase {
  withFaceExpressions () { return this._extend(PredictSingleFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictSingleAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
  withFaceDescriptor () { return this._extend(ComputeSingleFaceDescriptorTask, steps.descriptors) }
}

export class ComputeAllFaceDescriptorsTask extends ComputeFaceDescriptorsTaskBase {
  withFaceExpressions () { return this._extend(PredictAllFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictAllAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
}

export class ComputeSingleFaceDescriptorTask extends ComputeFaceDescriptorsTaskBase {
  withFaceExpressions () { return this._extend(PredictSingleFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withAgeAndGender () { return this._extend(PredictSingleAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
}

export class PredictAllFaceExpressionsTask extends FaceTask {
  withAgeAndGender () { return this._extend(PredictAllAgeAndGenderTask, steps.ageAndGender) }
}

export class PredictSingleFaceExpressionsTask extends FaceTask {
  withAgeAndGender () { return this._extend(PredictSingleAgeAndGenderTask, steps.ageAndGender) }
}

export class PredictAllFaceExpressionsWithFaceAlignmentTask extends PredictAllFaceExpressionsTask {
  withAgeAndGender () { return this._extend(PredictAllAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
  withFaceDescriptors () { return this._extend(ComputeAllFaceDescriptorsTask, steps.descriptors) }
}

export class PredictSingleFaceExpressionsWithFaceAlignmentTask extends PredictSingleFaceExpressionsTask {
  withAgeAndGender () { return this._extend(PredictSingleAgeAndGenderWithFaceAlignmentTask, steps.ageAndGender) }
  withFaceDescriptor () { return this._extend(ComputeSingleFaceDescriptorTask, steps.descriptors) }
}

export class PredictAllAgeAndGenderTask extends FaceTask {
  withFaceExpressions () { return this._extend(PredictAllFaceExpressionsTask, steps.expressions) }
}

export class PredictSingleAgeAndGenderTask extends FaceTask {
  withFaceExpressions () { return this._extend(PredictSingleFaceExpressionsTask, steps.expressions) }
}

export class PredictAllAgeAndGenderWithFaceAlignmentTask extends PredictAllAgeAndGenderTask {
  withFaceExpressions () { return this._extend(PredictAllFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withFaceDescriptors () { return this._extend(ComputeAllFaceDescriptorsTask, steps.descriptors) }
}

export class PredictSingleAgeAndGenderWithFaceAlignmentTask extends PredictSingleAgeAndGenderTask {
  withFaceExpressions () { return this._extend(PredictSingleFaceExpressionsWithFaceAlignmentTask, steps.expressions) }
  withFaceDescriptor () { return this._extend(ComputeSingleFaceDescriptorTask, steps.descriptors) }
}
