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
