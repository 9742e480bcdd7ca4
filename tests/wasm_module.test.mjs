// The built module: SIMD128 inside, nothing imported that the glue does not provide.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { ABI_VERSION, FacewasmError, getCore, setWasmSource } from '../js/wasm.mjs'
import { describeWasm } from '../tools/wasm-info.mjs'

const wasmFile = fileURLToPath(new URL('../wasm/facewasm.wasm', import.meta.url))

test('facewasm.wasm uses SIMD128 and imports only what js/wasm.mjs provides', (t) => {
  const { bytes, imports, simd } = describeWasm(wasmFile)
  t.diagnostic(`${bytes} bytes, ${simd} SIMD128 instructions, imports: ${imports.join(', ')}`)
  assert.ok(simd > 500, `expected SIMD128 kernels, found ${simd} SIMD instructions`)
  assert.deepEqual(imports, ['env.emscripten_notify_memory_growth'])
})

// A minimal module exporting `fw_abi_version` () -> `version` (0 .. 63), and
// importing env.`importName` when given: a stand-in for a core of another release.
function moduleWithAbi (version, importName) {
  const name = (text) => [text.length, ...new TextEncoder().encode(text)]
  const section = (id, bytes) => [id, bytes.length, ...bytes]
  const imports = importName ? section(2, [1, ...name('env'), ...name(importName), 0, 0]) : []
  const exportIndex = importName ? 1 : 0
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // type 0: () -> i32
    ...imports,
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('fw_abi_version'), 0, exportIndex]),
    ...section(10, [1, 4, 0, 0x41, version, 0x0b])]) // i32.const version
}

test('the glue refuses, by name, a .wasm that is not a core of its ABI version', async () => {
  const header = readFileSync(fileURLToPath(new URL('../csrc/facewasm.h', import.meta.url)), 'utf8')
  assert.equal(Number(/#define FW_ABI_VERSION (\d+)/.exec(header)?.[1]), ABI_VERSION, 'csrc/facewasm.h and js/wasm.mjs disagree')
  const refused = async (source, pattern) => {
    setWasmSource(source) // allowed again: a failed start leaves no core behind
    await assert.rejects(getCore(), (error) => error instanceof FacewasmError && pattern.test(error.message))
  }
  await refused(new TextEncoder().encode('<!doctype html><title>404</title>'), /the 33 bytes given to setWasmSource is not a WebAssembly module/)
  await refused(moduleWithAbi(ABI_VERSION - 1), new RegExp(`its ABI version is ${ABI_VERSION - 1}, expected ${ABI_VERSION}`))
  await refused(moduleWithAbi(ABI_VERSION, 'not_provided'), /setWasmSource is not a facewasm core \(.*not_provided/)
  await refused(await WebAssembly.compile(moduleWithAbi(ABI_VERSION - 1)), /the WebAssembly.Module given to setWasmSource is not a facewasm core/)
  setWasmSource(wasmFile)
  assert.equal((await getCore()).exports.fw_abi_version(), ABI_VERSION) // (the core now stays: the last start here)
})

test('every build reports the ABI version of the glue', async () => {
  const memory = new WebAssembly.Memory({ initial: 512, maximum: 32768, shared: true })
  for (const wasm of ['facewasm.wasm', 'facewasm-scalar.wasm', 'facewasm-threads.wasm']) {
    const bytes = readFileSync(fileURLToPath(new URL(`../wasm/${wasm}`, import.meta.url)))
    const { instance } = await WebAssembly.instantiate(bytes, { env: { emscripten_notify_memory_growth () {}, memory } })
    assert.equal(instance.exports.fw_abi_version(), ABI_VERSION, wasm)
  }
})
