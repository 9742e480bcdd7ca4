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
import { predictWholeImages, runOnCropsInto, wholeImage } from './face_crops.mjs'
import { FaceLandmarks68 } from './face_landmarks.mjs'
import { withInputs } from './input.mjs'
import { NeuralNetwork } from './net.mjs'
import { FacewasmError } from './wasm.mjs'

const LANDMARK_VALUES = 136
const DESCRIPTOR_VALUES = 128
// Face images of an array input put in linear memory at once (the core's batch: they share its passes over the weights).
const DESCRIPTOR_BATCH = 8

class FaceLandmark68NetBase extends NeuralNetwork {
  /** FaceLandmarks68 per crop, relative to the crop (face-api.js's imgDims = the crop's size). */
  _runOnCrops (core, pixels, crops) {
    return runOnCropsInto(this, 'fw_face_landmarks', LANDMARK_VALUES, core, pixels, crops).map((values, i) => {
      const points = []
      for (let k = 0; k < LANDMARK_VALUES; k += 2) points.push(new Point(values[k], values[k + 1]))
      return new FaceLandmarks68(points, { width: crops[i].width, height: crops[i].height })
    })
  }

  /** The 68 landmarks of a face image (or of each in an array), in its pixels. */
  async detectLandmarks (input) {
    return predictWholeImages(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
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
    return runOnCropsInto(this, 'fw_face_descriptors', DESCRIPTOR_VALUES, core, pixels, crops).map((d) => new Float32Array(d))
  }

  /** The 128-value descriptor of a face image (or of each in an array, computed together). */
  async computeFaceDescriptor (input) {
    if (!Array.isArray(input)) {
      return predictWholeImages(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
    }
    const { core } = this._require()
    if (!input.length) throw new FacewasmError(`${this._name} - empty array passed as input`)
    const descriptors = []
    for (let first = 0; first < input.length; first += DESCRIPTOR_BATCH) {
      descriptors.push(...await withInputs(core, input.slice(first, first + DESCRIPTOR_BATCH), (images) => this._runOnImages(core, images)))
    }
    return descriptors
  }

  /** Float32Array(128) per whole image ({ pointer, width, height } in linear memory). */
  _runOnImages (core, images) {
    const { model } = this._require()
    const count = images.length
    return core.withAllocations([count * 4, count * 8, count * DESCRIPTOR_VALUES * 4], (pointers, sizes, out) => {
      const ints = core.i32()
      images.forEach(({ pointer, width, height }, i) => {
        ints[(pointers >> 2) + i] = pointer
        ints.set([width, height], (sizes >> 2) + 2 * i)
      })
      if (core.exports.fw_face_descriptors_of_images(model, pointers, sizes, count, out) < 0) core.fail(this._name)
      const values = core.f32()
      return images.map((_, i) => values.slice((out >> 2) + i * DESCRIPTOR_VALUES, (out >> 2) + (i + 1) * DESCRIPTOR_VALUES))
    })
  }
}
