// Out of memory in wasm: on build/facewasm-small-memory.wasm (the same core,
// linear memory capped at 32 MiB), requests that cannot fit fail with a clear
// "out of memory" error, and the instance keeps working with the same results.

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'

import * as faceapi from '../js/index.mjs'
import { getCore, setWasmSource } from '../js/wasm.mjs'
import { encodePng, noiseImage } from './fixtures.mjs'
import { modelsDir, repoRoot } from './shared.mjs'

const WASM = `${repoRoot}build/facewasm-small-memory.wasm`
const skip = existsSync(WASM) ? false : `${WASM} not built (make build/facewasm-small-memory.wasm)`
const MAX_MEMORY = 32 * 2 ** 20

const image = noiseImage(320, 240, 11)
const options = (inputSize) => new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.2 })
const net = faceapi.nets.tinyFaceDetector
let baseline

/** The instance still answers as before the failure. */
async function assertStillWorks () {
  assert.deepEqual(await net.locateFaces(image, options(224)), baseline)
  assert.ok((await getCore()).memory.buffer.byteLength <= MAX_MEMORY)
}

async function assertOutOfMemory (promise, pattern) {
  const error = await promise.then(() => assert.fail('expected out of memory'), (e) => e)
  assert.ok(error instanceof faceapi.FacewasmError, `not a FacewasmError: ${error}`)
  assert.match(error.message, /out of memory/)
  if (pattern) assert.match(error.message, pattern)
  return error
}

before(async () => {
  if (skip) return
  setWasmSource(WASM)
  await net.loadFromDisk(modelsDir)
  baseline = await net.locateFaces(image, options(224))
})

test('inputSize 1024 needs more working memory than the cap: out of memory, then 224 still works', { skip }, async (t) => {
  const error = await assertOutOfMemory(net.locateFaces(image, options(1024)), /working memory/)
  t.diagnostic(error.message)
  await assertStillWorks()
  await assertOutOfMemory(net.forward(image, 1024))
  await assertStillWorks()
})

test('pixels larger than free memory (4000 x 4000 RGBA): out of memory, then still works', { skip }, async (t) => {
  const big = { data: new Uint8ClampedArray(4000 * 4000 * 4), width: 4000, height: 4000 }
  const error = await assertOutOfMemory(net.locateFaces(big, options(224)), /cannot allocate/)
  t.diagnostic(error.message)
  await assertStillWorks()
})

test('a PNG that decodes to more than free memory (5000 x 3500): out of memory decoding, then still works', { skip }, async (t) => {
  const png = encodePng({ width: 5000, height: 3500 })
  const error = await assertOutOfMemory(net.locateFaces(png, options(224)), /decoding a 5000 x 3500 PNG/)
  t.diagnostic(error.message)
  await assertStillWorks()
})

test('loading weights with memory full: out of memory, the loaded weights stay in use, loading works once freed', { skip }, async (t) => {
  const core = await getCore()
  const held = []
  for (let size = 8 << 20; size >= 64; size >>= 1) {
    for (let p; (p = core.exports.fw_alloc(size));) held.push(p)
  }
  try {
    const error = await assertOutOfMemory(net.loadFromDisk(modelsDir))
    t.diagnostic(error.message)
    assert.equal(net.isLoaded, true)
    const other = new faceapi.TinyFaceDetector()
    await assertOutOfMemory(other.loadFromDisk(modelsDir))
    assert.equal(other.isLoaded, false)
  } finally {
    for (const p of held) core.exports.fw_free(p)
  }
  await assertStillWorks()
  await net.loadFromDisk(modelsDir)
  await assertStillWorks()
})

test('loading weights as memory frees up step by step: every failure says out of memory, the instance keeps working', { skip }, async (t) => {
  const core = await getCore()
  const held = []
  for (let size = 8 << 20; size >= 64; size >>= 1) {
    for (let p; (p = core.exports.fw_alloc(size));) held.push(p)
  }
  const messages = new Set()
  const other = new faceapi.TinyFaceDetector()
  try {
    // Free the smallest blocks first, one at a time, until the load fits.
    while (!other.isLoaded) {
      assert.ok(held.length > 0, 'loading failed with all memory free')
      core.exports.fw_free(held.pop())
      try {
        await other.loadFromDisk(modelsDir)
      } catch (error) {
        assert.ok(error instanceof faceapi.FacewasmError)
        assert.match(error.message, /out of memory/)
        messages.add(error.message.replace(/\d+/g, 'N'))
      }
    }
  } finally {
    for (const p of held) core.exports.fw_free(p)
  }
  for (const m of messages) t.diagnostic(m)
  assert.deepEqual(await other.locateFaces(image, options(224)), baseline)
  other.dispose()
  await assertStillWorks()
})
