// Instantiates wasm/facewasm.wasm (once per realm) and wraps the raw exports
// with the few helpers every other module needs: memory views taken fresh on
// each use (memory growth detaches old ones), strings, errors, a reusable
// pixel buffer.

const isNode = typeof process !== 'undefined' && !!process.versions?.node

export class FacewasmError extends Error {
  constructor (message) {
    super(message)
    this.name = 'FacewasmError'
  }
}

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

/** Which build runs: 'simd128', 'scalar', or 'custom' (set by setWasmSource or $FACEWASM_WASM). */
export const wasmFlavor = () => flavor

function defaultSource () {
  const override = isNode ? process.env.FACEWASM_WASM : undefined
  if (override) {
    flavor = 'custom'
    return override
  }
  flavor = hasSimd() ? 'simd128' : 'scalar'
  return flavor === 'simd128'
    ? new URL('../wasm/facewasm.wasm', import.meta.url)
    : new URL('../wasm/facewasm-scalar.wasm', import.meta.url)
}

async function compile () {
  if (wasmSource) flavor = 'custom'
  const source = wasmSource ?? defaultSource()
  if (source instanceof WebAssembly.Module) return source
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source)
  const url = source instanceof URL ? source : new URL(String(source), isNode ? `file://${process.cwd()}/` : globalThis.location?.href)
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
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
  constructor (instance) {
    this.exports = instance.exports
    this.memory = instance.exports.memory
    this.pixels = { pointer: 0, capacity: 0 }
  }

  u8 () { return new Uint8Array(this.memory.buffer) }
  i32 () { return new Int32Array(this.memory.buffer) }
  f32 () { return new Float32Array(this.memory.buffer) }
  f64 () { return new Float64Array(this.memory.buffer) }

  readString (pointer) {
    const bytes = this.u8()
    let end = pointer
    while (bytes[end] !== 0) end++
    return new TextDecoder().decode(bytes.subarray(pointer, end))
  }

  lastError () { return this.readString(this.exports.fw_last_error()) }

  /** Throws the core's message, prefixed with what was being done. */
  fail (context) {
    throw new FacewasmError(context ? `${context}: ${this.lastError()}` : this.lastError())
  }

  alloc (bytes) {
    const pointer = this.exports.fw_alloc(bytes)
    if (!pointer) this.fail('')
    return pointer
  }

  free (pointer) { if (pointer) this.exports.fw_free(pointer) }

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
      const module = await compile()
      const instance = await WebAssembly.instantiate(module, {
        env: { emscripten_notify_memory_growth () {} }
      })
      instance.exports._initialize?.()
      return new Core(instance)
    })()
    corePromise.catch(() => { corePromise = null })
  }
  return corePromise
}

export { isNode }
