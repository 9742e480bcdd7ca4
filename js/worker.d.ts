// Type declarations for 'facewasm/worker': running facewasm in a Web Worker.
import type { TNetInput, nets } from './index.js'

/** The face-api.js chain as plain data (what crosses postMessage). */
export interface FaceTask {
  /** Default 'ssdMobilenetv1', as face-api.js. */
  detector?: 'tinyFaceDetector' | 'ssdMobilenetv1' | 'mtcnn'
  /** The detector options' fields, e.g. { inputSize: 416, scoreThreshold: 0.5 }. */
  options?: Record<string, unknown>
  /** detectSingleFace instead of detectAllFaces. */
  single?: boolean
  landmarks?: false | 'full' | 'tiny'
  expressions?: boolean
  ageAndGender?: boolean
  /** Needs landmarks. */
  descriptors?: boolean
}

/** The chain for a task; await it (or call .run()) for the results. */
export function buildTask(input: TNetInput, task?: FaceTask): PromiseLike<any> & { run(): Promise<any> }
/** Runs a task; resolves to what the face-api.js chain resolves to. */
export function runTask(input: TNetInput, task?: FaceTask): Promise<any>

/** A structured-cloneable copy with the library classes recorded, and the buffers to transfer. */
export function toTransferable(value: unknown): { data: unknown; transfer: ArrayBuffer[] }
/** The inverse of toTransferable: library objects get their classes back. */
export function fromTransferable(data: unknown): any

type Handler = (...args: any[]) => unknown
interface MessageScope {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  postMessage(message: unknown, transfer?: any[]): void
}

/** A Node worker_threads Worker or MessagePort (EventEmitters: 'message' gives the data itself). */
interface NodeWorkerLike {
  on(type: 'message' | 'error' | 'exit' | 'close', listener: (value: any) => void): unknown
  postMessage(message: unknown, transfer?: readonly any[]): void
  terminate?(): unknown
  close?(): unknown
}

/**
 * In a worker: answers FaceApiWorker's requests (load, run, wasmFlavor, plus `handlers`) on
 * `scope`: by default the worker's global scope, in a Node worker its parentPort. Resolves once
 * it listens.
 */
export function serveFaceApi(handlers?: Record<string, Handler>, scope?: MessageScope): Promise<void>

/** On the page: calls a worker that runs serveFaceApi(). */
export class FaceApiWorker {
  constructor(worker: Worker | MessagePort | NodeWorkerLike)
  readonly worker: Worker | MessagePort | NodeWorkerLike
  call(method: string, args?: unknown[], transfer?: any[]): Promise<any>
  /** Loads nets[netName] in the worker from a folder URL (resolved against the page; in Node also a path). */
  load(netName: keyof typeof nets, uri: string | URL): Promise<void>
  /** Runs a task; elements become a transferred ImageBitmap, a caller's ImageBitmap is transferred unless keepInput. */
  run(input: TNetInput | ImageBitmap, task?: FaceTask, options?: { keepInput?: boolean }): Promise<any>
  callWithInput(method: string, input: TNetInput | ImageBitmap, args?: unknown[], options?: { keepInput?: boolean }): Promise<any>
  wasmFlavor(): Promise<'simd128' | 'scalar' | 'threads' | 'custom' | null>
  terminate(): void
}

/**
 * On the page: several workers running serveFaceApi(); each call goes to the worker with the
 * fewest calls in flight. Needs no cross-origin isolation; each worker holds its own nets.
 */
export class FaceApiWorkerPool {
  constructor(workers: Array<Worker | MessagePort | NodeWorkerLike>)
  readonly workers: FaceApiWorker[]
  readonly size: number
  /** Loads nets[netName] in every worker that has not failed. */
  load(netName: keyof typeof nets, uri: string | URL): Promise<void>
  run(input: TNetInput | ImageBitmap, task?: FaceTask, options?: { keepInput?: boolean }): Promise<any>
  call(method: string, args?: unknown[], transfer?: any[]): Promise<any>
  callWithInput(method: string, input: TNetInput | ImageBitmap, args?: unknown[], options?: { keepInput?: boolean }): Promise<any>
  wasmFlavor(): Promise<'simd128' | 'scalar' | 'threads' | 'custom' | null>
  terminate(): void
}
