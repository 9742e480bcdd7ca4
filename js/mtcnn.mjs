// MTCNN: nets.mtcnn. The cascade runs in the core; the pyramid scales and the
// result objects are computed here exactly as face-api.js's Mtcnn does.

import { FaceDetection, Point, Rect } from './classes.mjs'
import { withInput } from './input.mjs'
import { FaceLandmarks5 } from './face_landmarks.mjs'
import { extendWithFaceLandmarks } from './tasks.mjs'
import { eachInput, NeuralNetwork } from './net.mjs'
import { MtcnnOptions } from './options.mjs'
import { FacewasmError } from './wasm.mjs'

const KIND = 6 // FW_NET_MTCNN
const RECORD = 15 // score, x, y, width, height, 5 x, 5 y
const CELL_SIZE = 12
const MAX_SCALES = 256 // FW_MTCNN_MAX_SCALES

const sizesForScale = (scale, height, width) => ({ height: Math.floor(height * scale), width: Math.floor(width * scale) })

/** face-api.js's pyramidDown: scales from CELL_SIZE / minFaceSize down by scaleFactor while the level is >= 12 px. */
function pyramidDown (minFaceSize, scaleFactor, height, width) {
  const m = CELL_SIZE / minFaceSize
  const scales = []
  let minLayer = Math.min(height, width) * m
  let exp = 0
  while (minLayer >= 12) {
    scales.push(m * Math.pow(scaleFactor, exp))
    minLayer = minLayer * scaleFactor
    exp += 1
  }
  return scales
}

/** The scales Mtcnn.forwardInput runs P-Net on. */
export function mtcnnScales (options, height, width) {
  const { minFaceSize, scaleFactor, maxNumScales, scaleSteps } = options
  return (scaleSteps || pyramidDown(minFaceSize, scaleFactor, height, width))
    .filter((scale) => {
      const sizes = sizesForScale(scale, height, width)
      return Math.min(sizes.width, sizes.height) > CELL_SIZE
    })
    .slice(0, maxNumScales)
}

const toOptions = (options) => options instanceof MtcnnOptions ? options : new MtcnnOptions(options)

export class Mtcnn extends NeuralNetwork {
  constructor () {
    super('Mtcnn', KIND, 'mtcnn_model')
  }

  /**
   * Faces with their 5 landmarks, as face-api.js's Mtcnn.forward: an array of
   * { detection: FaceDetection, landmarks: FaceLandmarks5, unshiftedLandmarks, alignedRect }.
   */
  async forward (input, forwardParams = {}) {
    const options = toOptions(forwardParams)
    const { core } = this._require()
    return eachInput(this, core, input, (pixels) => this._runOnPixels(core, pixels, options))
  }

  /** The face detections alone (what detectAllFaces with MtcnnOptions gives). */
  async locateFaces (input, options = {}) {
    const toDetections = (results) => results.map((result) => result.detection)
    const results = await this.forward(input, options)
    return Array.isArray(input) ? results.map(toDetections) : toDetections(results)
  }

  /** locateFaces on pixels already in linear memory ({ pointer, width, height }), synchronously (for the chain). */
  _locateOnPixels (core, pixels, options) {
    return this._runOnPixels(core, pixels, toOptions(options)).map((result) => result.detection)
  }

  _runOnPixels (core, { pointer, width, height }, options) {
    const { model } = this._require()
    const scales = mtcnnScales(options, height, width)
    if (!scales.length) return []
    if (scales.length > MAX_SCALES) throw new FacewasmError(`Mtcnn - ${scales.length} pyramid scales; at most ${MAX_SCALES} are supported`)
    const [t1, t2, t3] = options.scoreThresholds
    const count = core.withAllocations([scales.length * 8], (scalesPointer) => {
      core.f64().set(scales, scalesPointer / 8)
      return core.exports.fw_mtcnn_detect(model, pointer, width, height, scalesPointer, scales.length, t1, t2, t3)
    })
    if (count < 0) core.fail(this._name)
    const start = core.exports.fw_mtcnn_results(model) / 8
    const records = core.f64().slice(start, start + count * RECORD)
    const results = []
    for (let i = 0; i < count; i++) {
      const r = records.subarray(i * RECORD, (i + 1) * RECORD)
      const [score, left, top, boxWidth, boxHeight] = r
      const detection = new FaceDetection(score,
        new Rect(left / width, top / height, boxWidth / width, boxHeight / height), { height, width })
      const origin = new Point(left, top)
      const size = new Point(boxWidth, boxHeight)
      const relative = [0, 1, 2, 3, 4].map((k) => new Point(r[5 + k], r[10 + k]).sub(origin).div(size))
      results.push(extendWithFaceLandmarks({ detection }, new FaceLandmarks5(relative, { width: boxWidth, height: boxHeight })))
    }
    return results
  }

  /**
   * P-Net's raw output at one pyramid scale (for testing and debugging):
   * { rows, cols, values } with values [rows][cols][6] (face/non-face logits,
   * 4 box regressions); rows run along the image's x (MTCNN's transposed layout).
   */
  async forwardPnet (input, scale) {
    if (typeof scale !== 'number') throw new FacewasmError('Mtcnn.forwardPnet - expected a scale')
    const { core, model } = this._require()
    return withInput(core, input, ({ pointer, width, height }) => core.withAllocations([8], (size) => {
      const out = core.exports.fw_mtcnn_pnet(model, pointer, width, height, scale, size)
      if (!out) core.fail(this._name)
      const [rows, cols] = core.i32().subarray(size >> 2, (size >> 2) + 2)
      return { rows, cols, values: core.f32().slice(out / 4, out / 4 + rows * cols * 6) }
    }))
  }
}
