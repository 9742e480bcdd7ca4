// The built module: SIMD128 inside, nothing imported that the glue does not provide.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'

import { describeWasm } from '../tools/wasm-info.mjs'

const wasmFile = fileURLToPath(new URL('../wasm/facewasm.wasm', import.meta.url))

test('facewasm.wasm uses SIMD128 and imports only what js/wasm.mjs provides', (t) => {
  const { bytes, imports, simd } = describeWasm(wasmFile)
  t.diagnostic(`${bytes} bytes, ${simd} SIMD128 instructions, imports: ${imports.join(', ')}`)
  assert.ok(simd > 500, `expected SIMD128 kernels, found ${simd} SIMD instructions`)
  assert.deepEqual(imports, ['env.emscripten_notify_memory_growth'])
})
