// A minimal 2D canvas for Node, just enough for face-api.js 0.22.2's MTCNN, which refuses
// tensors and reads its input and cuts its 24x24 / 48x48 patches through a canvas:
// getImageData, putImageData, and drawImage scaling. drawImage resamples as browsers do with
// the default imageSmoothingQuality 'low': bilinear between the 4 nearest source pixel centres
// (source position (d + 0.5) * (source / destination) - 0.5, clamped to the edge pixels), no
// antialiasing, each channel rounded half up to 8 bits. That is the resampling the reference
// outputs were made with, so the bench's face counts can be compared with ours.

export class NodeImageData {
  constructor (dataOrWidth, width, height) {
    if (typeof dataOrWidth === 'number') {
      this.width = dataOrWidth
      this.height = width
      this.data = new Uint8ClampedArray(this.width * this.height * 4)
    } else {
      this.data = dataOrWidth
      this.width = width
      this.height = height ?? dataOrWidth.length / 4 / width
    }
  }
}

/** Source taps along one axis: [near index, far index, weight of far] per destination pixel. */
function taps (sourceSize, destinationSize) {
  const ratio = sourceSize / destinationSize
  const out = []
  for (let d = 0; d < destinationSize; d++) {
    const s = Math.min(Math.max((d + 0.5) * ratio - 0.5, 0), sourceSize - 1)
    const near = Math.floor(s)
    out.push([near, Math.min(near + 1, sourceSize - 1), s - near])
  }
  return out
}

class NodeContext2d {
  constructor (canvas) { this.canvas = canvas }

  getImageData (x, y, width, height) {
    const image = new NodeImageData(width, height)
    const { pixels, width: cw, height: ch } = this.canvas
    for (let row = 0; row < height; row++) {
      const sy = y + row
      if (sy < 0 || sy >= ch) continue // outside the canvas: transparent black
      for (let col = 0; col < width; col++) {
        const sx = x + col
        if (sx < 0 || sx >= cw) continue
        image.data.set(pixels.subarray((sy * cw + sx) * 4, (sy * cw + sx) * 4 + 4), (row * width + col) * 4)
      }
    }
    return image
  }

  putImageData (image, x, y) {
    const { pixels, width: cw, height: ch } = this.canvas
    for (let row = 0; row < image.height; row++) {
      const dy = y + row
      if (dy < 0 || dy >= ch) continue
      for (let col = 0; col < image.width; col++) {
        const dx = x + col
        if (dx < 0 || dx >= cw) continue
        pixels.set(image.data.subarray((row * image.width + col) * 4, (row * image.width + col) * 4 + 4), (dy * cw + dx) * 4)
      }
    }
  }

  drawImage (source, x, y, width = source.width, height = source.height) {
    const src = source instanceof NodeCanvas ? source.pixels : source.data
    const sw = source.width
    const columns = taps(sw, width)
    const rows = taps(source.height, height)
    const { pixels, width: cw, height: ch } = this.canvas
    for (let row = 0; row < height; row++) {
      const dy = y + row
      if (dy < 0 || dy >= ch) continue
      const [r0, r1, fy] = rows[row]
      for (let col = 0; col < width; col++) {
        const dx = x + col
        if (dx < 0 || dx >= cw) continue
        const [c0, c1, fx] = columns[col]
        const a = (r0 * sw + c0) * 4; const b = (r0 * sw + c1) * 4
        const c = (r1 * sw + c0) * 4; const d = (r1 * sw + c1) * 4
        const out = (dy * cw + dx) * 4
        for (let k = 0; k < 4; k++) {
          const upper = src[a + k] * (1 - fx) + src[b + k] * fx
          const lower = src[c + k] * (1 - fx) + src[d + k] * fx
          pixels[out + k] = Math.floor(upper * (1 - fy) + lower * fy + 0.5)
        }
      }
    }
  }
}

export class NodeCanvas {
  constructor (width = 300, height = 150) {
    this._width = width
    this._height = height
    this._clear()
  }

  _clear () { this.pixels = new Uint8ClampedArray(this._width * this._height * 4) }
  get width () { return this._width }
  set width (w) { this._width = w; this._clear() } // resizing a canvas clears it
  get height () { return this._height }
  set height (h) { this._height = h; this._clear() }
  getContext (kind) { return kind === '2d' ? (this._context ??= new NodeContext2d(this)) : null }

  /** A canvas holding RGBA pixels, alpha forced opaque. */
  static fromRgba (rgba, width, height) {
    const canvas = new NodeCanvas(width, height)
    canvas.pixels.set(rgba)
    for (let i = 3; i < canvas.pixels.length; i += 4) canvas.pixels[i] = 255
    return canvas
  }
}

export class NodeImage {}
export class NodeVideo {}
