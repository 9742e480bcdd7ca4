// Memory stays flat: many calls on one instance, and after the first few
// neither wasm linear memory nor the JS heap grows. The calls cycle through
// STEPS, so working memory is re-planned for a new input size on every call
// and decoded images come and go. `make soak` runs 10,000 detections
// (FACEWASM_SOAK=10000, with landmarks and descriptors); `make test` 30 rounds.
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
  { net: 'faceExpressionNet', name: 'predictExpressions(crop)', run: () => faceapi.nets.faceExpressionNet.predictExpressions(crop) },
  { net: 'ageGenderNet', name: 'predictAgeAndGender(crop)', run: () => faceapi.nets.ageGenderNet.predictAgeAndGender(crop) },
  { net: 'ssdMobilenetv1', detects: true, name: 'detectAllFaces(pixels, SSD)', run: () => faceapi.detectAllFaces(pixels, new faceapi.SsdMobilenetv1Options()) }
]
const installed = (net) => existsSync(`${modelsDir}/${faceapi.nets[net]._modelName}-weights_manifest.json`)
const STEPS = ALL_STEPS.filter((step) => installed(step.net))
// The chain with landmarks needs faceLandmark68Net too.
// FACEWASM_SOAK counts detections (calls with `detects`); make test runs 30 rounds.
const DETECTIONS_PER_ROUND = STEPS.filter((step) => step.detects).length
const ROUNDS = process.env.FACEWASM_SOAK ? Math.ceil(Number(process.env.FACEWASM_SOAK) / DETECTIONS_PER_ROUND) : 30
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

test(`${ROUNDS} rounds of ${STEPS.length} calls: wasm memory and JS heap stop growing after ${WARM_UP}`, async (t) => {
  const core = await getCore()
  for (const step of ALL_STEPS) if (!STEPS.includes(step)) t.diagnostic(`skipped (no weights in ${modelsDir}): ${step.name}`)
  if (!smallMemory) t.diagnostic(`${SMALL_MEMORY_WASM} not built (make build/facewasm-low-start.wasm); using the default build`)
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
  const wasmAtEnd = core.memory.buffer.byteLength
  const heapGrowth = heapSamples[heapSamples.length - 1] - heapSamples[0]
  t.diagnostic(`wasm memory ${wasmAfterWarmUp} bytes after ${WARM_UP} rounds, ${wasmAtEnd} after ${ROUNDS}`)
  t.diagnostic(`JS heap after gc (MiB): ${heapSamples.map((b) => (b / 2 ** 20).toFixed(2)).join(' ')}`)
  assert.equal(wasmAtEnd, wasmAfterWarmUp, 'wasm linear memory grew after the warm-up')
  assert.ok(heapGrowth < 2 * 2 ** 20, `JS heap grew by ${heapGrowth} bytes after the warm-up`)
})
