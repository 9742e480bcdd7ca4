// Drawing on a canvas, with face-api.js's draw API, options and defaults:
// draw.drawDetections, draw.drawFaceLandmarks, draw.drawFaceExpressions,
// draw.DrawBox, draw.DrawTextField, draw.DrawFaceLandmarks. Browser (or any
// environment with a 2D canvas context); in Node without a canvas, the CLI
// draws through the core instead (js/cli/analyze.mjs).

import { Box, FaceDetection, Point } from './classes.mjs'

/** face-api.js's round: truncated to `prec` decimals. */
const round = (num, prec = 2) => Math.floor(num * 10 ** prec) / 10 ** prec

function resolveCanvas (canvasArg) {
  if (typeof canvasArg === 'string' && globalThis.document) return document.getElementById(canvasArg)
  return canvasArg
}

function context2d (canvasArg) {
  const target = resolveCanvas(canvasArg)
  if (target && typeof target.fillRect === 'function' && target.canvas) return target // already a 2D context
  if (!target || typeof target.getContext !== 'function') {
    throw new Error('resolveContext2d - expected canvas to be of instance of Canvas')
  }
  const ctx = target.getContext('2d')
  if (!ctx) throw new Error('resolveContext2d - canvas 2d context is null')
  return ctx
}

export const AnchorPosition = Object.freeze({
  TOP_LEFT: 'TOP_LEFT', TOP_RIGHT: 'TOP_RIGHT', BOTTOM_LEFT: 'BOTTOM_LEFT', BOTTOM_RIGHT: 'BOTTOM_RIGHT'
})

export class DrawTextFieldOptions {
  constructor ({ anchorPosition, backgroundColor, fontColor, fontSize, fontStyle, padding } = {}) {
    this.anchorPosition = anchorPosition || AnchorPosition.TOP_LEFT
    this.backgroundColor = backgroundColor || 'rgba(0, 0, 0, 0.5)'
    this.fontColor = fontColor || 'rgba(255, 255, 255, 1)'
    this.fontSize = fontSize || 14
    this.fontStyle = fontStyle || 'Georgia'
    this.padding = padding || 4
  }
}

export class DrawTextField {
  constructor (text, anchor, options = {}) {
    this.text = typeof text === 'string' ? [text] : (text instanceof DrawTextField ? text.text : text)
    this.anchor = anchor
    this.options = new DrawTextFieldOptions(options)
  }

  measureWidth (ctx) {
    const widest = this.text.reduce((w, line) => Math.max(w, ctx.measureText(line).width), 0)
    return widest + 2 * this.options.padding
  }

  measureHeight () {
    return this.text.length * this.options.fontSize + 2 * this.options.padding
  }

  /** Upper-left corner for the anchor position, kept inside the canvas when its size is known. */
  getUpperLeft (ctx, canvasDims) {
    const { anchorPosition } = this.options
    const shiftLeft = anchorPosition === AnchorPosition.BOTTOM_RIGHT || anchorPosition === AnchorPosition.TOP_RIGHT
    const shiftUp = anchorPosition === AnchorPosition.BOTTOM_LEFT || anchorPosition === AnchorPosition.BOTTOM_RIGHT
    const width = this.measureWidth(ctx)
    const height = this.measureHeight()
    const x = shiftLeft ? this.anchor.x - width : this.anchor.x
    const y = shiftUp ? this.anchor.y - height : this.anchor.y
    if (!canvasDims) return { x, y }
    return {
      x: Math.max(Math.min(x, canvasDims.width - width), 0),
      y: Math.max(Math.min(y, canvasDims.height - height), 0)
    }
  }

  draw (canvasArg) {
    const ctx = context2d(canvasArg)
    const { backgroundColor, fontColor, fontSize, fontStyle, padding } = this.options
    ctx.font = `${fontSize}px ${fontStyle}`
    const width = this.measureWidth(ctx)
    const height = this.measureHeight()
    const upperLeft = this.getUpperLeft(ctx, ctx.canvas)
    ctx.fillStyle = backgroundColor
    ctx.fillRect(upperLeft.x, upperLeft.y, width, height)
    ctx.fillStyle = fontColor
    this.text.forEach((line, i) => ctx.fillText(line, padding + upperLeft.x, padding + upperLeft.y + (i + 1) * fontSize))
  }
}

export class DrawBoxOptions {
  constructor ({ boxColor, lineWidth, label, drawLabelOptions } = {}) {
    this.boxColor = boxColor || 'rgba(0, 0, 255, 1)'
    this.lineWidth = lineWidth || 2
    this.label = label
    this.drawLabelOptions = new DrawTextFieldOptions({
      anchorPosition: AnchorPosition.BOTTOM_LEFT, backgroundColor: this.boxColor, ...drawLabelOptions
    })
  }
}

export class DrawBox {
  constructor (box, options = {}) {
    this.box = new Box(box)
    this.options = new DrawBoxOptions(options)
  }

  draw (canvasArg) {
    const ctx = context2d(canvasArg)
    const { boxColor, lineWidth, label } = this.options
    const { x, y, width, height } = this.box
    ctx.strokeStyle = boxColor
    ctx.lineWidth = lineWidth
    ctx.strokeRect(x, y, width, height)
    if (label) new DrawTextField([label], { x: x - lineWidth / 2, y }, this.options.drawLabelOptions).draw(canvasArg)
  }
}

const hasDetection = (x) => !!x && x.detection instanceof FaceDetection

/** Boxes with their scores, for FaceDetection, results with .detection, or plain boxes/rects. */
export function drawDetections (canvasArg, detections) {
  for (const det of Array.isArray(detections) ? detections : [detections]) {
    const detection = det instanceof FaceDetection ? det : (hasDetection(det) ? det.detection : undefined)
    const box = detection ? detection.box : new Box(det)
    const label = detection?.score ? `${round(detection.score)}` : undefined
    new DrawBox(box, { label }).draw(canvasArg)
  }
}

export class DrawFaceLandmarksOptions {
  constructor ({ drawLines = true, drawPoints = true, lineWidth, lineColor, pointSize, pointColor } = {}) {
    this.drawLines = drawLines
    this.drawPoints = drawPoints
    this.lineWidth = lineWidth || 1
    this.pointSize = pointSize || 2
    this.lineColor = lineColor || 'rgba(0, 255, 255, 1)'
    this.pointColor = pointColor || 'rgba(255, 0, 255, 1)'
  }
}

export function drawContour (ctx, points, isClosed = false) {
  ctx.beginPath()
  points.slice(1).forEach(({ x, y }, previous) => {
    ctx.moveTo(points[previous].x, points[previous].y)
    ctx.lineTo(x, y)
  })
  if (isClosed) {
    // As face-api.js: no points, no stroke; one point, a zero-length segment
    // (visible with round or square line caps).
    if (points.length === 0) return
    ctx.moveTo(points[points.length - 1].x, points[points.length - 1].y)
    ctx.lineTo(points[0].x, points[0].y)
  }
  ctx.stroke()
}

const is68PointLandmarks = (l) => typeof l?.getJawOutline === 'function' && typeof l?.getMouth === 'function'

export class DrawFaceLandmarks {
  constructor (faceLandmarks, options = {}) {
    this.faceLandmarks = faceLandmarks
    this.options = new DrawFaceLandmarksOptions(options)
  }

  draw (canvasArg) {
    const ctx = context2d(canvasArg)
    const { drawLines, drawPoints, lineWidth, lineColor, pointSize, pointColor } = this.options
    const landmarks = this.faceLandmarks
    if (drawLines && is68PointLandmarks(landmarks)) {
      ctx.strokeStyle = lineColor
      ctx.lineWidth = lineWidth
      drawContour(ctx, landmarks.getJawOutline())
      drawContour(ctx, landmarks.getLeftEyeBrow())
      drawContour(ctx, landmarks.getRightEyeBrow())
      drawContour(ctx, landmarks.getNose())
      drawContour(ctx, landmarks.getLeftEye(), true)
      drawContour(ctx, landmarks.getRightEye(), true)
      drawContour(ctx, landmarks.getMouth(), true)
    }
    if (drawPoints) {
      ctx.strokeStyle = pointColor
      ctx.fillStyle = pointColor
      for (const pt of landmarks.positions) {
        ctx.beginPath()
        ctx.arc(pt.x, pt.y, pointSize, 0, 2 * Math.PI)
        ctx.fill()
      }
    }
  }
}

/** Landmarks (68 or 5 points), or results with .landmarks, or an array of either. */
export function drawFaceLandmarks (canvasArg, faceLandmarks) {
  for (const f of Array.isArray(faceLandmarks) ? faceLandmarks : [faceLandmarks]) {
    const landmarks = Array.isArray(f?.positions) ? f : (Array.isArray(f?.landmarks?.positions) ? f.landmarks : undefined)
    if (!landmarks) {
      throw new Error('drawFaceLandmarks - expected faceExpressions to be FaceLandmarks | WithFaceLandmarks<WithFaceDetection<{}>> or array thereof')
    }
    new DrawFaceLandmarks(landmarks).draw(canvasArg)
  }
}

/** Each face's expressions above minConfidence, listed at the box's bottom-left corner. */
export function drawFaceExpressions (canvasArg, faceExpressions, minConfidence = 0.1, textFieldAnchor) {
  for (const e of Array.isArray(faceExpressions) ? faceExpressions : [faceExpressions]) {
    const expressions = typeof e?.asSortedArray === 'function' ? e : (typeof e?.expressions?.asSortedArray === 'function' ? e.expressions : undefined)
    if (!expressions) {
      throw new Error('drawFaceExpressions - expected faceExpressions to be FaceExpressions | WithFaceExpressions<{}> or array thereof')
    }
    const shown = expressions.asSortedArray().filter((x) => x.probability > minConfidence)
    const anchor = hasDetection(e) ? e.detection.box.bottomLeft : (textFieldAnchor || new Point(0, 0))
    new DrawTextField(shown.map((x) => `${x.expression} (${round(x.probability)})`), anchor).draw(canvasArg)
  }
}
