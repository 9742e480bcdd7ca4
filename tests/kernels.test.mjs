// Runs the C kernel tests (tests/c/kernel_tests.c) compiled to wasm with
// SIMD128: every kernel's __scalar and __simd128 twin against naive loops.
// Build first: make build/kernel_tests.wasm
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'

const wasmUrl = new URL('../build/kernel_tests.wasm', import.meta.url)

test('C kernels (scalar and SIMD128) match naive references', async () => {
  let bytes
  try {
    bytes = await readFile(wasmUrl)
  } catch (error) {
    if (error.code !== 'ENOENT') throw error
    assert.fail(`${wasmUrl.pathname} is missing: run \`make build/kernel_tests.wasm\` first`)
  }
  const module = await WebAssembly.compile(bytes)

  // The module should import only env.emscripten_notify_memory_growth. Any
  // other function import gets a no-op stub, and a note says so.
  const imports = { env: { emscripten_notify_memory_growth () {} } }
  const stubbed = []
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function' || imports[from]?.[name]) continue
    imports[from] ??= {}
    imports[from][name] = () => 0
    stubbed.push(`${from}.${name}`)
  }
  if (stubbed.length) console.log(`kernel_tests.wasm: stubbed unexpected imports: ${stubbed.join(', ')}`)

  const { exports } = await WebAssembly.instantiate(module, imports)
  if (typeof exports._initialize === 'function') exports._initialize()

  const started = performance.now()
  const failed = exports.run_kernel_tests()
  const elapsed = performance.now() - started

  // Read the NUL-terminated log after the run (memory may have grown).
  const memory = new Uint8Array(exports.memory.buffer)
  const start = exports.kernel_test_log() >>> 0
  let end = start
  while (end < memory.length && memory[end] !== 0) end++
  const log = new TextDecoder().decode(memory.subarray(start, end))
  console.log(log.trimEnd())
  console.log(`(wasm run: ${elapsed.toFixed(0)} ms)`)

  assert.match(log, /kernel tests: \d+ passed, \d+ failed\s*$/)
  assert.equal(failed, 0, `${failed} kernel test case(s) failed; see the FAIL lines above`)
})
