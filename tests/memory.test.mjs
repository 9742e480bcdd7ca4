// Memory stays flat: many calls on one instance, and after the first few
// neither wasm linear memory nor the JS heap grows. The calls cycle through
// STEPS, so working memory is re-planned for a new input size on every call
// and decoded images come and go. `make test` runs 30 rounds of every step.
// `make soak` (FACEWASM_SOAK=10000) runs 10,000 iterations of the
// detection + landmarks + descriptors chain, each followed by one other step
// in rotation, so every net keeps being exercised without running every
// step 10,000 times.
//
// It runs on build/facewasm-low-start.wasm (the same core, memory starting
// at 2 MiB instead of 32), so that a leak shows as growth within a few hundred
// calls instead of hiding in memory reserved up front.
//
// A new net adds its steps to STEPS; steps whose weights are not installed
// are skipped (and named in the test's diagnostics).

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import v8 from 'node:v8'
import vm from 'node:vm'

import * as faceapi from '../js/index.mjs'
import { getCore, setWasmSource } from '../js/wasm.mjs'
import { encodePng, noiseImage } from './fixtures.mjs'
import { hasShared, modelsDir, repoRoot, sharedPath } from './shared.mjs'

const SMALL_MEMORY_WASM = `${repoRoot}build/facewasm-low-start.wasm`
const smallMemory = existsSync(SMALL_MEMORY_WASM)
if (smallMemory) setWasmSource(SMALL_MEMORY_WASM)

const WARM_UP = 8

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const photo = hasShared && existsSync(sharedPath('testdata', 'decoded', 'faces.png'))
  ? readFileSync(sharedPath('testdata', 'decoded', 'faces.png'))
  : encodePng(noiseImage(320, 240, 7))
const pixels = noiseImage(200, 150, 3)
const tall = noiseImage(37, 301, 5)
const broken = encodePng(noiseImage(64, 48, 9)).subarray(0, 200)
const tiny = (inputSize) => new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.3 })

// One call per step, on the net `net` (loaded from modelsDir); `fails` marks
// calls that must reject.
const crop = noiseImage(112, 124, 13)
const face = hasShared && existsSync(sharedPath('testdata', 'decoded', 'face1.png'))
  ? readFileSync(sharedPath('testdata', 'decoded', 'face1.png'))
  : encodePng(noiseImage(150, 150, 17))
const ALL_STEPS = [
  { net: 'tinyFaceDetector', detects: true, name: 'detectAllFaces(photo PNG, 320)', run: () => faceapi.detectAllFaces(photo, tiny(320)) },
  { net: 'tinyFaceDetector', detects: true, name: 'detectAllFaces(pixels 200x150, 160)', run: () => faceapi.detectAllFaces(pixels, tiny(160)) },
  { net: 'tinyFaceDetector', detects: true, name: 'detectSingleFace(pixels 37x301, 224)', run: () => faceapi.detectSingleFace(tall, tiny(224)) },
  { net: 'tinyFaceDetector', name: 'detectAllFaces(truncated PNG) rejects', run: () => faceapi.detectAllFaces(broken, tiny(128)), fails: true },
  { net: 'tinyFaceDetector', name: 'forward(pixels, 128)', run: () => faceapi.nets.tinyFaceDetector.forward(pixels, 128) },
  { net: 'faceRecognitionNet', detects: true, name: 'detectAllFaces(face, 160).withFaceLandmarks().withFaceDescriptors()', run: () => faceapi.detectAllFaces(face, tiny(160)).withFaceLandmarks().withFaceDescriptors() },
  { net: 'faceLandmark68Net', name: 'detectLandmarks(crop)', run: () => faceapi.nets.faceLandmark68Net.detectLandmarks(crop) },
  { net: 'faceLandmark68TinyNet', name: 'tiny detectLandmarks(crop)', run: () => faceapi.nets.faceLandmark68TinyNet.detectLandmarks(crop) },
  { net: 'faceRecognitionNet', name: 'computeFaceDescriptor(crop)', run: () => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crop) },
  { net: 'faceRecognitionNet', name: 'computeFaceDescriptor([crop, tall, face PNG])', run: () => faceapi.nets.faceRecognitionNet.computeFaceDescriptor([crop, tall, face]) },
  { net: 'faceRecognitionNet', name: 'computeFaceDescriptor([crop, truncated PNG]) rejects', run: () => faceapi.nets.faceRecognitionNet.computeFaceDescriptor([crop, broken]), fails: true },
  { net: 'faceExpressionNet', name: 'predictExpressions(crop)', run: () => faceapi.nets.faceExpressionNet.predictExpressions(crop) },
  { net: 'ageGenderNet', name: 'predictAgeAndGender(crop)', run: () => faceapi.nets.ageGenderNet.predictAgeAndGender(crop) },
  { net: 'ssdMobilenetv1', detects: true, name: 'detectAllFaces(pixels, SSD)', run: () => faceapi.detectAllFaces(pixels, new faceapi.SsdMobilenetv1Options()) }
]
const installed = (net) => existsSync(`${modelsDir}/${faceapi.nets[net]._modelName}-weights_manifest.json`)
const STEPS = ALL_STEPS.filter((step) => installed(step.net))
// The chain with landmarks needs faceLandmark68Net too.
const ROUNDS = 30
const NETS = [...new Set(STEPS.map((step) => step.net)), 'faceLandmark68Net'].filter(installed).map((net) => faceapi.nets[net])

before(async () => {
  for (const net of NETS) await net.loadFromDisk(modelsDir)
})

async function round () {
  const results = []
  for (const step of STEPS) {
    if (step.fails) {
      await assert.rejects(async () => step.run(), faceapi.FacewasmError, step.name)
      results.push('rejected')
    } else {
      results.push(await step.run())
    }
  }
  return results
}

const heapUsed = () => { gc(); gc(); return process.memoryUsage().heapUsed }

const SOAK = process.env.FACEWASM_SOAK ? Number(process.env.FACEWASM_SOAK) : 0
const CHAIN = STEPS.find((step) => step.name.includes('withFaceDescriptors'))

function reportSkipped (t) {
  for (const step of ALL_STEPS) if (!STEPS.includes(step)) t.diagnostic(`skipped (no weights in ${modelsDir}): ${step.name}`)
  if (!smallMemory) t.diagnostic(`${SMALL_MEMORY_WASM} not built (make build/facewasm-low-start.wasm); using the default build`)
}

function assertFlat (t, wasmAfterWarmUp, wasmAtEnd, heapSamples, label) {
  const heapGrowth = heapSamples[heapSamples.length - 1] - heapSamples[0]
  t.diagnostic(`wasm memory ${wasmAfterWarmUp} bytes after the warm-up, ${wasmAtEnd} after ${label}`)
  t.diagnostic(`JS heap after gc (MiB): ${heapSamples.map((b) => (b / 2 ** 20).toFixed(2)).join(' ')}`)
  assert.equal(wasmAtEnd, wasmAfterWarmUp, 'wasm linear memory grew after the warm-up')
  assert.ok(heapGrowth < 2 * 2 ** 20, `JS heap grew by ${heapGrowth} bytes after the warm-up`)
}

test(`${ROUNDS} rounds of ${STEPS.length} calls: wasm memory and JS heap stop growing after ${WARM_UP}`, { skip: SOAK > 0 && 'soak run' }, async (t) => {
  const core = await getCore()
  reportSkipped(t)
  const first = JSON.stringify(await round())
  for (let i = 1; i < WARM_UP; i++) await round()
  const wasmAfterWarmUp = core.memory.buffer.byteLength
  const heapSamples = [heapUsed()]
  const every = Math.max(1, Math.floor((ROUNDS - WARM_UP) / 4))
  for (let i = WARM_UP; i < ROUNDS; i++) {
    const results = await round()
    // Same answers every time (compared in full now and then; it costs).
    if (i % every === 0) {
      assert.equal(JSON.stringify(results), first, `round ${i} gave different results`)
      heapSamples.push(heapUsed())
    }
  }
  heapSamples.push(heapUsed())
  assertFlat(t, wasmAfterWarmUp, core.memory.buffer.byteLength, heapSamples, `${ROUNDS} rounds`)
})

test(`soak: ${SOAK} detections with landmarks and descriptors, other steps in rotation`, { skip: !SOAK && 'set FACEWASM_SOAK (make soak)' }, async (t) => {
  assert.ok(CHAIN, 'the soak needs the Tiny Face Detector, landmark and recognition weights')
  const core = await getCore()
  reportSkipped(t)
  const others = STEPS.filter((step) => step !== CHAIN)
  const runStep = async (step) => step.fails
    ? assert.rejects(async () => step.run(), faceapi.FacewasmError, step.name).then(() => 'rejected')
    : step.run()
  const expected = new Map()
  const iteration = async (i) => {
    const other = others[i % others.length]
    return [await runStep(CHAIN), other, await runStep(other)]
  }
  // Warm-up: every rotated step WARM_UP times; remember the first answers.
  const warmUp = WARM_UP * others.length
  for (let i = 0; i < warmUp; i++) {
    const [chain, other, result] = await iteration(i)
    if (!expected.has(CHAIN)) {
      assert.ok(chain.length > 0 && chain.every((face) => face.landmarks && face.descriptor), 'the chain found no face with landmarks and a descriptor')
      expected.set(CHAIN, JSON.stringify(chain))
    }
    if (!expected.has(other)) expected.set(other, JSON.stringify(result))
  }
  const wasmAfterWarmUp = core.memory.buffer.byteLength
  const heapSamples = [heapUsed()]
  const every = Math.max(others.length, Math.floor((SOAK - warmUp) / 8))
  const started = Date.now()
  for (let i = warmUp; i < SOAK; i++) {
    const [chain, other, result] = await iteration(i)
    if (i % every === 0 || i >= SOAK - others.length) {
      assert.equal(JSON.stringify(chain), expected.get(CHAIN), `iteration ${i}: the chain gave a different result`)
      assert.equal(JSON.stringify(result), expected.get(other), `iteration ${i}: ${other.name} gave a different result`)
    }
    if (i % every === 0) {
      heapSamples.push(heapUsed())
      t.diagnostic(`${i} iterations, wasm ${core.memory.buffer.byteLength} bytes, ${((Date.now() - started) / (i - warmUp + 1)).toFixed(1)} ms per iteration`)
    }
  }
  heapSamples.push(heapUsed())
  assertFlat(t, wasmAfterWarmUp, core.memory.buffer.byteLength, heapSamples, `${SOAK} iterations`)
})
