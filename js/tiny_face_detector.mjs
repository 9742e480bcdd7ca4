// The Tiny Face Detector net: nets.tinyFaceDetector.

import { withInput } from './input.mjs'
import { eachInput, NeuralNetwork, readDetections } from './net.mjs'
import { TinyFaceDetectorOptions, TinyYolov2Options } from './options.mjs'
import { FacewasmError } from './wasm.mjs'

const KIND = 1 // FW_NET_TINY_FACE_DETECTOR

// The core's limits (FW_TINY_MIN_INPUT, FW_TINY_MAX_INPUT): face-api.js sets none, but
// memory grows with the square of inputSize.
const MIN_INPUT_SIZE = 32
const MAX_INPUT_SIZE = 1024

/** The options as TinyYolov2Options, checked as face-api.js does and against the core's limits. */
export function toOptions (options) {
  const checked = options instanceof TinyYolov2Options ? options : new TinyFaceDetectorOptions(options)
  if (!(checked.inputSize >= MIN_INPUT_SIZE && checked.inputSize <= MAX_INPUT_SIZE)) {
    throw new FacewasmError(`TinyFaceDetector - inputSize ${checked.inputSize} is outside the supported range ${MIN_INPUT_SIZE} to ${MAX_INPUT_SIZE}`)
  }
  return checked
}

export class TinyFaceDetector extends NeuralNetwork {
  constructor () {
    super('TinyFaceDetector', KIND, 'tiny_face_detector_model')
  }

  /** Faces in the input, as face-api.js's TinyFaceDetector.locateFaces returns them; for an array of inputs, an array of them per input. */
  async locateFaces (input, options = {}) {
    const checked = toOptions(options)
    const { core } = this._require()
    return eachInput(this, core, input, (pixels) => this._locateOnPixels(core, pixels, checked))
  }

  /** locateFaces on pixels already in linear memory ({ pointer, width, height }), synchronously (for the chain). */
  _locateOnPixels (core, { pointer, width, height }, options) {
    const { inputSize, scoreThreshold } = toOptions(options)
    const { model } = this._require()
    const count = core.exports.fw_tiny_face_detector_detect(model, pointer, width, height, inputSize, scoreThreshold)
    if (count < 0) core.fail(this._name)
    return readDetections(core, count, width, height)
  }

  /** The raw head output [(inputSize/32)^2 x 25] as a Float32Array (for testing and debugging). */
  async forward (input, inputSize = 416) {
    toOptions({ inputSize }) // validates like face-api.js
    const { core, model } = this._require()
    return withInput(core, input, ({ pointer, width, height }) => {
      const out = core.exports.fw_tiny_face_detector_forward(model, pointer, width, height, inputSize)
      if (!out) core.fail(this._name)
      const cells = inputSize / 32
      return core.f32().slice(out / 4, out / 4 + cells * cells * 25)
    })
  }
}
