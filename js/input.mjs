// Every accepted input becomes RGBA pixels in linear memory:
//   { data, width, height } (ImageData or alike)  copied into the core's pixel buffer
//   Uint8Array / Buffer / ArrayBuffer             an encoded JPEG or PNG, decoded in wasm
//   string                                        Node: a file path; browser: an element id
//   <img>, <video>, <canvas>, ImageBitmap, OffscreenCanvas   read through a canvas

import { FacewasmError } from './wasm.mjs'
import { isMediaInput, mediaToImageData } from './dom.mjs'
import { isNode, MAX_FILE_BYTES, readWholeFile } from './node.mjs'

const UNSUPPORTED = 'unsupported input: expected a file path (Node), an encoded JPEG/PNG as a Buffer, ' +
  'Uint8Array or ArrayBuffer, ImageData or { data: RGBA bytes, width, height }, or an HTML image, video, ' +
  'canvas, ImageBitmap or OffscreenCanvas'

/**
 * RGBA pixels { data, width, height } (ImageData or alike). A canvas library's
 * canvas with a data() method (@napi-rs/canvas) is media, not pixels.
 */
export function isPixels (x) {
  return !!x && typeof x === 'object' && 'data' in x && typeof x.data !== 'function' && 'width' in x && 'height' in x
}

// The core's image limits (csrc/image/codec.h: FW_MAX_IMAGE_SIDE, FW_MAX_IMAGE_PIXELS),
// checked here too so that pixels over them are refused before they are copied in.
export const MAX_IMAGE_SIDE = 16384
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024

const DETACHED = 'image data is detached (its ArrayBuffer was transferred, e.g. to a worker)'

/** Whether an ArrayBuffer was detached (transferred): a view of it can no longer be made. */
function isDetached (buffer) {
  try {
    return !new Uint8Array(buffer)
  } catch {
    return true
  }
}

/** Refuses sizes over the core's limits, before any pixel is read or copied. */
export function checkImageSize (width, height) {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new FacewasmError(`image is too large (${width} x ${height}; the limit is ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / 1024 / 1024} megapixels)`)
  }
}

function checkPixels ({ data, width, height }) {
  if (typeof width !== 'number' || typeof height !== 'number') {
    throw new FacewasmError(`image width and height must be numbers of pixels, got ${JSON.stringify(width)} x ${JSON.stringify(height)}`)
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new FacewasmError(`image has no pixels (${width} x ${height})`)
  }
  checkImageSize(width, height)
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new FacewasmError('image data must be a Uint8Array or Uint8ClampedArray of RGBA bytes')
  }
  if (data.length !== width * height * 4) {
    throw new FacewasmError(data.length === 0 && isDetached(data.buffer)
      ? DETACHED
      : `image data has ${data.length} bytes; ${width} x ${height} RGBA needs ${width * height * 4}`)
  }
}

/** Encoded bytes as a Uint8Array, refused when detached or larger than any image the core decodes. */
function encodedBytes (input) {
  if (isDetached(input instanceof ArrayBuffer ? input : input.buffer)) throw new FacewasmError(DETACHED)
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input
  if (bytes.length > MAX_FILE_BYTES) {
    throw new FacewasmError(`image data is too large (${bytes.length} bytes; an encoded image is read up to ${MAX_FILE_BYTES})`)
  }
  return bytes
}

async function readFileBytes (path) {
  try {
    return await readWholeFile(path)
  } catch (error) {
    throw new FacewasmError(`cannot read image '${path}': ${error.message}`)
  }
}

/** Decodes an encoded JPEG/PNG in wasm; the returned pixels are freed by release(). */
export function decodeInCore (core, bytes, sourceName) {
  return core.withAllocations([bytes.length, 8], (encoded, size) => {
    core.u8().set(bytes, encoded)
    const pointer = core.exports.fw_image_decode(encoded, bytes.length, size)
    if (!pointer) core.fail(sourceName)
    const [width, height] = core.i32().subarray(size >> 2, (size >> 2) + 2)
    return { pointer, width, height, release: () => core.free(pointer) }
  })
}

/** PNG bytes of width x height RGBA pixels at pointer in the core's memory. */
export function encodePngInCore (core, pointer, width, height) {
  return core.withAllocations([4], (lengthPointer) => {
    const png = core.exports.fw_image_encode_png(pointer, width, height, lengthPointer)
    if (!png) core.fail('PNG encoding')
    const bytes = core.u8().slice(png, png + core.i32()[lengthPointer >> 2])
    core.free(png)
    return bytes
  })
}

/** Puts RGBA pixels into the core's reusable pixel buffer. */
export function pixelsInCore (core, pixels) {
  checkPixels(pixels)
  const pointer = core.pixelBuffer(pixels.data.length)
  core.u8().set(pixels.data, pointer)
  return { pointer, width: pixels.width, height: pixels.height, release () {} }
}

/** Copies RGBA pixels into an allocation of their own, freed by release(). */
function pixelsCopiedIn (core, pixels) {
  checkPixels(pixels)
  const pointer = core.copyIn(pixels.data)
  return { pointer, width: pixels.width, height: pixels.height, release: () => core.free(pointer) }
}

/** On a page: the element with this id, or a FacewasmError naming the id. */
export function elementById (id) {
  const element = globalThis.document?.getElementById(id)
  if (!element) throw new FacewasmError(`no element with id '${id}'`)
  return element
}

/** A browser's own error (a DOMException, say) as a FacewasmError with its message. */
export const asFacewasmError = (error) => error instanceof FacewasmError ? error : new FacewasmError(error.message)

/**
 * Turns any accepted input into either RGBA pixels or encoded bytes, doing
 * all the waiting (file reads, image loading) up front.
 */
async function prepare (input) {
  if (isPixels(input)) return { pixels: input }
  if (input instanceof ArrayBuffer || input instanceof Uint8Array) return { encoded: encodedBytes(input), name: 'image' }
  if (typeof input === 'string') {
    if (isNode) return { encoded: await readFileBytes(input), name: input }
    input = elementById(input)
  }
  if (isMediaInput(input)) {
    try {
      return { pixels: await mediaToImageData(input, checkImageSize) }
    } catch (error) {
      throw asFacewasmError(error)
    }
  }
  throw new FacewasmError(UNSUPPORTED)
}

/**
 * Runs fn({ pointer, width, height }) on the input's pixels in linear memory.
 * Everything after the awaited preparation is synchronous, so overlapping
 * calls never see each other's pixels in the shared buffer.
 */
export async function withInput (core, input, fn) {
  return withInputs(core, [input], ([pixels]) => fn(pixels))
}

/**
 * withInput for several inputs at once: fn([{ pointer, width, height }, ...]),
 * one per input (pixels then each in an allocation of their own, where one
 * input uses the core's pixel buffer).
 */
export async function withInputs (core, inputs, fn) {
  const sources = []
  for (const input of inputs) sources.push(await prepare(input))
  const copyIn = sources.length > 1 ? pixelsCopiedIn : pixelsInCore
  const all = []
  try {
    for (const source of sources) {
      all.push(source.pixels ? copyIn(core, source.pixels) : decodeInCore(core, source.encoded, source.name))
    }
    return fn(all)
  } finally {
    all.forEach((pixels) => pixels.release())
  }
}
