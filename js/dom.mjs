// Media elements and bitmaps to RGBA pixels through a canvas: the DOM's in a
// browser; in Node only a canvas library's images and canvases given with
// env.monkeyPatch. The checks use globalThis so importing is safe anywhere.

import { env, patchedByUser } from './env.mjs'

const has = (name) => typeof globalThis[name] === 'function'
// The class env.monkeyPatch may stand in for each DOM class.
const PATCHABLE = { HTMLImageElement: 'Image', HTMLCanvasElement: 'Canvas', HTMLVideoElement: 'Video' }
const isInstance = (x, name) => (has(name) && x instanceof globalThis[name]) ||
  (name in PATCHABLE && typeof patchedByUser(PATCHABLE[name]) === 'function' && x instanceof patchedByUser(PATCHABLE[name]))

export function isMediaInput (x) {
  return ['HTMLImageElement', 'HTMLVideoElement', 'HTMLCanvasElement', 'ImageBitmap', 'OffscreenCanvas']
    .some((name) => isInstance(x, name))
}

function mediaSize (media) {
  if (isInstance(media, 'HTMLImageElement')) return [media.naturalWidth, media.naturalHeight]
  if (isInstance(media, 'HTMLVideoElement')) return [media.videoWidth, media.videoHeight]
  return [media.width, media.height]
}

async function ready (media) {
  if (isInstance(media, 'HTMLImageElement') && !(media.complete && media.naturalWidth)) {
    try {
      await media.decode()
    } catch {
      throw new Error(`image '${media.src}' could not be loaded or decoded`)
    }
  }
  if (isInstance(media, 'HTMLVideoElement') && media.readyState < 2) {
    throw new Error('video has no frame yet (wait for its "loadeddata" event)')
  }
  if (isInstance(media, 'ImageBitmap') && !media.width && !media.height) {
    throw new Error('the ImageBitmap is closed (or was transferred)')
  }
}

let scratch = null

function scratchContext (width, height) {
  if (!scratch) {
    if (has('OffscreenCanvas')) scratch = new OffscreenCanvas(width, height)
    else if (globalThis.document) scratch = document.createElement('canvas')
    else scratch = env.getEnv().createCanvasElement()
  }
  if (scratch.width !== width) scratch.width = width
  if (scratch.height !== height) scratch.height = height
  return scratch.getContext('2d', { willReadFrequently: true })
}

export const CROSS_ORIGIN = 'cannot read the pixels of a cross-origin image loaded without CORS (serve it with ' +
  'Access-Control-Allow-Origin and set img.crossOrigin = \'anonymous\' before its src)'

/** context.getImageData of the whole canvas; a tainted canvas's SecurityError said plainly. */
function readPixels (context, width, height) {
  try {
    return context.getImageData(0, 0, width, height)
  } catch (error) {
    if (error?.name === 'SecurityError') throw new Error(CROSS_ORIGIN)
    throw error
  }
}

/**
 * Waits for the media to be ready and gives its natural [width, height],
 * passed to checkSize (which throws for sizes it refuses) before any pixel
 * is read.
 */
export async function readyMediaSize (media, checkSize = () => {}) {
  await ready(media)
  const [width, height] = mediaSize(media)
  if (!(width > 0 && height > 0)) throw new Error(`input has no pixels (${width} x ${height})`)
  checkSize(width, height)
  return [width, height]
}

/** Draws the media at its natural size and reads its RGBA pixels (checkSize: see readyMediaSize). */
export async function mediaToImageData (media, checkSize) {
  const [width, height] = await readyMediaSize(media, checkSize)
  if (isInstance(media, 'HTMLCanvasElement') || isInstance(media, 'OffscreenCanvas')) {
    const context = media.getContext('2d', { willReadFrequently: true })
    if (context) return readPixels(context, width, height)
  }
  const context = scratchContext(width, height)
  context.clearRect(0, 0, width, height)
  context.drawImage(media, 0, 0, width, height)
  try {
    return readPixels(context, width, height)
  } catch (error) {
    scratch = null // a tainted canvas stays tainted: the next input gets a fresh one
    throw error
  }
}
