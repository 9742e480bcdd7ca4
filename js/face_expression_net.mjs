// FaceExpressionNet: nets.faceExpressionNet, and the FaceExpressions result.

import { predictWholeImages, runOnCrops, wholeImage } from './face_crops.mjs'
import { NeuralNetwork } from './net.mjs'

const KIND = 7 // FW_NET_FACE_EXPRESSION

export const FACE_EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised']

/** The 7 expression probabilities, as face-api.js's FaceExpressions. */
export class FaceExpressions {
  constructor (probabilities) {
    if (probabilities.length !== 7) {
      throw new Error(`FaceExpressions.constructor - expected probabilities.length to be 7, have: ${probabilities.length}`)
    }
    FACE_EXPRESSION_LABELS.forEach((expression, i) => { this[expression] = probabilities[i] })
  }

  /** [{ expression, probability }], most probable first. */
  asSortedArray () {
    return FACE_EXPRESSION_LABELS
      .map((expression) => ({ expression, probability: this[expression] }))
      .sort((a, b) => b.probability - a.probability)
  }
}

export class FaceExpressionNet extends NeuralNetwork {
  constructor () {
    super('FaceExpressionNet', KIND, 'face_expression_model')
  }

  /** Expressions of a face image (the whole image is the face), or of each image of an array. */
  async predictExpressions (input) {
    return predictWholeImages(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
  }

  /**
   * FaceExpressions for each integer crop {x, y, width, height} of pixels already in
   * linear memory ({ pointer, width, height }, as withInput gives them). Synchronous.
   */
  _runOnCrops (core, pixels, crops) {
    const values = runOnCrops(this, 'fw_face_expression_predict', 7, core, pixels, crops)
    return crops.map((_, i) => new FaceExpressions(values.subarray(i * 7, i * 7 + 7)))
  }
}
