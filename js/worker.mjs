// Running facewasm in a Web Worker, so the page stays responsive.
//
// The library itself runs unchanged in a module worker (fetch, OffscreenCanvas
// and ImageBitmap are there); what a worker adds is the message boundary:
// results are class instances (FaceDetection, FaceLandmarks68, ...) whose
// prototypes do not survive postMessage, and a chain like
// detectAllFaces(input, options).withFaceLandmarks() cannot be posted. This
// module provides the three pieces for that:
//
//   runTask(input, task)       the chain described as plain data (see below)
//   toTransferable(value)      results -> { data, transfer }: structured-cloneable
//   fromTransferable(data)     data -> the same class instances, bit for bit
//
// and a small request/response pair built on them:
//
//   worker.mjs:   import { serveFaceApi } from 'facewasm/worker'; serveFaceApi()
//   page:         const fw = new FaceApiWorker(new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' }))
//                 await fw.load('tinyFaceDetector', '/models')
//                 const faces = await fw.run(videoOrImageOrBitmap, { detector: 'tinyFaceDetector', landmarks: 'full' })
//
// A task: { detector: 'tinyFaceDetector' | 'ssdMobilenetv1' | 'mtcnn' (default
// 'ssdMobilenetv1', as face-api.js), options: the detector options' fields,
// single: detectSingleFace instead of detectAllFaces, landmarks: false | 'full'
// | 'tiny', expressions, ageAndGender, descriptors: booleans }.

import * as faceapi from './index.mjs'
import { CROSS_ORIGIN, readyMediaSize } from './dom.mjs'
import { asFacewasmError, checkImageSize, elementById } from './input.mjs'
import { isNode, nodeBuiltin } from './node.mjs'

const OPTION_CLASSES = {
  tinyFaceDetector: 'TinyFaceDetectorOptions',
  ssdMobilenetv1: 'SsdMobilenetv1Options',
  mtcnn: 'MtcnnOptions'
}

const fail = (message) => { throw new faceapi.FacewasmError(message) }

/** The chain for a task, built from face-api.js's API: await it for the results. */
export function buildTask (input, task = {}) {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) fail(`runTask: a task is an object such as { detector: 'tinyFaceDetector' }, not ${JSON.stringify(task)}`)
  const { detector = 'ssdMobilenetv1', options = {}, single = false, landmarks = false } = task
  const Options = faceapi[OPTION_CLASSES[detector]]
  if (!Options) {
    fail(`runTask: unknown or unavailable detector '${detector}' (known: ${Object.keys(OPTION_CLASSES).join(', ')})`)
  }
  let chain = (single ? faceapi.detectSingleFace : faceapi.detectAllFaces)(input, new Options(options))
  const step = (method, ...args) => {
    if (typeof chain[method] !== 'function') fail(`runTask: ${method}() is not available in this build or after these steps`)
    chain = chain[method](...args)
  }
  if (landmarks) {
    if (landmarks !== 'full' && landmarks !== 'tiny') fail(`runTask: landmarks must be false, 'full' or 'tiny', not ${JSON.stringify(landmarks)}`)
    step('withFaceLandmarks', landmarks === 'tiny')
  }
  if (task.expressions) step('withFaceExpressions')
  if (task.ageAndGender) step('withAgeAndGender')
  if (task.descriptors) {
    if (!landmarks) fail('runTask: descriptors need landmarks (face-api.js aligns the face with them)')
    step(single ? 'withFaceDescriptor' : 'withFaceDescriptors')
  }
  return chain
}

/** Runs a task described as plain data; resolves to what the face-api.js chain resolves to. */
export const runTask = (input, task) => buildTask(input, task).run()

// ---- results across postMessage ----

// Every class the library exports, by its export name, to restore prototypes.
// Export names, not the classes' own names: a bundler's minifier renames
// classes, differently in the page's bundle and in the worker's.
const classes = new Map()
const classNames = new Map() // prototype -> export name
for (const [name, value] of Object.entries(faceapi)) {
  if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) {
    classes.set(name, value)
    if (!classNames.has(value.prototype)) classNames.set(value.prototype, name)
  }
}

const CLASS_TAG = '$class'

/**
 * A structured-cloneable copy of `value` (results, arrays of them, plain data)
 * with the class of each library object recorded, and the ArrayBuffers that
 * can be transferred rather than copied (typed arrays that own their whole
 * buffer, such as descriptors). Post with postMessage(data, transfer).
 */
export function toTransferable (value) {
  const transfer = new Set()
  const walk = (v) => {
    if (v === null || typeof v !== 'object') return v
    if (ArrayBuffer.isView(v)) {
      if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer) transfer.add(v.buffer)
      return v
    }
    if (Array.isArray(v)) return v.map(walk)
    const proto = Object.getPrototypeOf(v)
    const name = classNames.get(proto)
    const isLibraryObject = name !== undefined
    // Platform objects (ImageData, ImageBitmap, Blob, ...) clone natively.
    if (!isLibraryObject && proto !== Object.prototype && proto !== null) return v
    const out = isLibraryObject ? { [CLASS_TAG]: name } : {}
    for (const key of Object.keys(v)) out[key] = walk(v[key])
    return out
  }
  const data = walk(value)
  return { data, transfer: [...transfer] }
}

/** The inverse of toTransferable: library objects get their classes back. */
export function fromTransferable (data) {
  if (data === null || typeof data !== 'object' || ArrayBuffer.isView(data)) return data
  if (Array.isArray(data)) return data.map(fromTransferable)
  const proto = Object.getPrototypeOf(data)
  if (proto !== Object.prototype && proto !== null) return data // ImageBitmap, ImageData, ...
  const Class = data[CLASS_TAG] && classes.get(data[CLASS_TAG])
  const out = Class ? Object.create(Class.prototype) : {}
  for (const key of Object.keys(data)) if (key !== CLASS_TAG) out[key] = fromTransferable(data[key])
  return out
}

// ---- request/response over a worker's messages ----

/**
 * Listens to a worker endpoint: a Web Worker or MessagePort (an EventTarget,
 * also Node's MessagePort and parentPort), or a Node worker_threads Worker (an
 * EventEmitter, whose 'message' gives the data itself). `stopped(reason)` is
 * told when the other side can no longer answer.
 */
function listenTo (endpoint, onMessage, stopped = () => {}) {
  if (typeof endpoint?.addEventListener === 'function') {
    endpoint.addEventListener('message', (event) => onMessage(event.data))
    endpoint.addEventListener('error', (event) => stopped(`worker failed: ${event.message || 'it could not be started (see the console)'}`))
    endpoint.addEventListener('close', () => stopped('worker stopped: its port closed')) // Node; newer browsers
  } else if (typeof endpoint?.on === 'function') {
    endpoint.on('message', onMessage)
    endpoint.on('error', (error) => stopped(`worker failed: ${error?.message ?? error}`))
    endpoint.on('exit', (code) => stopped(`worker stopped: it exited (code ${code})`))
  } else {
    fail('expected a Worker, a MessagePort or a Node worker_threads Worker')
  }
}

/** The endpoint serveFaceApi answers on by default: the worker's global scope, or Node's parentPort. */
async function defaultScope () {
  if (typeof globalThis.addEventListener === 'function' && typeof globalThis.postMessage === 'function') return globalThis
  const parentPort = isNode ? (await nodeBuiltin('worker_threads')).parentPort : null
  if (!parentPort) fail('serveFaceApi: not running in a worker (pass the MessagePort to answer on)')
  return parentPort
}

/**
 * In a worker: answers FaceApiWorker's requests. Built in: load(netName, uri),
 * run(input, task), wasmFlavor(). `handlers` adds or replaces methods
 * (async (...args) => result); results go back through toTransferable.
 */
export async function serveFaceApi (handlers = {}, scope) {
  const methods = {
    async load (netName, uri) {
      const net = faceapi.nets[netName]
      if (!net) fail(`load: no net '${netName}' in this build (available: ${Object.keys(faceapi.nets).join(', ')})`)
      await net.load(uri) // a URL; in Node also a path
    },
    run: runTask,
    wasmFlavor: () => faceapi.wasmFlavor(),
    ...handlers
  }
  scope ??= await defaultScope()
  listenTo(scope, async ({ id, method, args }) => {
    try {
      if (typeof methods[method] !== 'function') fail(`worker: unknown method '${method}'`)
      const { data, transfer } = toTransferable(await methods[method](...fromTransferable(args)))
      scope.postMessage({ id, result: data }, transfer)
    } catch (error) {
      scope.postMessage({ id, error: { name: error?.name, message: error?.message ?? String(error) } })
    }
  })
}

const needsBitmap = (x) => ['HTMLImageElement', 'HTMLVideoElement', 'HTMLCanvasElement', 'SVGImageElement', 'OffscreenCanvas']
  .some((name) => typeof globalThis[name] === 'function' && x instanceof globalThis[name])

/**
 * On the page: the input as a worker can take it, and what to transfer.
 * Elements (an element id too) and canvases become an ImageBitmap, after the
 * checks the main thread makes (loaded, has pixels, within the size limits),
 * so that their errors read as they would there; a caller's ImageBitmap is
 * transferred unless keepInput.
 */
async function inputForWorker (input, keepInput) {
  try {
    if (typeof input === 'string' && globalThis.document) input = elementById(input)
    const isBitmap = typeof ImageBitmap === 'function' && input instanceof ImageBitmap
    if (!isBitmap && !needsBitmap(input)) return { value: input, transfer: [] }
    await readyMediaSize(input, checkImageSize)
    if (isBitmap) return { value: input, transfer: keepInput ? [] : [input] }
    const bitmap = await globalThis.createImageBitmap(input)
    return { value: bitmap, transfer: [bitmap] }
  } catch (error) {
    throw asFacewasmError(error)
  }
}

/** On the page: calls a worker that runs serveFaceApi(). */
export class FaceApiWorker {
  constructor (worker) {
    this.worker = worker
    this._pending = new Map()
    this._nextId = 1
    this._failed = null
    listenTo(worker, ({ id, result, error }) => {
      const pending = this._pending.get(id)
      if (!pending) return
      this._pending.delete(id)
      if (error) {
        const e = new faceapi.FacewasmError(error.message)
        if (error.name) e.name = error.name
        pending.reject(e)
      } else {
        pending.resolve(fromTransferable(result))
      }
    }, (reason) => this._fail(new faceapi.FacewasmError(reason)))
  }

  /** Rejects every pending and future call (with the first failure). */
  _fail (error) {
    if (this._failed) return
    this._failed = error
    for (const { reject } of this._pending.values()) reject(error)
    this._pending.clear()
  }

  /** Calls a method of the worker; `transfer` lists objects to move rather than copy. */
  call (method, args = [], transfer = []) {
    if (this._failed) return Promise.reject(this._failed)
    const id = this._nextId++
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject })
      try {
        // Arguments are the caller's: only what it names is transferred.
        this.worker.postMessage({ id, method, args: toTransferable(args).data }, transfer)
      } catch (error) { // arguments that cannot be cloned
        this._pending.delete(id)
        reject(error)
      }
    })
  }

  /** Loads a net in the worker; uri is resolved against the page, as loadFromUri does there (Node: a URL or a path). */
  load (netName, uri) {
    if (uri instanceof URL) uri = uri.href // a URL object cannot be posted
    // no URI: the page's folder, as loadFromUri() on the page
    return this.call('load', [netName, globalThis.location ? new URL(uri || './', globalThis.location.href).href : uri])
  }

  /**
   * Runs a task (see runTask) on an image, video, canvas, ImageBitmap,
   * ImageData or encoded bytes. Elements are snapshotted as an ImageBitmap,
   * which is transferred; a caller's own ImageBitmap is transferred too
   * (closed here) unless { keepInput: true }.
   */
  run (input, task, options) { return this.callWithInput('run', input, [task], options) }

  /** call(method, [input, ...args]) with the input prepared as run() does. */
  async callWithInput (method, input, args = [], { keepInput = false } = {}) {
    const { value, transfer } = await inputForWorker(input, keepInput)
    return this.call(method, [value, ...args], transfer).catch((error) => {
      // the bitmap of a cross-origin image without CORS cannot be posted
      throw error?.name === 'DataCloneError' && /origin-clean/i.test(error.message) ? new faceapi.FacewasmError(CROSS_ORIGIN) : error
    })
  }

  /** 'simd128', 'scalar', 'threads' or 'custom': the build the worker runs (known once a net is loaded). */
  wasmFlavor () { return this.call('wasmFlavor') }

  terminate () {
    this.worker.terminate?.()
    this.worker.close?.()
    this._fail(new faceapi.FacewasmError('worker terminated'))
  }
}

/**
 * On the page: several workers running serveFaceApi(), for many images at
 * once (a gallery, a folder): each call goes to the worker with the fewest
 * calls in flight, so N workers work on N images side by side. Unlike
 * setThreads, which splits one forward across cores, this needs no
 * cross-origin isolation; each worker holds its own copy of the nets.
 */
export class FaceApiWorkerPool {
  /** workers: Worker (or MessagePort) objects, each running serveFaceApi(). */
  constructor (workers) {
    if (!Array.isArray(workers) || !workers.length) fail('FaceApiWorkerPool: expected a non-empty array of workers')
    this.workers = workers.map((worker) => new FaceApiWorker(worker))
    this._inFlight = this.workers.map(() => 0)
  }

  get size () { return this.workers.length }

  /** Loads nets[netName] in every worker that has not failed. */
  async load (netName, uri) {
    const live = this.workers.filter((worker) => !worker._failed)
    if (!live.length) throw this.workers[0]._failed
    await Promise.all(live.map((worker) => worker.load(netName, uri)))
  }

  /** FaceApiWorker.run on the least busy worker. */
  run (input, task, options) { return this._dispatch((worker) => worker.run(input, task, options)) }

  /** FaceApiWorker.call on the least busy worker. */
  call (method, args, transfer) { return this._dispatch((worker) => worker.call(method, args, transfer)) }

  /** FaceApiWorker.callWithInput on the least busy worker. */
  callWithInput (method, input, args, options) {
    return this._dispatch((worker) => worker.callWithInput(method, input, args, options))
  }

  wasmFlavor () { return this._dispatch((worker) => worker.wasmFlavor()) }

  terminate () { for (const worker of this.workers) worker.terminate() }

  /**
   * Runs fn on the worker with the fewest calls in flight (counted here from
   * the moment of dispatch: run() may first wait for an ImageBitmap), leaving
   * out workers that failed; rejects with a failure when all have.
   */
  async _dispatch (fn) {
    let chosen = -1
    this.workers.forEach((worker, i) => {
      if (!worker._failed && (chosen < 0 || this._inFlight[i] < this._inFlight[chosen])) chosen = i
    })
    if (chosen < 0) throw this.workers[0]._failed
    this._inFlight[chosen]++
    try {
      return await fn(this.workers[chosen])
    } finally {
      this._inFlight[chosen]--
    }
  }
}
