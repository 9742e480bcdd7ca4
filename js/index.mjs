// facewasm: face-api.js's API on a WebAssembly core.

import { FacewasmError, hasSimd, setWasmSource, wasmFlavor } from './wasm.mjs'
import { TinyFaceDetector } from './tiny_face_detector.mjs'
import { SsdMobilenetv1 } from './ssd_mobilenetv1.mjs'
import { Mtcnn } from './mtcnn.mjs'
import { MtcnnOptions, SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options } from './options.mjs'
import { FaceExpressionNet, FaceExpressions, FACE_EXPRESSION_LABELS } from './face_expression_net.mjs'
import { AgeGenderNet, Gender } from './age_gender_net.mjs'
import { FaceLandmark68Net, FaceLandmark68TinyNet, FaceRecognitionNet } from './face_nets.mjs'
import { DetectAllFacesTask, DetectSingleFaceTask } from './tasks.mjs'

export { FacewasmError, hasSimd, setWasmSource, wasmFlavor }
export { setThreads, threadCount, threadsSupported } from './wasm.mjs'
export { Box, BoundingBox, Dimensions, FaceDetection, ObjectDetection, Point, Rect } from './classes.mjs'
export { MtcnnOptions, SsdMobilenetv1Options, TinyFaceDetectorOptions, TinyYolov2Options }
export * as draw from './draw.mjs'

// ---- the nets ----

export {
  TinyFaceDetector, SsdMobilenetv1, Mtcnn, FaceLandmark68Net, FaceLandmark68TinyNet, FaceRecognitionNet,
  FaceExpressionNet, AgeGenderNet
}

export const nets = {
  ssdMobilenetv1: new SsdMobilenetv1(),
  tinyFaceDetector: new TinyFaceDetector(),
  mtcnn: new Mtcnn(),
  faceLandmark68Net: new FaceLandmark68Net(),
  faceLandmark68TinyNet: new FaceLandmark68TinyNet(),
  faceRecognitionNet: new FaceRecognitionNet(),
  faceExpressionNet: new FaceExpressionNet(),
  ageGenderNet: new AgeGenderNet()
}

export const loadSsdMobilenetv1Model = (uri) => nets.ssdMobilenetv1.load(uri)
export const loadTinyFaceDetectorModel = (uri) => nets.tinyFaceDetector.load(uri)
export const loadMtcnnModel = (uri) => nets.mtcnn.load(uri)
export const loadFaceLandmarkModel = (uri) => nets.faceLandmark68Net.load(uri)
export const loadFaceLandmarkTinyModel = (uri) => nets.faceLandmark68TinyNet.load(uri)
export const loadFaceRecognitionModel = (uri) => nets.faceRecognitionNet.load(uri)
export const loadFaceExpressionModel = (uri) => nets.faceExpressionNet.load(uri)
export const loadAgeGenderModel = (uri) => nets.ageGenderNet.load(uri)

export const locateFaces = (input, options) => nets.ssdMobilenetv1.locateFaces(input, options)
/** face-api.js's shorthand for nets.mtcnn.forward. */
export const mtcnn = (input, options) => nets.mtcnn.forward(input, options)
export const detectFaceLandmarks = (input) => nets.faceLandmark68Net.detectLandmarks(input)
export const detectFaceLandmarksTiny = (input) => nets.faceLandmark68TinyNet.detectLandmarks(input)
export const computeFaceDescriptor = (input) => nets.faceRecognitionNet.computeFaceDescriptor(input)
export const recognizeFaceExpressions = (input) => nets.faceExpressionNet.predictExpressions(input)
export const predictAgeAndGender = (input) => nets.ageGenderNet.predictAgeAndGender(input)

// ---- results ----

export { FaceExpressions, FACE_EXPRESSION_LABELS, Gender }
export { FaceLandmarks, FaceLandmarks5, FaceLandmarks68 } from './face_landmarks.mjs'
export { euclideanDistance, FaceMatch, FaceMatcher, LabeledFaceDescriptors } from './face_matcher.mjs'
export { extractFaces } from './extract_faces.mjs'

// ---- detection and the chain ----

/**
 * The chain's detector for the options (SSD MobileNetV1 with its defaults when
 * none are given, as face-api.js): a synchronous (core, pixels) -> FaceDetection[]
 * on pixels already in linear memory.
 */
function detectorFor (options = new SsdMobilenetv1Options()) {
  if (options instanceof TinyYolov2Options) return (core, pixels) => nets.tinyFaceDetector._locateOnPixels(core, pixels, options)
  if (options instanceof SsdMobilenetv1Options) return (core, pixels) => nets.ssdMobilenetv1._locateOnPixels(core, pixels, options)
  if (options instanceof MtcnnOptions) return (core, pixels) => nets.mtcnn._locateOnPixels(core, pixels, options)
  throw new FacewasmError('detectFaces - expected options to be instance of TinyFaceDetectorOptions | SsdMobilenetv1Options | MtcnnOptions | TinyYolov2Options')
}

// The detector is chosen when the task runs, so bad options reject its promise.
const taskContext = (input, options) => ({ input, detect: (core, pixels) => detectorFor(options)(core, pixels), nets })

export function detectAllFaces (input, options) { return new DetectAllFacesTask(taskContext(input, options)) }
export function detectSingleFace (input, options) { return new DetectSingleFaceTask(taskContext(input, options)) }

export {
  ComposableTask, DetectAllFacesTask, DetectSingleFaceTask, DetectAllFaceLandmarksTask, DetectSingleFaceLandmarksTask,
  ComputeAllFaceDescriptorsTask, ComputeSingleFaceDescriptorTask,
  PredictAllFaceExpressionsTask, PredictSingleFaceExpressionsTask,
  PredictAllFaceExpressionsWithFaceAlignmentTask, PredictSingleFaceExpressionsWithFaceAlignmentTask,
  PredictAllAgeAndGenderTask, PredictSingleAgeAndGenderTask,
  PredictAllAgeAndGenderWithFaceAlignmentTask, PredictSingleAgeAndGenderWithFaceAlignmentTask,
  extendWithFaceDetection, extendWithFaceLandmarks, extendWithFaceDescriptor
} from './tasks.mjs'

// ---- the rest of face-api.js's exports ----

export { NeuralNetwork, loadWeightMap } from './net.mjs'
export { LabeledBox, PredictedBox } from './classes.mjs'
/** face-api.js's older names for SsdMobilenetv1 and FaceLandmark68Net. */
export { SsdMobilenetv1 as FaceDetectionNet, FaceLandmark68Net as FaceLandmarkNet }
export { DetectFacesTaskBase, DetectFaceLandmarksTaskBase, ComputeFaceDescriptorsTaskBase } from './tasks.mjs'
export { extendWithFaceExpressions, extendWithAge, extendWithGender } from './tasks.mjs'
export { isWithFaceDetection, isWithFaceLandmarks, isWithFaceExpressions, isWithAge, isWithGender, resizeResults } from './results.mjs'
export { iou, minBbox, nonMaxSuppression, shuffleArray, sigmoid, inverseSigmoid } from './utils.mjs'
export * as utils from './utils.mjs'
export { env } from './env.mjs'
export {
  fetchOrThrow, fetchJson, fetchImage, bufferToImage, isMediaLoaded, awaitMediaLoaded, isMediaElement,
  getMediaDimensions, resolveInput, getContext2dOrThrow, createCanvas, createCanvasFromMedia, imageToSquare,
  matchDimensions
} from './media.mjs'

/** TinyYolov2Options' input sizes by name, and back. */
export const TinyYolov2SizeType = Object.freeze({ XS: 224, SM: 320, MD: 416, LG: 608, 224: 'XS', 320: 'SM', 416: 'MD', 608: 'LG' })

/** face-api.js's shorthands for locateFaces of each detector. */
export const ssdMobilenetv1 = (input, options) => nets.ssdMobilenetv1.locateFaces(input, options)
export const tinyFaceDetector = (input, options) => nets.tinyFaceDetector.locateFaces(input, options)
export const detectLandmarks = detectFaceLandmarks
export const loadFaceDetectionModel = loadSsdMobilenetv1Model

// face-api.js's deprecated allFaces API: detections with landmarks and descriptors.
export const allFacesSsdMobilenetv1 = (input, minConfidence) =>
  detectAllFaces(input, new SsdMobilenetv1Options(minConfidence ? { minConfidence } : {})).withFaceLandmarks().withFaceDescriptors()
export const allFacesMtcnn = (input, forwardParams = {}) =>
  detectAllFaces(input, new MtcnnOptions(forwardParams)).withFaceLandmarks().withFaceDescriptors()
export const allFaces = allFacesSsdMobilenetv1
