// Matching descriptors: euclideanDistance, LabeledFaceDescriptors, FaceMatch,
// FaceMatcher, as face-api.js defines them (mean distance to each label's
// descriptors; 'unknown' at or beyond the threshold). Unlike face-api.js,
// FaceMatcher refuses what would give wrong matches without an error: a label
// without descriptors (its mean distance would be 0 to every face) and a
// threshold that is not a number >= 0 (every face would be 'unknown').

import { numeric } from './classes.mjs'

export function euclideanDistance (arr1, arr2) {
  if (arr1.length !== arr2.length) throw new Error('euclideanDistance: arr1.length !== arr2.length')
  let sum = 0
  for (let i = 0; i < arr1.length; i++) sum += (arr1[i] - arr2[i]) ** 2
  return Math.sqrt(sum)
}

const round = (num, prec = 2) => { const f = 10 ** prec; return Math.floor(num * f) / f }

export class FaceMatch {
  constructor (label, distance) { this._label = label; this._distance = distance }
  get label () { return this._label }
  get distance () { return this._distance }
  toString (withDistance = true) { return `${this.label}${withDistance ? ` (${round(this.distance)})` : ''}` }
}

export class LabeledFaceDescriptors {
  constructor (label, descriptors) {
    if (typeof label !== 'string') throw new Error('LabeledFaceDescriptors - constructor expected label to be a string')
    if (!Array.isArray(descriptors) || descriptors.some((d) => !(d instanceof Float32Array))) {
      throw new Error('LabeledFaceDescriptors - constructor expected descriptors to be an array of Float32Array')
    }
    this._label = label
    this._descriptors = descriptors
  }

  get label () { return this._label }
  get descriptors () { return this._descriptors }
  toJSON () { return { label: this.label, descriptors: this.descriptors.map((d) => Array.from(d)) } }
  static fromJSON (json) { return new LabeledFaceDescriptors(json.label, json.descriptors.map((d) => new Float32Array(d))) }
}

export class FaceMatcher {
  /** inputs: LabeledFaceDescriptors, results with a descriptor, Float32Array, or an array of them. */
  constructor (inputs, distanceThreshold = 0.6) {
    distanceThreshold = numeric(distanceThreshold) // '0.6' works in face-api.js's comparison
    if (typeof distanceThreshold !== 'number' || !(distanceThreshold >= 0)) {
      throw new Error(`FaceMatcher - expected distanceThreshold to be a number >= 0, got ${distanceThreshold}`)
    }
    this._distanceThreshold = distanceThreshold
    const inputArray = Array.isArray(inputs) ? inputs : [inputs]
    if (!inputArray.length) throw new Error('FaceRecognizer.constructor - expected atleast one input')
    let count = 1
    const createUniqueLabel = () => `person ${count++}`
    this._labeledDescriptors = inputArray.map((desc) => {
      if (desc instanceof LabeledFaceDescriptors) {
        if (!desc.descriptors.length) throw new Error(`FaceMatcher - '${desc.label}' has no descriptors (it would match every face at distance 0)`)
        return desc
      }
      if (desc instanceof Float32Array) return new LabeledFaceDescriptors(createUniqueLabel(), [desc])
      if (desc && desc.descriptor instanceof Float32Array) return new LabeledFaceDescriptors(createUniqueLabel(), [desc.descriptor])
      throw new Error('FaceRecognizer.constructor - expected inputs to be of type LabeledFaceDescriptors | WithFaceDescriptor<any> | Float32Array | Array<LabeledFaceDescriptors | WithFaceDescriptor<any> | Float32Array>')
    })
  }

  get labeledDescriptors () { return this._labeledDescriptors }
  get distanceThreshold () { return this._distanceThreshold }

  computeMeanDistance (queryDescriptor, descriptors) {
    return descriptors.map((d) => euclideanDistance(d, queryDescriptor)).reduce((a, b) => a + b, 0) / (descriptors.length || 1)
  }

  matchDescriptor (queryDescriptor) {
    if (typeof queryDescriptor?.length !== 'number') {
      throw new Error(`FaceMatcher - expected a descriptor (Float32Array or array of numbers), got ${queryDescriptor}`)
    }
    return this.labeledDescriptors
      .map(({ descriptors, label }) => new FaceMatch(label, this.computeMeanDistance(queryDescriptor, descriptors)))
      .reduce((best, curr) => (best.distance < curr.distance ? best : curr))
  }

  findBestMatch (queryDescriptor) {
    const bestMatch = this.matchDescriptor(queryDescriptor)
    return bestMatch.distance < this.distanceThreshold ? bestMatch : new FaceMatch('unknown', bestMatch.distance)
  }

  toJSON () {
    return { distanceThreshold: this.distanceThreshold, labeledDescriptors: this.labeledDescriptors.map((ld) => ld.toJSON()) }
  }

  static fromJSON (json) {
    if (!Array.isArray(json?.labeledDescriptors)) throw new Error('FaceMatcher.fromJSON - expected { labeledDescriptors: [...], distanceThreshold }')
    return new FaceMatcher(json.labeledDescriptors.map((ld) => LabeledFaceDescriptors.fromJSON(ld)), json.distanceThreshold)
  }
}
