// Instantiates wasm/facewasm.wasm (once per realm) and wraps the raw exports
// with the few helpers every other module needs: memory views taken fresh on
// each use (memory growth detaches old ones), strings, errors, a reusable
// pixel buffer.

import { isNode, nodeBuiltin } from './node.mjs'

// The import of the profiling builds (csrc/core/profile.h; make profile): a
// millisecond clock that every thread of the pool shares. Other builds do not
// import it.
const profileClock = () => performance.timeOrigin + performance.now()

export class FacewasmError extends Error {
  constructor (message, options) {
    super(message, options)
    this.name = 'FacewasmError'
  }
}

// The version of the C core's exports this glue calls (csrc/facewasm.h,
// FW_ABI_VERSION): a .wasm of another release is refused by name at start-up
// rather than failing later on a missing or changed export.
export const ABI_VERSION = 2

let corePromise = null
let wasmSource = null
let flavor = null

// A minimal module whose one function uses i8x16.splat: it validates only
// where the engine supports SIMD128.
const SIMD_PROBE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0,
  0x0a, 8, 1, 6, 0, 0x41, 0, 0xfd, 0x0f, 0x0b])

export const hasSimd = () => WebAssembly.validate(SIMD_PROBE)

/** Overrides where the .wasm comes from: a URL, a path (Node), bytes or a compiled WebAssembly.Module. */
export function setWasmSource (source) {
  if (corePromise) throw new FacewasmError('setWasmSource must be called before the first model is loaded')
  wasmSource = source
}

/** Which build runs: 'simd128', 'scalar', 'threads', or 'custom' (set by setWasmSource or $FACEWASM_WASM). */
export const wasmFlavor = () => flavor

// ---- threads ----

// Must match the threads build's memory import (Makefile: INITIAL_MEMORY, MAXIMUM_MEMORY).
const THREADS_MEMORY = { initial: 512, maximum: 32768, shared: true }
let threadsRequest = null // threads asked for by setThreads() before the core exists
let currentCore = null

/**
 * Whether this engine can run the threads build: wasm SIMD128, shared memory
 * and workers. Node: always; browsers: only on cross-origin isolated pages
 * (served with COOP: same-origin and COEP: require-corp).
 */
export function threadsSupported () {
  if (typeof SharedArrayBuffer === 'undefined' || !hasSimd()) return false
  if (!isNode && (!globalThis.crossOriginIsolated || typeof Worker === 'undefined')) return false
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
  } catch {
    return false
  }
}

/** 'auto' (one thread per core) or a whole number 1 .. 64 -> the thread count; anything else throws. */
async function threadCountFor (value, what) {
  if (value === 'auto') {
    const cores = isNode
      ? await nodeBuiltin('os').then((os) => os.availableParallelism?.() ?? os.cpus().length)
      : globalThis.navigator?.hardwareConcurrency
    return Math.max(1, Math.min(64, cores || 1))
  }
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    const got = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value)
    throw new FacewasmError(`${what}: expected 'auto' or a whole number of threads from 1 to 64, got ${got}`)
  }
  return n
}

async function threadsWanted () {
  if (threadsRequest !== null) return threadsRequest
  const env = isNode ? process.env.FACEWASM_THREADS : undefined
  return env ? threadCountFor(env, '$FACEWASM_THREADS') : 1
}

/**
 * Splits each forward across `threads` threads (or 'auto': one per core) when
 * the engine allows it (threadsSupported()); resolves to the number of threads
 * that now run, 1 where only the single-thread build can. Call it before the
 * first model is loaded to choose the threads build (in Node $FACEWASM_THREADS
 * does the same); once it runs, it can be called again to change the count
 * (1 stops the workers). Results are bit-identical whatever the count.
 */
export async function setThreads (threads) {
  const n = await threadCountFor(threads, 'setThreads')
  if (!corePromise) threadsRequest = n
  const core = await getCore()
  if (core.pool) return core.pool.resize(n)
  if (n > 1 && flavor !== 'threads' && threadsSupported() && !wasmSource && !(isNode && process.env.FACEWASM_WASM)) {
    throw new FacewasmError(`setThreads(${threads}): the single-thread build is already running; call setThreads before the first model is loaded`)
  }
  return 1
}

/** Threads that run each forward now (1 on the single-thread builds). */
export const threadCount = () => currentCore?.pool?.threads ?? 1

function defaultSource (threads) {
  const override = isNode ? process.env.FACEWASM_WASM : undefined
  if (override) {
    flavor = 'custom'
    return override
  }
  if (threads > 1 && threadsSupported()) {
    flavor = 'threads'
    // $FACEWASM_THREADS_WASM: another build of the threads flavour (make profile's)
    return (isNode && process.env.FACEWASM_THREADS_WASM) || new URL('../wasm/facewasm-threads.wasm', import.meta.url)
  }
  flavor = hasSimd() ? 'simd128' : 'scalar'
  return flavor === 'simd128'
    ? new URL('../wasm/facewasm.wasm', import.meta.url)
    : new URL('../wasm/facewasm-scalar.wasm', import.meta.url)
}

/** How an error names the .wasm it is about. */
function describeSource (source) {
  if (source instanceof WebAssembly.Module) return 'the WebAssembly.Module given to setWasmSource'
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return `the ${source.byteLength} bytes given to setWasmSource`
  return String(source)
}

/** The compiled core and what it was compiled from (for errors). */
async function compile () {
  if (wasmSource) flavor = 'custom'
  const source = wasmSource ?? defaultSource(await threadsWanted())
  try {
    return { module: await compileSource(source), source: describeSource(source) }
  } catch (error) {
    if (!(error instanceof WebAssembly.CompileError)) throw error
    throw new FacewasmError(`${describeSource(source)} is not a WebAssembly module this engine can compile (${error.message})`, { cause: error })
  }
}

async function compileSource (source) {
  if (source instanceof WebAssembly.Module) return source
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source)
  const url = source instanceof URL ? source : new URL(String(source), isNode ? `file://${process.cwd()}/` : globalThis.location?.href)
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await nodeBuiltin('fs/promises')
    const { fileURLToPath } = await nodeBuiltin('url')
    return WebAssembly.compile(await readFile(fileURLToPath(url)))
  }
  const response = await fetch(url)
  if (!response.ok) throw new FacewasmError(`cannot load ${url}: HTTP ${response.status}`)
  if (WebAssembly.compileStreaming && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response)
  }
  return WebAssembly.compile(await response.arrayBuffer())
}

class Core {
  constructor (instance, memory = instance.exports.memory) {
    this.exports = instance.exports
    this.memory = memory
    this.pixels = { pointer: 0, capacity: 0 }
    this.pool = null // a ThreadPool on the threads build
  }

  u8 () { return new Uint8Array(this.memory.buffer) }
  i32 () { return new Int32Array(this.memory.buffer) }
  f32 () { return new Float32Array(this.memory.buffer) }
  f64 () { return new Float64Array(this.memory.buffer) }

  readString (pointer) {
    const bytes = this.u8()
    let end = pointer
    while (bytes[end] !== 0) end++
    return new TextDecoder().decode(bytes.slice(pointer, end)) // a copy: decode() rejects shared memory
  }

  lastError () { return this.readString(this.exports.fw_last_error()) }

  /** Throws the core's message, prefixed with what was being done. */
  fail (context) {
    throw new FacewasmError(context ? `${context}: ${this.lastError()}` : this.lastError())
  }

  alloc (bytes) {
    // (fw_alloc takes an int: sizes from 2 GiB up would wrap)
    if (!(bytes <= 0x7fffffff)) throw new FacewasmError(`out of memory: cannot allocate ${bytes} bytes`)
    const pointer = this.exports.fw_alloc(bytes)
    if (!pointer) this.fail('')
    return pointer
  }

  free (pointer) { if (pointer) this.exports.fw_free(pointer) }

  /** fn(...pointers) with a fresh allocation of each byte size, all freed however fn ends. */
  withAllocations (sizes, fn) {
    const pointers = []
    try {
      for (const bytes of sizes) pointers.push(this.alloc(Math.max(1, bytes)))
      return fn(...pointers)
    } finally {
      for (const pointer of pointers) this.free(pointer)
    }
  }

  /** Copies bytes into a fresh allocation; the caller frees it. */
  copyIn (bytes) {
    const pointer = this.alloc(Math.max(1, bytes.length))
    this.u8().set(bytes, pointer)
    return pointer
  }

  /** The instance-owned pixel buffer, grown (never shrunk) to `bytes`. */
  pixelBuffer (bytes) {
    if (bytes > this.pixels.capacity) {
      const pointer = this.alloc(bytes)
      this.free(this.pixels.pointer)
      this.pixels = { pointer, capacity: bytes }
    }
    return this.pixels.pointer
  }
}

/** The shared core instance, created on first use. */
export function getCore () {
  if (!corePromise) {
    corePromise = (async () => {
      const { module, source } = await compile()
      const threaded = flavor === 'threads'
      const memory = threaded ? new WebAssembly.Memory(THREADS_MEMORY) : undefined
      let instance
      try {
        instance = await WebAssembly.instantiate(module, {
          env: { emscripten_notify_memory_growth () {}, fw_profile_clock: profileClock, ...(threaded && { memory }) }
        })
      } catch (error) {
        // LinkError: an import it needs is not ours; TypeError: a whole import module is missing.
        if (!(error instanceof WebAssembly.LinkError || error instanceof TypeError)) throw error
        throw new FacewasmError(`${source} is not a facewasm core (${error.message})`, { cause: error })
      }
      const version = typeof instance.exports.fw_abi_version === 'function' ? instance.exports.fw_abi_version() : 'none'
      if (version !== ABI_VERSION) {
        throw new FacewasmError(`${source} is not a facewasm core for this version of js/ (its ABI version is ${version}, expected ${ABI_VERSION}): serve the .wasm files of the same release as the js/ modules`)
      }
      instance.exports._initialize?.()
      const core = new Core(instance, memory)
      if (threaded) {
        const { ThreadPool } = await import('./threads.mjs')
        core.pool = new ThreadPool(core, module, memory)
        await core.pool.resize(await threadsWanted())
      }
      currentCore = core
      return core
    })()
    corePromise.catch(() => { corePromise = null })
  }
  return corePromise
}
