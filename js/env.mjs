// face-api.js's `env`: the environment's canvas, image and fetch
// implementations. In a browser they are the DOM's. In Node none is needed for
// detection (facewasm decodes JPEG/PNG itself), but a canvas library can be
// plugged in as with face-api.js, env.monkeyPatch({ Canvas, Image, ImageData }),
// and then its images and canvases are accepted as inputs and by the canvas
// helpers (createCanvas, createCanvasFromMedia, draw).

import { isNode, nodeBuiltin } from './node.mjs'

let environment = null
/** What monkeyPatch set explicitly (dom.mjs accepts these classes as inputs). */
const patched = {}

const placeholder = () => class {}

function isBrowser () {
  return typeof window === 'object' && typeof document !== 'undefined' &&
    typeof HTMLImageElement !== 'undefined' && typeof HTMLCanvasElement !== 'undefined' &&
    typeof HTMLVideoElement !== 'undefined' && typeof ImageData !== 'undefined' &&
    typeof CanvasRenderingContext2D !== 'undefined'
}

const isNodejs = () => isNode

function createFileSystem (fs) {
  const readFile = fs
    ? (filePath) => new Promise((resolve, reject) => fs.readFile(filePath, (err, buffer) => (err ? reject(err) : resolve(buffer))))
    : async (filePath) => (await nodeBuiltin('fs/promises')).readFile(filePath)
  return { readFile }
}

function createBrowserEnv () {
  const fetch = globalThis.fetch
  if (!fetch) throw new Error('fetch - missing fetch implementation for browser environment')
  return {
    Canvas: HTMLCanvasElement,
    CanvasRenderingContext2D,
    Image: HTMLImageElement,
    ImageData,
    Video: HTMLVideoElement,
    createCanvasElement: () => document.createElement('canvas'),
    createImageElement: () => document.createElement('img'),
    fetch: (...args) => fetch(...args),
    readFile: () => { throw new Error('readFile - filesystem not available for browser environment') }
  }
}

function createNodejsEnv () {
  const g = globalThis
  const Canvas = g.Canvas || g.HTMLCanvasElement
  const Image = g.Image || g.HTMLImageElement
  return {
    Canvas: Canvas || placeholder(),
    CanvasRenderingContext2D: g.CanvasRenderingContext2D || placeholder(),
    Image: Image || placeholder(),
    ImageData: g.ImageData || placeholder(),
    Video: g.HTMLVideoElement || placeholder(),
    createCanvasElement: () => {
      if (Canvas) return new Canvas()
      throw new Error('createCanvasElement - missing Canvas implementation for nodejs environment ' +
        '(facewasm needs none to detect; for canvases pass one with env.monkeyPatch({ Canvas, Image, ImageData }))')
    },
    createImageElement: () => {
      if (Image) return new Image()
      throw new Error('createImageElement - missing Image implementation for nodejs environment')
    },
    fetch: (...args) => {
      if (!g.fetch) throw new Error('fetch - missing fetch implementation for nodejs environment')
      return g.fetch(...args)
    },
    ...createFileSystem()
  }
}

/** Neither a page nor Node (e.g. a Web Worker): fetch, and OffscreenCanvas as the canvas. */
function createWorkerEnv () {
  const g = globalThis
  return {
    Canvas: g.OffscreenCanvas || placeholder(),
    CanvasRenderingContext2D: g.OffscreenCanvasRenderingContext2D || placeholder(),
    Image: placeholder(),
    ImageData: g.ImageData || placeholder(),
    Video: placeholder(),
    createCanvasElement: () => {
      if (g.OffscreenCanvas) return new g.OffscreenCanvas(1, 1)
      throw new Error('createCanvasElement - missing Canvas implementation for this environment')
    },
    createImageElement: () => { throw new Error('createImageElement - missing Image implementation for this environment') },
    fetch: (...args) => g.fetch(...args),
    readFile: () => { throw new Error('readFile - filesystem not available for this environment') }
  }
}

function getEnv () {
  if (!environment) initialize()
  if (!environment) throw new Error('getEnv - environment is not defined, check isNodejs() and isBrowser()')
  return environment
}

function setEnv (env) { environment = env }

function initialize () {
  if (isBrowser()) setEnv(createBrowserEnv())
  else if (isNodejs()) setEnv(createNodejsEnv())
  else if (typeof globalThis.fetch === 'function') setEnv(createWorkerEnv())
}

function monkeyPatch (env) {
  if (!environment) initialize()
  if (!environment) throw new Error('monkeyPatch - environment is not defined, check isNodejs() and isBrowser()')
  const { Canvas = environment.Canvas, Image = environment.Image } = env
  environment.Canvas = Canvas
  environment.Image = Image
  environment.createCanvasElement = env.createCanvasElement || (() => new Canvas())
  environment.createImageElement = env.createImageElement || (() => new Image())
  environment.ImageData = env.ImageData || environment.ImageData
  environment.Video = env.Video || environment.Video
  environment.fetch = env.fetch || environment.fetch
  environment.readFile = env.readFile || environment.readFile
  for (const key of ['Canvas', 'Image', 'Video', 'ImageData', 'createCanvasElement']) if (env[key]) patched[key] = env[key]
}

export const env = { getEnv, setEnv, initialize, createBrowserEnv, createFileSystem, createNodejsEnv, monkeyPatch, isBrowser, isNodejs }

/** A class or factory the user set with env.monkeyPatch (key: 'Canvas', 'Image', 'Video', 'ImageData', 'createCanvasElement'), else undefined. */
export const patchedByUser = (key) => patched[key]
