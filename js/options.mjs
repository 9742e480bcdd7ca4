// Detector option classes with face-api.js's defaults and validation messages.

export class TinyYolov2Options {
  constructor ({ inputSize, scoreThreshold } = {}) {
    this._name = 'TinyYolov2Options'
    this._inputSize = inputSize || 416
    this._scoreThreshold = scoreThreshold || 0.5
    if (typeof this._inputSize !== 'number' || this._inputSize % 32 !== 0) {
      throw new Error(`${this._name} - expected inputSize to be a number divisible by 32`)
    }
    if (typeof this._scoreThreshold !== 'number' || this._scoreThreshold <= 0 || this._scoreThreshold >= 1) {
      throw new Error(`${this._name} - expected scoreThreshold to be a number between 0 and 1`)
    }
  }

  get inputSize () { return this._inputSize }
  get scoreThreshold () { return this._scoreThreshold }
}

export class TinyFaceDetectorOptions extends TinyYolov2Options {
  constructor (options) {
    super(options)
    this._name = 'TinyFaceDetectorOptions'
  }
}

export class SsdMobilenetv1Options {
  constructor ({ minConfidence, maxResults } = {}) {
    this._name = 'SsdMobilenetv1Options'
    this._minConfidence = minConfidence || 0.5
    this._maxResults = maxResults || 100
    if (typeof this._minConfidence !== 'number' || this._minConfidence <= 0 || this._minConfidence >= 1) {
      throw new Error(`${this._name} - expected minConfidence to be a number between 0 and 1`)
    }
    if (typeof this._maxResults !== 'number') {
      throw new Error(`${this._name} - expected maxResults to be a number`)
    }
  }

  get minConfidence () { return this._minConfidence }
  get maxResults () { return this._maxResults }
}

export class MtcnnOptions {
  constructor ({ minFaceSize, scaleFactor, maxNumScales, scoreThresholds, scaleSteps } = {}) {
    this._name = 'MtcnnOptions'
    this._minFaceSize = minFaceSize || 20
    this._scaleFactor = scaleFactor || 0.709
    this._maxNumScales = maxNumScales || 10
    this._scoreThresholds = scoreThresholds || [0.6, 0.7, 0.7]
    this._scaleSteps = scaleSteps
    if (typeof this._minFaceSize !== 'number' || this._minFaceSize < 0) {
      throw new Error(`${this._name} - expected minFaceSize to be a number > 0`)
    }
    if (typeof this._scaleFactor !== 'number' || this._scaleFactor <= 0 || this._scaleFactor >= 1) {
      throw new Error(`${this._name} - expected scaleFactor to be a number between 0 and 1`)
    }
    if (typeof this._maxNumScales !== 'number' || this._maxNumScales < 0) {
      throw new Error(`${this._name} - expected maxNumScales to be a number > 0`)
    }
    if (!Array.isArray(this._scoreThresholds) || this._scoreThresholds.length !== 3 ||
        this._scoreThresholds.some((th) => typeof th !== 'number')) {
      throw new Error(`${this._name} - expected scoreThresholds to be an array of numbers of length 3`)
    }
    if (this._scaleSteps && (!Array.isArray(this._scaleSteps) || this._scaleSteps.some((th) => typeof th !== 'number'))) {
      throw new Error(`${this._name} - expected scaleSteps to be an array of numbers`)
    }
  }

  get minFaceSize () { return this._minFaceSize }
  get scaleFactor () { return this._scaleFactor }
  get maxNumScales () { return this._maxNumScales }
  get scoreThresholds () { return this._scoreThresholds }
  get scaleSteps () { return this._scaleSteps }
}
