// The threads build (wasm/facewasm-threads.wasm, setThreads / $FACEWASM_THREADS):
// the same answers as the single-thread build, bit for bit, on any thread
// count; the reference tests pass on it; workers start, stop and never keep
// a process alive. This file's own process runs the threads build; the
// single-thread build runs in child processes (one core per realm).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import * as faceapi from '../js/index.mjs'
import { describeWasm } from '../tools/wasm-info.mjs'
import { modelsDir, sharedMissing, sharedPath } from './shared.mjs'

const run = promisify(execFile)
const threadsWasm = fileURLToPath(new URL('../wasm/facewasm-threads.wasm', import.meta.url))
const indexUrl = new URL('../js/index.mjs', import.meta.url).href
const REFERENCE_TESTS = ['tiny_face_detector.test.mjs', 'ssd_mobilenetv1.test.mjs', 'mtcnn.test.mjs', 'face_nets.test.mjs',
  'face_expression_age_gender.test.mjs']

// Raw outputs of the nets on the models in the repository (MTCNN's below), on a
// deterministic noise image (no faces needed: raw values are compared).
const RAW_OUTPUTS = `
  const models = ${JSON.stringify(modelsDir)}
  await faceapi.nets.tinyFaceDetector.loadFromDisk(models)
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models)
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models)
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models)
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(models)
  await faceapi.nets.faceExpressionNet.loadFromDisk(models)
  await faceapi.nets.ageGenderNet.loadFromDisk(models)
  const width = 301, height = 217
  const data = new Uint8Array(width * height * 4).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 255)
  const image = { data, width, height }
  const out = []
  for (const size of [96, 320]) out.push(...await faceapi.nets.tinyFaceDetector.forward(image, size))
  const ssd = await faceapi.nets.ssdMobilenetv1.forward(image)
  out.push(...ssd.boxPredictions, ...ssd.classPredictions, ...ssd.boxes, ...ssd.scores)
  out.push(...await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(image))
  // ten faces of the image through the chain: the recognition net's batches of 8 and 2
  const boxes = Array.from({ length: 10 }, (_, i) =>
    new faceapi.FaceDetection(0.9, { x: 0.05 * i, y: 0.03 * i, width: 0.45, height: 0.55 }, { width, height }))
  const chain = new faceapi.DetectAllFacesTask({ input: image, detect: () => boxes, nets: faceapi.nets })
  for (const face of await chain.withFaceLandmarks().withFaceDescriptors()) out.push(...face.descriptor)
  for (const net of [faceapi.nets.faceLandmark68Net, faceapi.nets.faceLandmark68TinyNet]) {
    out.push(...(await net.detectLandmarks(image)).positions.flatMap((p) => [p.x, p.y]))
  }
  out.push(...Object.values(await faceapi.nets.faceExpressionNet.predictExpressions(image)))
  const { age, genderProbability } = await faceapi.nets.ageGenderNet.predictAgeAndGender(image)
  out.push(age, genderProbability)
  return new Float32Array(out)`
const rawOutputs = new Function('faceapi', `return (async () => {${RAW_OUTPUTS}})()`) // eslint-disable-line no-new-func

async function childRawOutputs (env = {}) {
  const script = `import * as faceapi from ${JSON.stringify(indexUrl)}
    const out = await (async () => {${RAW_OUTPUTS}})()
    process.stdout.write(Buffer.from(out.buffer))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script],
    { encoding: 'buffer', maxBuffer: 1 << 24, env: { ...process.env, FACEWASM_THREADS: '', ...env } })
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.length))
}

const bits = (floats) => new Uint32Array(floats.buffer, floats.byteOffset, floats.length)

test('the threads build imports a shared memory and keeps the single build\'s other imports', () => {
  const { imports, simd } = describeWasm(threadsWasm)
  assert.deepEqual(imports.sort(), ['env.emscripten_notify_memory_growth', 'env.memory'])
  assert.ok(simd > 0)
})

test('setThreads(2) runs the threads build on two threads', async () => {
  assert.equal(faceapi.threadsSupported(), true) // Node 20+
  assert.equal(await faceapi.setThreads(2), 2)
  assert.equal(faceapi.wasmFlavor(), 'threads')
  assert.equal(faceapi.threadCount(), 2)
})

test('bad thread counts are clear errors', async () => {
  for (const bad of [0, 65, 1.5, 'two', null, '0x2', '2e0']) {
    await assert.rejects(faceapi.setThreads(bad), /setThreads: expected 'auto' or a whole number of threads from 1 to 64/)
  }
  await assert.rejects(faceapi.setThreads(NaN), /got NaN$/)
  await assert.rejects(faceapi.setThreads(2n), /got 2n$/)
  assert.equal(faceapi.threadCount(), 2)
})

test('setThreads calls at once take turns: the last one wins, results stay bit-identical', async () => {
  const single = await childRawOutputs()
  const { getCore } = await import('../js/wasm.mjs')
  const { pool } = await getCore()
  for (const [a, b] of [[3, 3], [3, 4], [4, 3], [3, 1]]) {
    assert.deepEqual(await Promise.all([faceapi.setThreads(a), faceapi.setThreads(b)]), [a, b])
    assert.equal(faceapi.threadCount(), b)
    assert.equal(pool.workers.length, b - 1, `${a} then ${b}: workers`)
    assert.deepEqual(bits(await rawOutputs(faceapi)), bits(single), `${a} then ${b}`)
  }
  assert.equal(await faceapi.setThreads(2), 2)
})

test('two threads give bit-identical raw outputs to the single-thread build (and so do one and three)', async () => {
  const single = await childRawOutputs()
  assert.equal(single.length, (3 * 3 + 10 * 10) * 25 + 5118 * 12 + 128 + 10 * 128 + 2 * 136 + 7 + 2)
  await faceapi.setThreads(2)
  assert.deepEqual(bits(await rawOutputs(faceapi)), bits(single))
  assert.equal(await faceapi.setThreads(1), 1)
  assert.equal(faceapi.threadCount(), 1)
  assert.deepEqual(bits(await rawOutputs(faceapi)), bits(single))
  assert.equal(await faceapi.setThreads(3), 3)
  assert.deepEqual(bits(await rawOutputs(faceapi)), bits(single))
  assert.equal(await faceapi.setThreads(2), 2)
})

// MTCNN (its weights are only in ../shared) on a photo with faces, so that R-Net and O-Net run too:
// P-Net's raw output at one scale and the whole detection, serialised (JSON keeps every double).
const MTCNN_OUTPUTS = `
  await faceapi.nets.mtcnn.loadFromDisk(${JSON.stringify(sharedPath('models'))})
  const photo = (await import('node:fs')).readFileSync(${JSON.stringify(sharedPath('testdata', 'decoded', 'faces.png'))})
  const pnet = await faceapi.nets.mtcnn.forwardPnet(photo, 0.3)
  const faces = await faceapi.nets.mtcnn.forward(photo)
  return JSON.stringify({ pnet: [pnet.rows, pnet.cols, ...pnet.values], faces })`

test('MTCNN gives the single-thread build\'s results, bit for bit, on two threads', { skip: sharedMissing }, async () => {
  const script = `import * as faceapi from ${JSON.stringify(indexUrl)}
    process.stdout.write(await (async () => {${MTCNN_OUTPUTS}})())`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script],
    { maxBuffer: 1 << 24, env: { ...process.env, FACEWASM_THREADS: '' } })
  const single = JSON.parse(stdout)
  assert.ok(single.faces.length >= 5, `${single.faces.length} faces: R-Net and O-Net must run on several`)
  assert.equal(await faceapi.setThreads(2), 2)
  const two = JSON.parse(await new Function('faceapi', `return (async () => {${MTCNN_OUTPUTS}})()`)(faceapi)) // eslint-disable-line no-new-func
  assert.deepEqual(two, single)
})

test('errors from C still come back as clear errors on the threads build', async () => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const notAnImage = Buffer.from('\x89PNG\r\n\x1a\n but nothing after the signature')
  await assert.rejects(async () => faceapi.detectAllFaces(notAnImage, new faceapi.TinyFaceDetectorOptions()),
    (error) => error instanceof faceapi.FacewasmError && /png/i.test(error.message))
  // ...and the pool still works afterwards.
  const width = 64, height = 48
  const faces = await faceapi.detectAllFaces({ data: new Uint8Array(width * height * 4), width, height }, new faceapi.TinyFaceDetectorOptions())
  assert.equal(faces.length, 0)
  assert.equal(faceapi.threadCount(), 2)
})

test('FACEWASM_THREADS picks the threads build; workers do not keep the process alive', async () => {
  const script = `import * as faceapi from ${JSON.stringify(indexUrl)}
    await faceapi.nets.tinyFaceDetector.loadFromDisk(${JSON.stringify(modelsDir)})
    const width = 64, height = 48
    await faceapi.nets.tinyFaceDetector.forward({ data: new Uint8Array(width * height * 4), width, height }, 128)
    console.log(faceapi.wasmFlavor(), faceapi.threadCount())` // no process.exit: it must end by itself
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script],
    { timeout: 30000, env: { ...process.env, FACEWASM_THREADS: '2' } })
  assert.equal(stdout.trim(), 'threads 2')
})

test('setThreads after the single-thread build started says when to call it', async () => {
  const script = `import * as faceapi from ${JSON.stringify(indexUrl)}
    await faceapi.nets.tinyFaceDetector.loadFromDisk(${JSON.stringify(modelsDir)})
    console.log(await faceapi.setThreads(1))
    await faceapi.setThreads(2).catch((e) => console.log(e.message))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script],
    { timeout: 30000, env: { ...process.env, FACEWASM_THREADS: '' } })
  assert.match(stdout, /^1\nsetThreads\(2\): the single-thread build is already running; call setThreads before the first model is loaded$/m)
})

test('reference tests pass on the threads build with two threads', { skip: sharedMissing }, async (t) => {
  const files = REFERENCE_TESTS.map((f) => fileURLToPath(new URL(f, import.meta.url)))
  const { NODE_TEST_CONTEXT, ...env } = process.env
  const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', ...files], {
    env: { ...env, FACEWASM_THREADS: '2' }, maxBuffer: 1 << 24
  }).catch((error) => { throw new Error(`reference tests failed on the threads build:\n${error.stdout}`) })
  const passed = Number(/^# pass (\d+)/m.exec(stdout)?.[1])
  t.diagnostic(`${passed} reference tests passed on wasm/facewasm-threads.wasm with 2 threads`)
  assert.ok(passed > 0)
  assert.match(stdout, /^# fail 0$/m)
  assert.match(stdout, /wasm build: threads/, 'the child did not run the threads build')
})

test('results stay bit-exact through thread-count changes and idle gaps that put the workers to sleep', async () => {
  // Gaps past the workers' spin (about a millisecond) make them sleep on the fork counter; gaps past
  // their longest sleep (100 ms) make them wake by timeout and sleep again: each fork after such a
  // gap must wake them, and a late worker must never take a chunk of a later fork.
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir)
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const width = 150, height = 150
  const image = { data: new Uint8Array(width * height * 4).map((_, i) => (Math.imul(i, 2246822519) >>> 24) & 255), width, height }
  const outputs = async () => {
    const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(image)
    const grid = await faceapi.nets.tinyFaceDetector.forward(image, 160)
    return [...bits(descriptor), ...bits(new Float32Array(grid))]
  }
  await faceapi.setThreads(1)
  const expected = await outputs()
  let seed = 12345
  const random = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n }
  const gaps = [0, 0, 0, 2, 5, 20, 120]
  for (let step = 0; step < 40; step++) {
    const threads = [2, 2, 3, 1][random(4)]
    if (threads !== faceapi.threadCount()) assert.equal(await faceapi.setThreads(threads), threads)
    const gap = gaps[random(gaps.length)]
    if (gap) await new Promise((resolve) => setTimeout(resolve, gap))
    assert.deepEqual(await outputs(), expected, `step ${step}: ${threads} threads after ${gap} ms idle`)
  }
  assert.equal(await faceapi.setThreads(2), 2)
})

test('stopping the pool ends its workers', async () => {
  assert.equal(await faceapi.setThreads(1), 1)
  assert.equal(faceapi.threadCount(), 1)
})
