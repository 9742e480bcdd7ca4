// The SSD MobileNetV1 face detector: nets.ssdMobilenetv1, face-api.js's default detector.

import { withInput } from './input.mjs'
import { eachInput, NeuralNetwork, readDetections } from './net.mjs'
import { SsdMobilenetv1Options } from './options.mjs'

const KIND = 2 // FW_NET_SSD_MOBILENETV1
const ANCHORS = 5118 // FW_SSD_ANCHORS

const toOptions = (options) => options instanceof SsdMobilenetv1Options ? options : new SsdMobilenetv1Options(options)

export class SsdMobilenetv1 extends NeuralNetwork {
  constructor () {
    super('SsdMobilenetv1', KIND, 'ssd_mobilenetv1_model')
    this._float32 = false
  }

  /**
   * 'int16' (default): the 1x1 convolutions (93% of the work) multiply int16-quantised
   * activations with the model's 8-bit weights, about 1.5x faster; 'float32': every layer in
   * float32, closest to face-api.js's raw outputs. Detections agree with face-api.js either way.
   */
  setPrecision (precision) {
    if (precision !== 'int16' && precision !== 'float32') throw new TypeError(`${this._name}.setPrecision: expected 'int16' or 'float32', got ${precision}`)
    this._float32 = precision === 'float32'
  }

  get precision () { return this._float32 ? 'float32' : 'int16' }

  _applyPrecision (core, model) { core.exports.fw_ssd_mobilenetv1_set_precision(model, this._float32 ? 1 : 0) }

  /** Faces in the input, as face-api.js's SsdMobilenetv1.locateFaces returns them; for an array of inputs, an array of them per input. */
  async locateFaces (input, options = {}) {
    const checked = toOptions(options)
    const { core } = this._require()
    return eachInput(this, core, input, (pixels) => this._locateOnPixels(core, pixels, checked))
  }

  /** locateFaces on pixels already in linear memory ({ pointer, width, height }), synchronously (for the chain). */
  _locateOnPixels (core, { pointer, width, height }, options) {
    const { maxResults, minConfidence } = toOptions(options)
    const { model } = this._require()
    this._applyPrecision(core, model)
    const count = core.exports.fw_ssd_mobilenetv1_detect(model, pointer, width, height, minConfidence, maxResults)
    if (count < 0) core.fail(this._name)
    return readDetections(core, count, width, height)
  }

  /**
   * The net's raw outputs for the input (for testing and debugging), as face-api.js names them:
   * boxPredictions [5118 x 4] and classPredictions [5118 x 3] (the predictors' raw outputs),
   * boxes [5118 x 4] (decoded ymin, xmin, ymax, xmax relative to the padded 512x512 square) and
   * scores [5118], each a Float32Array.
   */
  async forward (input) {
    const { core, model } = this._require()
    return withInput(core, input, ({ pointer, width, height }) => {
      this._applyPrecision(core, model)
      const out = core.exports.fw_ssd_mobilenetv1_forward(model, pointer, width, height)
      if (!out) core.fail(this._name)
      const all = core.f32().slice(out / 4, out / 4 + ANCHORS * 12)
      return {
        boxPredictions: all.subarray(0, ANCHORS * 4),
        classPredictions: all.subarray(ANCHORS * 4, ANCHORS * 7),
        boxes: all.subarray(ANCHORS * 7, ANCHORS * 11),
        scores: all.subarray(ANCHORS * 11)
      }
    })
  }
}
