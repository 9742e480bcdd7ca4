// Face landmark classes with face-api.js's semantics: FaceLandmarks (the
// shared base: positions relative to a box, shifting, resizing, alignment)
// and FaceLandmarks5 (MTCNN's eyes, nose, mouth corners).

import { BoundingBox, Box, Dimensions, FaceDetection, Point, Rect } from './classes.mjs'

// face alignment constants (face-api.js's FaceLandmarks)
const relX = 0.5
const relY = 0.43
const relScale = 0.45

const centerOf = (pts) => pts.reduce((sum, pt) => sum.add(pt), new Point(0, 0)).div(new Point(pts.length, pts.length))

/** face-api.js's minBbox: the tightest box around the points (max starting at 0, as there). */
function minBbox (pts) {
  const xs = pts.map((pt) => pt.x)
  const ys = pts.map((pt) => pt.y)
  const minX = xs.reduce((min, x) => x < min ? x : min, Infinity)
  const minY = ys.reduce((min, y) => y < min ? y : min, Infinity)
  const maxX = xs.reduce((max, x) => max < x ? x : max, 0)
  const maxY = ys.reduce((max, y) => max < y ? y : max, 0)
  return new BoundingBox(minX, minY, maxX, maxY)
}

export class FaceLandmarks {
  /** relativePositions: Points in [0, 1] of imgDims; positions = relative * imgDims + shift. */
  constructor (relativeFaceLandmarkPositions, imgDims, shift = new Point(0, 0)) {
    const { width, height } = imgDims
    this._imgDims = new Dimensions(width, height)
    this._shift = shift
    this._positions = relativeFaceLandmarkPositions.map((pt) => pt.mul(new Point(width, height)).add(shift))
  }

  get shift () { return new Point(this._shift.x, this._shift.y) }
  get imageWidth () { return this._imgDims.width }
  get imageHeight () { return this._imgDims.height }
  get positions () { return this._positions }
  get relativePositions () {
    return this._positions.map((pt) => pt.sub(this._shift).div(new Point(this.imageWidth, this.imageHeight)))
  }

  forSize (width, height) { return new this.constructor(this.relativePositions, { width, height }) }
  shiftBy (x, y) { return new this.constructor(this.relativePositions, this._imgDims, new Point(x, y)) }
  shiftByPoint (pt) { return this.shiftBy(pt.x, pt.y) }

  /** The box to align the face with: the landmarks' bounding box padded by 20 %, or dlib's. */
  align (detection, options = {}) {
    if (detection) {
      const box = detection instanceof FaceDetection ? detection.box.floor() : new Box(detection)
      return this.shiftBy(box.x, box.y).align(null, options)
    }
    const { useDlibAlignment, minBoxPadding } = { useDlibAlignment: false, minBoxPadding: 0.2, ...options }
    if (useDlibAlignment) return this.alignDlib()
    return this.alignMinBbox(minBoxPadding)
  }

  alignDlib () {
    const centers = this.getRefPointsForAlignment()
    const [leftEyeCenter, rightEyeCenter, mouthCenter] = centers
    const distToMouth = (pt) => mouthCenter.sub(pt).magnitude()
    const eyeToMouthDist = (distToMouth(leftEyeCenter) + distToMouth(rightEyeCenter)) / 2
    const size = Math.floor(eyeToMouthDist / relScale)
    const refPoint = centerOf(centers)
    const x = Math.floor(Math.max(0, refPoint.x - (relX * size)))
    const y = Math.floor(Math.max(0, refPoint.y - (relY * size)))
    return new Rect(x, y, Math.min(size, this.imageWidth + x), Math.min(size, this.imageHeight + y))
  }

  alignMinBbox (padding) {
    const box = minBbox(this.positions)
    return box.pad(box.width * padding, box.height * padding)
  }

  getRefPointsForAlignment () {
    throw new Error('getRefPointsForAlignment not implemented by base class')
  }
}

/** MTCNN's 5 points: left eye, right eye, nose, left and right mouth corner. */
export class FaceLandmarks5 extends FaceLandmarks {
  getRefPointsForAlignment () {
    const pts = this.positions
    return [pts[0], pts[1], centerOf([pts[3], pts[4]])]
  }
}

/** face-api.js's extendWithFaceLandmarks: landmarks shifted to the detection's box, and the aligned box. */
export function extendWithFaceLandmarks (sourceObj, unshiftedLandmarks) {
  const shift = sourceObj.detection.box
  const landmarks = unshiftedLandmarks.shiftBy(shift.x, shift.y)
  const rect = landmarks.align()
  const imageDims = sourceObj.detection.imageDims
  const alignedRect = new FaceDetection(sourceObj.detection.score, rect.rescale(imageDims.reverse()), imageDims)
  return { ...sourceObj, landmarks, unshiftedLandmarks, alignedRect }
}
