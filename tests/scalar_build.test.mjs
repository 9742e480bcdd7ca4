// The scalar fallback build (wasm/facewasm-scalar.wasm, for engines without
// SIMD128) must give the same answers: run the reference tests against it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describeWasm } from '../tools/wasm-info.mjs'
import { modelsDir, sharedMissing } from './shared.mjs'

const scalarWasm = fileURLToPath(new URL('../wasm/facewasm-scalar.wasm', import.meta.url))
const REFERENCE_TESTS = ['tiny_face_detector.test.mjs', 'ssd_mobilenetv1.test.mjs', 'mtcnn.test.mjs', 'face_nets.test.mjs',
  'face_expression_age_gender.test.mjs']

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

test('SIMD128 and scalar builds give bit-identical raw outputs (same accumulation order)', async () => {
  // Each build in its own process: the core is one instance per realm.
  const rawOutputs = async (wasm) => {
    const script = `
      import * as faceapi from ${JSON.stringify(new URL('../js/index.mjs', import.meta.url).href)}
      faceapi.setWasmSource(${JSON.stringify(wasm)})
      await faceapi.nets.tinyFaceDetector.loadFromDisk(${JSON.stringify(modelsDir)})
      const width = 301, height = 217
      const data = new Uint8Array(width * height * 4).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 255)
      const out = []
      for (const size of [96, 320]) out.push(...await faceapi.nets.tinyFaceDetector.forward({ data, width, height }, size))
      process.stdout.write(Buffer.from(new Float32Array(out).buffer))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'buffer', maxBuffer: 1 << 24 })
    return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4)
  }
  const simd = await rawOutputs(fileURLToPath(new URL('../wasm/facewasm.wasm', import.meta.url)))
  const scalar = await rawOutputs(scalarWasm)
  assert.equal(simd.length, (3 * 3 + 10 * 10) * 25)
  assert.deepEqual(simd, scalar)
})

test('SSD MobileNetV1: SIMD128 and scalar builds give bit-identical raw outputs', async () => {
  const rawOutputs = async (wasm) => {
    const script = `
      import * as faceapi from ${JSON.stringify(new URL('../js/index.mjs', import.meta.url).href)}
      faceapi.setWasmSource(${JSON.stringify(wasm)})
      await faceapi.nets.ssdMobilenetv1.loadFromDisk(${JSON.stringify(modelsDir)})
      const width = 301, height = 217
      const data = new Uint8Array(width * height * 4).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 255)
      const { boxPredictions, classPredictions, boxes, scores } = await faceapi.nets.ssdMobilenetv1.forward({ data, width, height })
      const out = new Float32Array([...boxPredictions, ...classPredictions, ...boxes, ...scores])
      process.stdout.write(Buffer.from(out.buffer))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'buffer', maxBuffer: 1 << 24 })
    return new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4)
  }
  const simd = await rawOutputs(fileURLToPath(new URL('../wasm/facewasm.wasm', import.meta.url)))
  const scalar = await rawOutputs(scalarWasm)
  assert.equal(simd.length, 5118 * 12)
  assert.deepEqual(simd, scalar)
})
