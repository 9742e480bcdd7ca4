// Result and geometry classes with face-api.js's shapes and semantics.

const isValidNumber = (n) => typeof n === 'number' && Number.isFinite(n)
// face-api.js takes numeric strings ('640') for sizes and coordinates; they become numbers here
export const numeric = (n) => (typeof n === 'string' && n.trim() !== '' && Number.isFinite(Number(n)) ? Number(n) : n)

export class Dimensions {
  constructor (width, height) {
    width = numeric(width)
    height = numeric(height)
    if (!isValidNumber(width) || !isValidNumber(height)) {
      throw new Error(`Dimensions.constructor - expected width and height to be valid numbers, instead have ${JSON.stringify({ width, height })}`)
    }
    this._width = width
    this._height = height
  }

  get width () { return this._width }
  get height () { return this._height }
  reverse () { return new Dimensions(1 / this.width, 1 / this.height) }
}

export class Point {
  constructor (x, y) { this._x = x; this._y = y }
  get x () { return this._x }
  get y () { return this._y }
  add (p) { return new Point(this.x + p.x, this.y + p.y) }
  sub (p) { return new Point(this.x - p.x, this.y - p.y) }
  mul (p) { return new Point(this.x * p.x, this.y * p.y) }
  div (p) { return new Point(this.x / p.x, this.y / p.y) }
  abs () { return new Point(Math.abs(this.x), Math.abs(this.y)) }
  magnitude () { return Math.sqrt(this.x ** 2 + this.y ** 2) }
  floor () { return new Point(Math.floor(this.x), Math.floor(this.y)) }
}

export class Box {
  static isRect (r) { return !!r && [r.x, r.y, r.width, r.height].every(isValidNumber) }

  static assertIsValidBox (box, callee, allowNegativeDimensions = false) {
    if (!Box.isRect(box)) {
      throw new Error(`${callee} - invalid box: ${JSON.stringify(box)}, expected object with properties x, y, width, height`)
    }
    if (!allowNegativeDimensions && (box.width < 0 || box.height < 0)) {
      throw new Error(`${callee} - width (${box.width}) and height (${box.height}) must be positive numbers`)
    }
  }

  constructor (box, allowNegativeDimensions = true) {
    const b = Object.fromEntries(['x', 'y', 'width', 'height', 'left', 'top', 'right', 'bottom'].map((k) => [k, numeric(box?.[k])]))
    const isBbox = [b.left, b.top, b.right, b.bottom].every(isValidNumber)
    const isRect = [b.x, b.y, b.width, b.height].every(isValidNumber)
    if (!isRect && !isBbox) {
      throw new Error(`Box.constructor - expected box to be IBoundingBox | IRect, instead have ${JSON.stringify(b)}`)
    }
    const [x, y, width, height] = isRect ? [b.x, b.y, b.width, b.height] : [b.left, b.top, b.right - b.left, b.bottom - b.top]
    Box.assertIsValidBox({ x, y, width, height }, 'Box.constructor', allowNegativeDimensions)
    this._x = x
    this._y = y
    this._width = width
    this._height = height
  }

  get x () { return this._x }
  get y () { return this._y }
  get width () { return this._width }
  get height () { return this._height }
  get left () { return this.x }
  get top () { return this.y }
  get right () { return this.x + this.width }
  get bottom () { return this.y + this.height }
  get area () { return this.width * this.height }
  get topLeft () { return new Point(this.left, this.top) }
  get topRight () { return new Point(this.right, this.top) }
  get bottomLeft () { return new Point(this.left, this.bottom) }
  get bottomRight () { return new Point(this.right, this.bottom) }

  round () { return new Box({ x: Math.round(this.x), y: Math.round(this.y), width: Math.round(this.width), height: Math.round(this.height) }) }
  floor () { return new Box({ x: Math.floor(this.x), y: Math.floor(this.y), width: Math.floor(this.width), height: Math.floor(this.height) }) }

  toSquare () {
    let { x, y, width, height } = this
    const diff = Math.abs(width - height)
    if (width < height) { x -= diff / 2; width += diff }
    if (height < width) { y -= diff / 2; height += diff }
    return new Box({ x, y, width, height })
  }

  rescale (s) {
    const scaleX = typeof s === 'number' ? s : s.width
    const scaleY = typeof s === 'number' ? s : s.height
    return new Box({ x: this.x * scaleX, y: this.y * scaleY, width: this.width * scaleX, height: this.height * scaleY })
  }

  pad (padX, padY) {
    return new Box({ x: this.x - padX / 2, y: this.y - padY / 2, width: this.width + padX, height: this.height + padY })
  }

  shift (sx, sy) { return new Box({ x: this.x + sx, y: this.y + sy, width: this.width, height: this.height }) }

  clipAtImageBorders (imgWidth, imgHeight) {
    const { x, y, right, bottom } = this
    const clippedX = Math.max(x, 0)
    const clippedY = Math.max(y, 0)
    const newWidth = right - clippedX
    const newHeight = bottom - clippedY
    const clippedWidth = Math.min(newWidth, imgWidth - clippedX)
    const clippedHeight = Math.min(newHeight, imgHeight - clippedY)
    return new Box({ x: clippedX, y: clippedY, width: clippedWidth, height: clippedHeight }).floor()
  }

  /**
   * face-api.js's MTCNN padding of a box at the image borders, as it computes
   * it (1-based; a box past the left or top border sets edy, as face-api.js's does).
   */
  padAtBorders (imageHeight, imageWidth) {
    const w = this.width + 1
    const h = this.height + 1
    const out = { dy: 1, edy: h, dx: 1, edx: w, y: this.top, ey: this.bottom, x: this.left, ex: this.right, w, h }
    if (out.ex > imageWidth) { out.edx = imageWidth + w - out.ex; out.ex = imageWidth }
    if (out.ey > imageHeight) { out.edy = imageHeight + h - out.ey; out.ey = imageHeight }
    if (out.x < 1) { out.edy = 2 - out.x; out.x = 1 }
    if (out.y < 1) { out.edy = 2 - out.y; out.y = 1 }
    return out
  }

  /** The box moved by a regression (region's edges as fractions of its size), squared and rounded (MTCNN). */
  calibrate (region) {
    return new Box({
      left: this.left + region.left * this.width,
      top: this.top + region.top * this.height,
      right: this.right + region.right * this.width,
      bottom: this.bottom + region.bottom * this.height
    }).toSquare().round()
  }
}

export class Rect extends Box {
  constructor (x, y, width, height, allowNegativeDimensions = false) {
    super({ x, y, width, height }, allowNegativeDimensions)
  }
}

export class BoundingBox extends Box {
  constructor (left, top, right, bottom, allowNegativeDimensions = false) {
    super({ left, top, right, bottom }, allowNegativeDimensions)
  }
}

export class ObjectDetection {
  constructor (score, classScore, className, relativeBox, imageDims) {
    this._imageDims = new Dimensions(imageDims.width, imageDims.height)
    this._score = score
    this._classScore = classScore
    this._className = className
    this._box = new Box(relativeBox).rescale(this._imageDims)
  }

  get score () { return this._score }
  get classScore () { return this._classScore }
  get className () { return this._className }
  get box () { return this._box }
  get imageDims () { return this._imageDims }
  get imageWidth () { return this.imageDims.width }
  get imageHeight () { return this.imageDims.height }
  get relativeBox () { return new Box(this._box).rescale(this.imageDims.reverse()) }

  forSize (width, height) {
    return new ObjectDetection(this.score, this.classScore, this.className, this.relativeBox, { width, height })
  }
}

export class FaceDetection extends ObjectDetection {
  constructor (score, relativeBox, imageDims) {
    super(score, score, '', relativeBox, imageDims)
  }

  forSize (width, height) {
    const { score, relativeBox, imageDims } = super.forSize(width, height)
    return new FaceDetection(score, relativeBox, imageDims)
  }
}

/** A box with a numeric class label. */
export class LabeledBox extends Box {
  static assertIsValidLabeledBox (box, callee) {
    Box.assertIsValidBox(box, callee)
    if (!isValidNumber(box.label)) throw new Error(`${callee} - expected property label (${box.label}) to be a number`)
  }

  constructor (box, label) {
    super(box)
    this._label = label
  }

  get label () { return this._label }
}

/** A labeled box with its score and class score. */
export class PredictedBox extends LabeledBox {
  static assertIsValidPredictedBox (box, callee) {
    LabeledBox.assertIsValidLabeledBox(box, callee)
    const isProbability = (p) => isValidNumber(p) && p >= 0 && p <= 1
    if (!isProbability(box.score) || !isProbability(box.classScore)) {
      throw new Error(`${callee} - expected properties score (${box.score}) and (${box.classScore}) to be a number between [0, 1]`)
    }
  }

  constructor (box, label, score, classScore) {
    super(box, label)
    this._score = score
    this._classScore = classScore
  }

  get score () { return this._score }
  get classScore () { return this._classScore }
}
