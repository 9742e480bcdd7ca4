// AgeGenderNet: nets.ageGenderNet.

import { predictWholeImages, runOnCrops, wholeImage } from './face_crops.mjs'
import { NeuralNetwork } from './net.mjs'

const KIND = 8 // FW_NET_AGE_GENDER

export const Gender = Object.freeze({ FEMALE: 'female', MALE: 'male' })

/** face-api.js's rule: 'male' when P(male) > 0.5, and the probability of the chosen gender. */
function ageAndGender (age, probMale) {
  const isMale = probMale > 0.5
  return { age, gender: isMale ? Gender.MALE : Gender.FEMALE, genderProbability: isMale ? probMale : 1 - probMale }
}

export class AgeGenderNet extends NeuralNetwork {
  constructor () {
    super('AgeGenderNet', KIND, 'age_gender_model')
  }

  /** { age, gender, genderProbability } of a face image, or of each image of an array. */
  async predictAgeAndGender (input) {
    return predictWholeImages(this, input, (core, pixels) => this._runOnCrops(core, pixels, [wholeImage(pixels)])[0])
  }

  /**
   * { age, gender, genderProbability } for each integer crop {x, y, width, height} of
   * pixels already in linear memory ({ pointer, width, height }). Synchronous.
   */
  _runOnCrops (core, pixels, crops) {
    const values = runOnCrops(this, 'fw_age_gender_predict', 2, core, pixels, crops)
    return crops.map((_, i) => ageAndGender(values[2 * i], values[2 * i + 1]))
  }
}
