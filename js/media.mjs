// face-api.js's DOM helpers: fetching images and JSON, canvases from media,
// media dimensions and loading state, matchDimensions. Browser semantics are
// face-api.js's. In Node:
//   fetchImage, bufferToImage   decode the JPEG/PNG in wasm and give RGBA pixels
//                               { data, width, height } (a valid input everywhere)
//   fetchOrThrow and friends    also read file: URLs from disk
//   canvas helpers              need a canvas library given with env.monkeyPatch,
//                               otherwise throw createCanvasElement's error

import { Dimensions } from './classes.mjs'
import { env } from './env.mjs'
import { decodeInCore, isPixels } from './input.mjs'
import { isNode, nodeBuiltin, readWholeFile } from './node.mjs'
import { getCore } from './wasm.mjs'

const IMAGE_TYPES = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.json': 'application/json' }

/** A file: URL read from disk as a Response (Node's fetch does not take file: URLs). */
async function fileResponse (url) {
  const { fileURLToPath } = await nodeBuiltin('url')
  const file = fileURLToPath(url)
  try {
    const bytes = await readWholeFile(file)
    const type = IMAGE_TYPES[file.slice(file.lastIndexOf('.')).toLowerCase()] ?? 'application/octet-stream'
    return new Response(bytes, { status: 200, headers: { 'content-type': type } })
  } catch (error) {
    return new Response(null, { status: 404, statusText: error.message === 'no such file' ? 'Not Found' : error.message })
  }
}

function isAbsoluteUrl (url) {
  try {
    return !!new URL(String(url))
  } catch {
    return false
  }
}

/** fetch through env, failing on an HTTP status of 400 or more (face-api.js's message). */
export async function fetchOrThrow (url, init) {
  if (isNode && !isAbsoluteUrl(url)) {
    throw new Error(`failed to fetch: '${url}' is not an absolute URL (in Node, give a file path to the detection functions themselves, or a file: URL here)`)
  }
  const isFileUrl = isNode && (url instanceof URL ? url.protocol === 'file:' : String(url).startsWith('file:'))
  const res = isFileUrl ? await fileResponse(url) : await env.getEnv().fetch(url, init)
  if (!(res.status < 400)) throw new Error(`failed to fetch: (${res.status}) ${res.statusText}, from url: ${res.url || url}`)
  return res
}

export async function fetchJson (uri) {
  return (await fetchOrThrow(uri)).json()
}

/** On a page: an HTMLImageElement; in Node or a worker: the decoded RGBA pixels { data, width, height }. */
export async function fetchImage (uri) {
  const res = await fetchOrThrow(uri)
  const blob = await res.blob()
  if (!blob.type.startsWith('image/')) {
    throw new Error(`fetchImage - expected blob type to be of type image/*, instead have: ${blob.type}, for url: ${res.url || uri}`)
  }
  return bufferToImage(blob)
}

/** Decodes an encoded JPEG/PNG in wasm into a copy of its RGBA pixels. */
async function decodeImage (bytes, name) {
  const core = await getCore()
  const image = decodeInCore(core, bytes, name)
  try {
    const data = new Uint8ClampedArray(core.u8().slice(image.pointer, image.pointer + image.width * image.height * 4).buffer)
    return { data, width: image.width, height: image.height }
  } finally {
    image.release()
  }
}

/** A Blob to an image: on a page, an HTMLImageElement (face-api.js); in Node or a worker, its decoded RGBA pixels. */
export async function bufferToImage (buf) {
  if (typeof Blob === 'undefined' || !(buf instanceof Blob)) throw new Error('bufferToImage - expected buf to be of type: Blob')
  if (isNode || typeof document === 'undefined' || typeof FileReader === 'undefined') return decodeImage(new Uint8Array(await buf.arrayBuffer()), 'bufferToImage')
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => (typeof reader.result === 'string'
      ? resolve(reader.result)
      : reject(new Error('bufferToImage - expected reader.result to be a string, in onload')))
    reader.onerror = reject
    reader.readAsDataURL(buf)
  })
  return new Promise((resolve, reject) => {
    const img = env.getEnv().createImageElement()
    img.onload = () => resolve(img)
    img.onerror = reject
    img.src = dataUrl
  })
}

export function isMediaLoaded (media) {
  const { Image, Video } = env.getEnv()
  return (media instanceof Image && media.complete) || (media instanceof Video && media.readyState >= 3)
}

export function awaitMediaLoaded (media) {
  return new Promise((resolve, reject) => {
    if (media instanceof env.getEnv().Canvas || isMediaLoaded(media)) return resolve()
    const done = (settle) => function handler (e) {
      if (!e.currentTarget) return
      e.currentTarget.removeEventListener('load', onLoad)
      e.currentTarget.removeEventListener('error', onError)
      settle(e)
    }
    const onLoad = done(resolve)
    const onError = done(reject)
    media.addEventListener('load', onLoad)
    media.addEventListener('error', onError)
  })
}

export function isMediaElement (input) {
  const { Image, Canvas, Video } = env.getEnv()
  return input instanceof Image || input instanceof Canvas || input instanceof Video
}

export function getMediaDimensions (input) {
  const { Image, Video } = env.getEnv()
  if (input instanceof Image) return new Dimensions(input.naturalWidth, input.naturalHeight)
  if (input instanceof Video) return new Dimensions(input.videoWidth, input.videoHeight)
  return new Dimensions(input.width, input.height)
}

/** Browser: an element id becomes the element; anything else is returned as is. */
export function resolveInput (arg) {
  if (!isNode && typeof arg === 'string') return document.getElementById(arg)
  return arg
}

const isContext2d = (x) => !!x && typeof x.fillRect === 'function' && typeof x.getImageData === 'function'

export function getContext2dOrThrow (canvasArg) {
  if (isContext2d(canvasArg)) return canvasArg
  const canvas = resolveInput(canvasArg)
  if (!canvas || typeof canvas.getContext !== 'function') {
    throw new Error('resolveContext2d - expected canvas to be of instance of Canvas')
  }
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('resolveContext2d - canvas 2d context is null')
  return ctx
}

export function createCanvas ({ width, height }) {
  const canvas = env.getEnv().createCanvasElement()
  canvas.width = width
  canvas.height = height
  return canvas
}

/** A canvas showing the media (image, video, canvas, or ImageData / RGBA pixels) at dims or its own size. */
export function createCanvasFromMedia (media, dims) {
  const { ImageData } = env.getEnv()
  const isImageData = media instanceof ImageData || isPixels(media)
  if (!isImageData && !isMediaLoaded(media) && !(media instanceof env.getEnv().Canvas)) {
    throw new Error('createCanvasFromMedia - media has not finished loading yet')
  }
  const { width, height } = dims || getMediaDimensions(media)
  const canvas = createCanvas({ width, height })
  const ctx = getContext2dOrThrow(canvas)
  if (!isImageData) {
    ctx.drawImage(media, 0, 0, width, height)
  } else if (media instanceof ImageData) {
    ctx.putImageData(media, 0, 0)
  } else {
    const imageData = ctx.createImageData(media.width, media.height)
    imageData.data.set(media.data)
    ctx.putImageData(imageData, 0, 0)
  }
  return canvas
}

/** A square canvas of inputSize with the image scaled into it (top left, or centred). */
export function imageToSquare (input, inputSize, centerImage = false) {
  const { Image, Canvas } = env.getEnv()
  if (!(input instanceof Image || input instanceof Canvas)) {
    throw new Error('imageToSquare - expected arg0 to be HTMLImageElement | HTMLCanvasElement')
  }
  const dims = getMediaDimensions(input)
  const scale = inputSize / Math.max(dims.height, dims.width)
  const width = scale * dims.width
  const height = scale * dims.height
  const targetCanvas = createCanvas({ width: inputSize, height: inputSize })
  const inputCanvas = input instanceof Canvas ? input : createCanvasFromMedia(input)
  const offset = Math.abs(width - height) / 2
  const dx = centerImage && width < height ? offset : 0
  const dy = centerImage && height < width ? offset : 0
  getContext2dOrThrow(targetCanvas).drawImage(inputCanvas, dx, dy, width, height)
  return targetCanvas
}

/** Sets input's width and height to the reference's (its media size with useMediaDimensions). */
export function matchDimensions (input, reference, useMediaDimensions = false) {
  const { width, height } = useMediaDimensions ? getMediaDimensions(reference) : reference
  input.width = width
  input.height = height
  return { width, height }
}
