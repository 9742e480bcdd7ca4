// face-api.js's small pure helpers: the `utils` namespace (minus its tensor
// checks) and the box operations it exports at top level (iou, minBbox,
// nonMaxSuppression, sigmoid, inverseSigmoid, shuffleArray).

import { BoundingBox, Dimensions, Point } from './classes.mjs'

export const isFloat = (num) => num % 1 !== 0
export const isEven = (num) => num % 2 === 0
/** Rounded down (towards -Infinity, not truncated) to `prec` decimals, as face-api.js's round. */
export const round = (num, prec = 2) => { const f = 10 ** prec; return Math.floor(num * f) / f }
export const isDimensions = (obj) => !!obj && !!obj.width && !!obj.height
export const isValidNumber = (num) => (!!num && num !== Infinity && num !== -Infinity && !isNaN(num)) || num === 0
export const isValidProbablitiy = (num) => isValidNumber(num) && num >= 0 && num <= 1.0

/** The size of `width x height` scaled so its longer side is inputSize. */
export function computeReshapedDimensions ({ width, height }, inputSize) {
  const scale = inputSize / Math.max(height, width)
  return new Dimensions(Math.round(width * scale), Math.round(height * scale))
}

export function getCenterPoint (pts) {
  return pts.reduce((sum, pt) => sum.add(pt), new Point(0, 0)).div(new Point(pts.length, pts.length))
}

export const range = (num, start, step) => Array(num).fill(0).map((_, i) => start + (i * step))

// ---- box operations ----

/** Intersection over union (isIOU) or over the smaller area. */
export function iou (box1, box2, isIOU = true) {
  const width = Math.max(0.0, Math.min(box1.right, box2.right) - Math.max(box1.left, box2.left))
  const height = Math.max(0.0, Math.min(box1.bottom, box2.bottom) - Math.max(box1.top, box2.top))
  const intersection = width * height
  return isIOU ? intersection / (box1.area + box2.area - intersection) : intersection / Math.min(box1.area, box2.area)
}

/** The smallest BoundingBox around the points (its right and bottom start at 0, as face-api.js's). */
export function minBbox (pts) {
  const xs = pts.map((pt) => pt.x)
  const ys = pts.map((pt) => pt.y)
  const minX = xs.reduce((min, x) => (x < min ? x : min), Infinity)
  const minY = ys.reduce((min, y) => (y < min ? y : min), Infinity)
  const maxX = xs.reduce((max, x) => (max < x ? x : max), 0)
  const maxY = ys.reduce((max, y) => (max < y ? y : max), 0)
  return new BoundingBox(minX, minY, maxX, maxY)
}

/** Indices of the boxes kept, best score first; a box is dropped when its overlap with a kept one exceeds iouThreshold. */
export function nonMaxSuppression (boxes, scores, iouThreshold, isIOU = true) {
  let remaining = scores.map((score, boxIndex) => ({ score, boxIndex }))
    .sort((a, b) => a.score - b.score)
    .map((c) => c.boxIndex)
  const pick = []
  while (remaining.length > 0) {
    const current = remaining.pop()
    pick.push(current)
    remaining = remaining.filter((idx) => iou(boxes[current], boxes[idx], isIOU) <= iouThreshold)
  }
  return pick
}

export const sigmoid = (x) => 1 / (1 + Math.exp(-x))
export const inverseSigmoid = (x) => Math.log(x / (1 - x))

/** A shuffled copy (Fisher-Yates). */
export function shuffleArray (inputArray) {
  const array = inputArray.slice()
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const x = array[i]
    array[i] = array[j]
    array[j] = x
  }
  return array
}
