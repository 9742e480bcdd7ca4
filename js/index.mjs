// facewasm: face-api.js's API on a WebAssembly core.

import { FacewasmError, setWasmSource } from './wasm.mjs'
import { TinyFaceDetector } from './tiny_face_detector.mjs'
import { TinyFaceDetectorOptions, TinyYolov2Options } from './options.mjs'
import { FaceLandmark68Net, FaceLandmark68TinyNet, FaceRecognitionNet } from './face_nets.mjs'
import { DetectAllFacesTask, DetectSingleFaceTask } from './tasks.mjs'

export { FacewasmError, setWasmSource }
export { Box, BoundingBox, Dimensions, FaceDetection, ObjectDetection, Point, Rect } from './classes.mjs'
export { TinyFaceDetectorOptions, TinyYolov2Options }
export { TinyFaceDetector }

export const nets = {
  tinyFaceDetector: new TinyFaceDetector()
}

export const loadTinyFaceDetectorModel = (uri) => nets.tinyFaceDetector.load(uri)

/**
 * The chain's detector for the options: a synchronous (core, pixels) -> FaceDetection[]
 * on pixels already in linear memory.
 */
function detectorFor (options) {
  if (options instanceof TinyYolov2Options) return (core, pixels) => nets.tinyFaceDetector._locateOnPixels(core, pixels, options)
  throw new FacewasmError('facewasm: only the Tiny Face Detector is available so far; ' +
    'pass new TinyFaceDetectorOptions() as the detector options')
}

const taskContext = (input, options) => ({ input, detect: detectorFor(options), nets })

export function detectAllFaces (input, options) { return new DetectAllFacesTask(taskContext(input, options)) }
export function detectSingleFace (input, options) { return new DetectSingleFaceTask(taskContext(input, options)) }

// ---- 68-point landmarks, face descriptors, matching ----

export { FaceLandmarks, FaceLandmarks68 } from './face_landmarks.mjs'
export { FaceLandmark68Net, FaceLandmark68TinyNet, FaceRecognitionNet }
export { euclideanDistance, FaceMatch, FaceMatcher, LabeledFaceDescriptors } from './face_matcher.mjs'
export { extractFaces } from './extract_faces.mjs'
export {
  ComposableTask, DetectAllFacesTask, DetectSingleFaceTask, DetectAllFaceLandmarksTask, DetectSingleFaceLandmarksTask,
  ComputeAllFaceDescriptorsTask, ComputeSingleFaceDescriptorTask,
  PredictAllFaceExpressionsTask, PredictSingleFaceExpressionsTask,
  PredictAllFaceExpressionsWithFaceAlignmentTask, PredictSingleFaceExpressionsWithFaceAlignmentTask,
  PredictAllAgeAndGenderTask, PredictSingleAgeAndGenderTask,
  PredictAllAgeAndGenderWithFaceAlignmentTask, PredictSingleAgeAndGenderWithFaceAlignmentTask,
  extendWithFaceDetection, extendWithFaceLandmarks, extendWithFaceDescriptor
} from './tasks.mjs'

nets.faceLandmark68Net = new FaceLandmark68Net()
nets.faceLandmark68TinyNet = new FaceLandmark68TinyNet()
nets.faceRecognitionNet = new FaceRecognitionNet()

export const loadFaceLandmarkModel = (uri) => nets.faceLandmark68Net.load(uri)
export const loadFaceLandmarkTinyModel = (uri) => nets.faceLandmark68TinyNet.load(uri)
export const loadFaceRecognitionModel = (uri) => nets.faceRecognitionNet.load(uri)
export const detectFaceLandmarks = (input) => nets.faceLandmark68Net.detectLandmarks(input)
export const detectFaceLandmarksTiny = (input) => nets.faceLandmark68TinyNet.detectLandmarks(input)
export const computeFaceDescriptor = (input) => nets.faceRecognitionNet.computeFaceDescriptor(input)
