// Every name face-api.js 0.22.2 exports (its build/commonjs/index.d.ts and the
// files it re-exports, plus the members of its draw, utils, env and nets
// objects and of its NeuralNetwork) exists in facewasm with the same kind, or
// is an intentional difference listed here with the reason (README.md,
// "Differences from face-api.js", has the same table).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import * as facewasm from '../js/index.mjs'

// face-api.js's top-level exports and their kinds.
const TOP_LEVEL = {
  class: [
    'AgeGenderNet', 'BoundingBox', 'Box', 'ComposableTask', 'ComputeAllFaceDescriptorsTask', 'ComputeFaceDescriptorsTaskBase',
    'ComputeSingleFaceDescriptorTask', 'DetectAllFaceLandmarksTask', 'DetectAllFacesTask', 'DetectFaceLandmarksTaskBase',
    'DetectFacesTaskBase', 'DetectSingleFaceLandmarksTask', 'DetectSingleFaceTask', 'Dimensions', 'FaceDetection',
    'FaceDetectionNet', 'FaceExpressionNet', 'FaceExpressions', 'FaceLandmark68Net', 'FaceLandmark68TinyNet', 'FaceLandmarkNet',
    'FaceLandmarks', 'FaceLandmarks5', 'FaceLandmarks68', 'FaceMatch', 'FaceMatcher', 'FaceRecognitionNet', 'LabeledBox',
    'LabeledFaceDescriptors', 'Mtcnn', 'MtcnnOptions', 'NetInput', 'NeuralNetwork', 'ObjectDetection', 'Point', 'PredictedBox',
    'Rect', 'SsdMobilenetv1', 'SsdMobilenetv1Options', 'TinyFaceDetector', 'TinyFaceDetectorOptions', 'TinyYolov2',
    'TinyYolov2Options'
  ],
  function: [
    'allFaces', 'allFacesMtcnn', 'allFacesSsdMobilenetv1', 'allFacesTinyYolov2', 'awaitMediaLoaded', 'bufferToImage',
    'computeFaceDescriptor', 'createCanvas', 'createCanvasFromMedia', 'createFaceDetectionNet', 'createFaceRecognitionNet',
    'createMtcnn', 'createSsdMobilenetv1', 'createTinyFaceDetector', 'createTinyYolov2', 'detectAllFaces', 'detectFaceLandmarks',
    'detectFaceLandmarksTiny', 'detectLandmarks', 'detectSingleFace', 'euclideanDistance', 'extendWithAge',
    'extendWithFaceDescriptor', 'extendWithFaceDetection', 'extendWithFaceExpressions', 'extendWithFaceLandmarks',
    'extendWithGender', 'extractFaceTensors', 'extractFaces', 'fetchImage', 'fetchJson', 'fetchNetWeights', 'fetchOrThrow',
    'getContext2dOrThrow', 'getMediaDimensions', 'imageTensorToCanvas', 'imageToSquare', 'inverseSigmoid', 'iou',
    'isMediaElement', 'isMediaLoaded', 'isWithAge', 'isWithFaceDetection', 'isWithFaceExpressions', 'isWithFaceLandmarks',
    'isWithGender', 'loadAgeGenderModel', 'loadFaceDetectionModel', 'loadFaceExpressionModel', 'loadFaceLandmarkModel',
    'loadFaceLandmarkTinyModel', 'loadFaceRecognitionModel', 'loadMtcnnModel', 'loadSsdMobilenetv1Model',
    'loadTinyFaceDetectorModel', 'loadTinyYolov2Model', 'loadWeightMap', 'locateFaces', 'matchDimensions', 'minBbox', 'mtcnn',
    'nonMaxSuppression', 'normalize', 'padToSquare', 'predictAgeAndGender', 'recognizeFaceExpressions', 'resizeResults',
    'resolveInput', 'shuffleArray', 'sigmoid', 'ssdMobilenetv1', 'tinyFaceDetector', 'tinyYolov2', 'toNetInput', 'validateConfig'
  ],
  object: ['FACE_EXPRESSION_LABELS', 'Gender', 'TinyYolov2SizeType', 'draw', 'env', 'nets', 'tf', 'utils']
}

// Members of face-api.js's namespace objects and nets.
const MEMBERS = {
  draw: {
    class: ['DrawBox', 'DrawBoxOptions', 'DrawFaceLandmarks', 'DrawFaceLandmarksOptions', 'DrawTextField', 'DrawTextFieldOptions'],
    function: ['drawContour', 'drawDetections', 'drawFaceExpressions', 'drawFaceLandmarks'],
    object: ['AnchorPosition']
  },
  utils: {
    function: ['isTensor', 'isTensor1D', 'isTensor2D', 'isTensor3D', 'isTensor4D', 'isFloat', 'isEven', 'round', 'isDimensions',
      'computeReshapedDimensions', 'getCenterPoint', 'range', 'isValidNumber', 'isValidProbablitiy']
  },
  env: {
    function: ['getEnv', 'setEnv', 'initialize', 'createBrowserEnv', 'createFileSystem', 'createNodejsEnv', 'monkeyPatch',
      'isBrowser', 'isNodejs']
  },
  nets: {
    object: ['ssdMobilenetv1', 'tinyFaceDetector', 'tinyYolov2', 'mtcnn', 'faceLandmark68Net', 'faceLandmark68TinyNet',
      'faceRecognitionNet', 'faceExpressionNet', 'ageGenderNet']
  }
}

// NeuralNetwork's public members in face-api.js (on every nets.* object).
const NET_MEMBERS = {
  function: ['load', 'loadFromUri', 'loadFromDisk', 'loadFromWeightMap', 'dispose', 'getParamFromPath', 'reassignParamFromPath',
    'getParamList', 'getTrainableParams', 'getFrozenParams', 'variable', 'freeze', 'serializeParams', 'extractWeights'],
  boolean: ['isLoaded'],
  object: ['params', 'paramMappings']
}

// What facewasm leaves out on purpose, and why (keep in step with README.md).
const NO_TENSORS = 'no TensorFlow.js: results are plain objects and typed arrays, inputs are passed as they are'
const NO_TINY_YOLO = 'the legacy TinyYolov2 net is not implemented (its weights are not among face-api.js\'s published models); ' +
  'TinyYolov2Options run the Tiny Face Detector'
const NO_RAW_WEIGHTS = 'raw Float32Array weights in extractParams order are not accepted; load the published manifest ' +
  'and shards (load, loadFromUri, loadFromDisk, loadFromManifest) or a weight map (loadFromWeightMap)'
const TF_PARAMS = 'tfjs variables and parameter trees do not exist: weights live packed in the wasm core'

export const INTENTIONAL_DIFFERENCES = {
  tf: NO_TENSORS,
  NetInput: NO_TENSORS,
  toNetInput: NO_TENSORS,
  extractFaceTensors: `${NO_TENSORS} (extractFaces gives the face images)`,
  imageTensorToCanvas: NO_TENSORS,
  normalize: NO_TENSORS,
  padToSquare: NO_TENSORS,
  'utils.isTensor': NO_TENSORS,
  'utils.isTensor1D': NO_TENSORS,
  'utils.isTensor2D': NO_TENSORS,
  'utils.isTensor3D': NO_TENSORS,
  'utils.isTensor4D': NO_TENSORS,
  TinyYolov2: NO_TINY_YOLO,
  tinyYolov2: NO_TINY_YOLO,
  'nets.tinyYolov2': NO_TINY_YOLO,
  loadTinyYolov2Model: NO_TINY_YOLO,
  createTinyYolov2: NO_TINY_YOLO,
  allFacesTinyYolov2: NO_TINY_YOLO,
  validateConfig: `${NO_TINY_YOLO} (validateConfig checks a TinyYolov2 config)`,
  createSsdMobilenetv1: NO_RAW_WEIGHTS,
  createFaceDetectionNet: NO_RAW_WEIGHTS,
  createTinyFaceDetector: NO_RAW_WEIGHTS,
  createMtcnn: NO_RAW_WEIGHTS,
  createFaceRecognitionNet: NO_RAW_WEIGHTS,
  fetchNetWeights: NO_RAW_WEIGHTS,
  'net.extractWeights': NO_RAW_WEIGHTS,
  'net.params': TF_PARAMS,
  'net.paramMappings': TF_PARAMS,
  'net.getParamFromPath': TF_PARAMS,
  'net.reassignParamFromPath': TF_PARAMS,
  'net.getParamList': TF_PARAMS,
  'net.getTrainableParams': TF_PARAMS,
  'net.getFrozenParams': TF_PARAMS,
  'net.variable': TF_PARAMS,
  'net.freeze': TF_PARAMS,
  'net.serializeParams': TF_PARAMS
}

const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v))

function kindOf (value) {
  if (value === undefined) return 'missing'
  if (isClass(value)) return 'class'
  if (typeof value === 'function') return 'function'
  if (value === null) return 'null'
  return typeof value
}

/** [qualified name, expected kind, actual kind] for every listed name. */
function check (list, holder, prefix) {
  return Object.entries(list).flatMap(([kind, names]) =>
    names.map((name) => [`${prefix}${name}`, kind, kindOf(holder?.[name])]))
}

function assertAll (rows) {
  const problems = []
  for (const [name, expected, actual] of rows) {
    const reason = INTENTIONAL_DIFFERENCES[name]
    if (reason) {
      if (actual !== 'missing') problems.push(`${name} is listed as an intentional difference but facewasm has it (${actual})`)
    } else if (actual !== expected) {
      problems.push(`${name}: face-api.js has a ${expected}, facewasm ${actual === 'missing' ? 'has nothing' : `a ${actual}`}`)
    }
  }
  assert.deepEqual(problems, [])
}

test('every face-api.js top-level export exists with the same kind, or is an intentional difference', () => {
  const rows = check(TOP_LEVEL, facewasm, '')
  assert.equal(rows.length, 126) // face-api.js 0.22.2's Object.keys(require('face-api.js'))
  assertAll(rows)
})

test('draw, utils, env and nets have face-api.js\'s members', () => {
  assertAll(Object.entries(MEMBERS).flatMap(([ns, list]) => check(list, facewasm[ns], `${ns}.`)))
})

test('every net has face-api.js\'s NeuralNetwork members, or they are intentional differences', () => {
  for (const [key, net] of Object.entries(facewasm.nets)) {
    assert.ok(net instanceof facewasm.NeuralNetwork, `nets.${key} is a NeuralNetwork`)
    const rows = check(NET_MEMBERS, net, 'net.')
    assertAll(rows)
    assert.equal(typeof net.loadFromManifest, 'function', `nets.${key}.loadFromManifest`)
  }
})

test('face-api.js\'s aliases are the same objects', () => {
  assert.equal(facewasm.FaceDetectionNet, facewasm.SsdMobilenetv1)
  assert.equal(facewasm.FaceLandmarkNet, facewasm.FaceLandmark68Net)
  assert.equal(facewasm.detectLandmarks, facewasm.detectFaceLandmarks)
  assert.equal(facewasm.loadFaceDetectionModel, facewasm.loadSsdMobilenetv1Model)
  assert.equal(facewasm.allFaces, facewasm.allFacesSsdMobilenetv1)
  assert.deepEqual([...facewasm.FACE_EXPRESSION_LABELS], ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'])
  assert.deepEqual({ ...facewasm.Gender }, { FEMALE: 'female', MALE: 'male' })
  assert.deepEqual({ ...facewasm.TinyYolov2SizeType }, { XS: 224, SM: 320, MD: 416, LG: 608, 224: 'XS', 320: 'SM', 416: 'MD', 608: 'LG' })
})

test('the task classes extend face-api.js\'s bases', () => {
  const f = facewasm
  for (const [Sub, Base] of [[f.DetectAllFacesTask, f.DetectFacesTaskBase], [f.DetectSingleFaceTask, f.DetectFacesTaskBase],
    [f.DetectAllFaceLandmarksTask, f.DetectFaceLandmarksTaskBase], [f.DetectSingleFaceLandmarksTask, f.DetectFaceLandmarksTaskBase],
    [f.ComputeAllFaceDescriptorsTask, f.ComputeFaceDescriptorsTaskBase], [f.ComputeSingleFaceDescriptorTask, f.ComputeFaceDescriptorsTaskBase],
    [f.DetectFacesTaskBase, f.ComposableTask], [f.PredictedBox, f.LabeledBox], [f.LabeledBox, f.Box], [f.FaceLandmarks68, f.FaceLandmarks]]) {
    assert.ok(Sub.prototype instanceof Base, `${Sub.name} extends ${Base.name}`)
  }
})

test('README.md\'s table of differences names every intentional difference', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf('### Differences from face-api.js')
  assert.ok(start >= 0, 'README.md has a "Differences from face-api.js" section')
  const section = readme.slice(start, readme.indexOf('\n## ', start))
  const missing = Object.keys(INTENTIONAL_DIFFERENCES)
    .map((name) => name.replace(/^(net|nets|utils)\./, '').replace(/^isTensor\dD$/, 'isTensor'))
    .filter((name) => !section.includes(name))
  assert.deepEqual(missing, [])
})
