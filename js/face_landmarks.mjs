// FaceLandmarks, FaceLandmarks68 and FaceLandmarks5 (MTCNN's): face-api.js's landmark result classes,
// with its alignment rules (min bounding box + 20 % padding, and the dlib box
// the recognition net runs on).

import { Box, Dimensions, FaceDetection, Point, Rect } from './classes.mjs'
import { minBbox } from './utils.mjs'

// face-api.js's alignment constants (FaceLandmarks.ts)
const REL_X = 0.5
const REL_Y = 0.43
const REL_SCALE = 0.45

const centerOf = (pts) => pts.reduce((sum, pt) => sum.add(pt), new Point(0, 0)).div(new Point(pts.length, pts.length))

export class FaceLandmarks {
  /** relativePositions: Points in 0..1 of imgDims; positions = relative * dims + shift. */
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

  /**
   * The box to cut the face out for the face nets: min bounding box of the
   * points padded by 20 % (default), or with { useDlibAlignment: true } the
   * box face-api.js computes the descriptor on. detection (optional) shifts
   * the points by its box first.
   */
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
    const size = Math.floor(eyeToMouthDist / REL_SCALE)
    const refPoint = centerOf(centers)
    const x = Math.floor(Math.max(0, refPoint.x - (REL_X * size)))
    const y = Math.floor(Math.max(0, refPoint.y - (REL_Y * size)))
    // face-api.js bounds the size with the landmarks' image dimensions (the face crop's), kept as is.
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

export class FaceLandmarks68 extends FaceLandmarks {
  getJawOutline () { return this.positions.slice(0, 17) }
  getLeftEyeBrow () { return this.positions.slice(17, 22) }
  getRightEyeBrow () { return this.positions.slice(22, 27) }
  getNose () { return this.positions.slice(27, 36) }
  getLeftEye () { return this.positions.slice(36, 42) }
  getRightEye () { return this.positions.slice(42, 48) }
  getMouth () { return this.positions.slice(48, 68) }
  getRefPointsForAlignment () { return [this.getLeftEye(), this.getRightEye(), this.getMouth()].map(centerOf) }
}

/** MTCNN's 5 points: left eye, right eye, nose, left and right mouth corner. */
export class FaceLandmarks5 extends FaceLandmarks {
  getRefPointsForAlignment () {
    const pts = this.positions
    return [pts[0], pts[1], centerOf([pts[3], pts[4]])]
  }
}
