// The scalar fallback build (wasm/facewasm-scalar.wasm, for engines without
// SIMD128) must give the same answers: run the reference tests against it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describeWasm } from '../tools/wasm-info.mjs'
import { sharedMissing } from './shared.mjs'

const scalarWasm = fileURLToPath(new URL('../wasm/facewasm-scalar.wasm', import.meta.url))
const REFERENCE_TESTS = ['tiny_face_detector.test.mjs']

test('the scalar build has no SIMD128 instructions and the same imports', () => {
  const { simd, imports } = describeWasm(scalarWasm)
  assert.equal(simd, 0)
  assert.deepEqual(imports, ['env.emscripten_notify_memory_growth'])
})

test('reference tests pass on the scalar build', { skip: sharedMissing }, async (t) => {
  const files = REFERENCE_TESTS.map((f) => fileURLToPath(new URL(f, import.meta.url)))
  // Without NODE_TEST_CONTEXT the child runs as a top-level test run and prints TAP.
  const { NODE_TEST_CONTEXT, ...env } = process.env
  const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', ...files], {
    env: { ...env, FACEWASM_WASM: scalarWasm }, maxBuffer: 1 << 24
  }).catch((error) => { throw new Error(`reference tests failed on the scalar build:\n${error.stdout}`) })
  const passed = Number(/^# pass (\d+)/m.exec(stdout)?.[1])
  t.diagnostic(`${passed} reference tests passed on wasm/facewasm-scalar.wasm`)
  assert.ok(passed > 0)
  assert.match(stdout, /^# fail 0$/m)
  assert.match(stdout, /wasm build: custom \(.*facewasm-scalar\.wasm\)/, 'the child did not run the scalar build')
})
