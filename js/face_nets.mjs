// The face nets that run on face crops: nets.faceLandmark68Net,
// nets.faceLandmark68TinyNet, nets.faceRecognitionNet.
//
// Each has face-api.js's public method (detectLandmarks / computeFaceDescriptor,
// taking one face image or an array of them) and a synchronous
// _runOnCrops(core, pixels, crops) for the chain: pixels = { pointer, width,
// height } already in linear memory (withInput), crops = integer rectangles
// { x, y, width, height } inside the image. The chain resolves its input once
// and calls _runOnCrops of each net it needs.

import { Point } from './classes.mjs'
import { FaceLandmarks68 } from './face_landmarks.mjs'
import { withInput, withInputs } from './input.mjs'
import { NeuralNetwork } from './net.mjs'

const LANDMARK_VALUES = 136
const DESCRIPTOR_VALUES = 128
// Face images of an array input put in linear memory at once (the core's batch: they share its passes over the weights).
const DESCRIPTOR_BATCH = 8

/** Runs a core entry point fn(model, pointer, width, height, crops, count, out) with `valuesPerCrop` float outputs. */
function runCropsInCore (net, core, pixels, crops, entryPoint, valuesPerCrop) {
  const { model } = net._require()
  if (!crops.length) return []
  const cropBuffer = core.alloc(crops.length * 16)
  const out = core.alloc(crops.length * valuesPerCrop * 4)
  try {
    const ints = core.i32()
    crops.forEach(({ x, y, width, height }, i) => ints.set([x, y, width, height], (cropBuffer >> 2) + 4 * i))
    const n = core.exports[entryPoint](model, pixels.pointer, pixels.width, pixels.height, cropBuffer, crops.length, out)
    if (n < 0) core.fail(net._name)
    const values = core.f32().slice(out >> 2, (out >> 2) + crops.length * valuesPerCrop)
    return crops.map((_, i) => values.subarray(i * valuesPerCrop, (i + 1) * valuesPerCrop))
  } finally {
    core.free(cropBuffer)
    core.free(out)
  }
}

/** Applies fn(pixels) to each face image: a batch (array) gives an array, a single input one result. */
async function forEachFaceImage (net, input, fn) {
  const { core } = net._require()
  const inputs = Array.isArray(input) ? input : [input]
  const results = []
  for (const face of inputs) results.push(await withInput(core, face, (pixels) => fn(core, pixels)))
  return Array.isArray(input) ? results : results[0]
}

const wholeImage = ({ width, height }) => ({ x: 0, y: 0, width, height })

class FaceLandmark68NetBase extends NeuralNetwork {
  /** FaceLandmarks68 per crop, relative to the crop (face-api.js's imgDims = the crop's size). */
  _runOnCrops (core, pixels, crops) {
    return runCropsInCore(this, core, pixels, crops, 'fw_face_landmarks', LANDMARK_VALUES).map((values, i) => {
      const points = []
      for (let k = 0; k < LANDMARK_VALUES; k += 2) points.push(new Point(values[k], values[k + 1]))
      return new FaceLandmarks68(points, { width: crops[i].width, height: crops[i].height })
    })
  }

  /** The 68 landmarks of a face image (or of each in an array), in its pixels. */
  async detectLandmarks (input) {
    return forEachFaceImage(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
  }
}

export class FaceLandmark68Net extends FaceLandmark68NetBase {
  constructor () { super('FaceLandmark68Net', 3 /* FW_NET_FACE_LANDMARK_68 */, 'face_landmark_68_model') }
}

export class FaceLandmark68TinyNet extends FaceLandmark68NetBase {
  constructor () { super('FaceLandmark68TinyNet', 4 /* FW_NET_FACE_LANDMARK_68_TINY */, 'face_landmark_68_tiny_model') }
}

export class FaceRecognitionNet extends NeuralNetwork {
  constructor () { super('FaceRecognitionNet', 5 /* FW_NET_FACE_RECOGNITION */, 'face_recognition_model') }

  /** Float32Array(128) per crop. */
  _runOnCrops (core, pixels, crops) {
    return runCropsInCore(this, core, pixels, crops, 'fw_face_descriptors', DESCRIPTOR_VALUES).map((d) => new Float32Array(d))
  }

  /** The 128-value descriptor of a face image (or of each in an array, computed together). */
  async computeFaceDescriptor (input) {
    if (!Array.isArray(input)) {
      return forEachFaceImage(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
    }
    const { core } = this._require()
    const descriptors = []
    for (let first = 0; first < input.length; first += DESCRIPTOR_BATCH) {
      descriptors.push(...await withInputs(core, input.slice(first, first + DESCRIPTOR_BATCH), (images) => this._runOnImages(core, images)))
    }
    return descriptors
  }

  /** Float32Array(128) per whole image ({ pointer, width, height } in linear memory). */
  _runOnImages (core, images) {
    const { model } = this._require()
    const pointers = core.alloc(images.length * 4)
    const sizes = core.alloc(images.length * 8)
    const out = core.alloc(images.length * DESCRIPTOR_VALUES * 4)
    try {
      const ints = core.i32()
      images.forEach(({ pointer, width, height }, i) => {
        ints[(pointers >> 2) + i] = pointer
        ints.set([width, height], (sizes >> 2) + 2 * i)
      })
      if (core.exports.fw_face_descriptors_of_images(model, pointers, sizes, images.length, out) < 0) core.fail(this._name)
      const values = core.f32()
      return images.map((_, i) => values.slice((out >> 2) + i * DESCRIPTOR_VALUES, (out >> 2) + (i + 1) * DESCRIPTOR_VALUES))
    } finally {
      core.free(pointers)
      core.free(sizes)
      core.free(out)
    }
  }
}
