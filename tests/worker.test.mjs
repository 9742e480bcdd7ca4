// js/worker.mjs in Node: results survive a message boundary bit for bit with
// their classes, the request/response pair works over a MessageChannel, and
// runTask explains what it cannot do. (The real module worker runs in
// Chromium in tests/demo.test.mjs.)
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

import * as faceapi from '../js/index.mjs'
import { FaceApiWorker, FaceApiWorkerPool, buildTask, fromTransferable, runTask, serveFaceApi, toTransferable } from '../js/worker.mjs'
import { hasShared, modelsDir, sharedPath } from './shared.mjs'

/** A real photo when ../shared is there, else a deterministic pattern (no faces). */
function testImage () {
  if (hasShared) return readFileSync(sharedPath('testdata', 'decoded', 'faces.png'))
  const width = 96
  const height = 64
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255
  return { data, width, height }
}

const TINY = { detector: 'tinyFaceDetector', options: { inputSize: 320 } }

before(() => faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir))

test('toTransferable/fromTransferable: classes restored, values identical, whole-buffer typed arrays transferred', async () => {
  const faces = await runTask(testImage(), TINY)
  if (hasShared) assert.ok(faces.length > 0)
  const descriptor = new Float32Array([0.5, -1.25, 3])
  const shared = new Float32Array(8)
  const value = { faces, extra: { descriptor, view: shared.subarray(2, 4), label: 'x', none: null } }
  const { data, transfer } = toTransferable(value)
  assert.deepEqual(transfer, [descriptor.buffer])
  const received = fromTransferable(structuredClone(data, { transfer }))
  assert.equal(descriptor.byteLength, 0, 'the descriptor buffer moved rather than copied')
  assert.deepEqual(Array.from(received.extra.descriptor), [0.5, -1.25, 3])
  assert.equal(received.extra.view.length, 2)
  assert.equal(received.extra.label, 'x')
  assert.equal(received.extra.none, null)
  assert.equal(received.faces.length, faces.length)
  received.faces.forEach((face, i) => {
    assert.ok(face instanceof faceapi.FaceDetection)
    assert.ok(face.box instanceof faceapi.Box)
    assert.ok(face.imageDims instanceof faceapi.Dimensions)
    for (const key of ['score', 'imageWidth', 'imageHeight']) assert.equal(face[key], faces[i][key])
    for (const key of ['x', 'y', 'width', 'height', 'right', 'bottom']) assert.equal(face.box[key], faces[i].box[key])
    assert.deepEqual(face.relativeBox, faces[i].relativeBox)
  })
})

test('FaceApiWorker and serveFaceApi over a MessageChannel give runTask\'s results', async () => {
  const { port1, port2 } = new MessageChannel()
  serveFaceApi({ echo: async (x) => x }, port1)
  port1.start()
  port2.start()
  const client = new FaceApiWorker(port2)
  try {
    // Errors cross back as FacewasmErrors with the worker's message (the net stays loaded).
    await assert.rejects(client.load('tinyFaceDetector', 'http://127.0.0.1:9/models'), /cannot fetch http:\/\/127\.0\.0\.1:9\/models/)
    await assert.rejects(client.load('noSuchNet', 'http://127.0.0.1:9/models'), /no net 'noSuchNet'/)
    await assert.rejects(client.call('noSuchMethod'), /unknown method 'noSuchMethod'/)
    const image = testImage()
    const expected = await runTask(image, TINY)
    const got = await client.run(image, TINY)
    assert.equal(got.length, expected.length)
    got.forEach((face, i) => {
      assert.ok(face instanceof faceapi.FaceDetection)
      assert.deepEqual(face, expected[i])
    })
    assert.equal(await client.wasmFlavor(), faceapi.wasmFlavor())
    const box = await client.call('echo', [new faceapi.Box({ x: 1, y: 2, width: 3, height: 4 })])
    assert.ok(box instanceof faceapi.Box)
    assert.equal(box.right, 4)
    client.terminate()
    await assert.rejects(client.wasmFlavor(), /worker terminated/)
  } finally {
    port1.close()
    port2.close()
  }
})

test('FaceApiWorkerPool sends each call to the least busy worker, leaves out failed ones, and gives runTask\'s results', async () => {
  assert.throws(() => new FaceApiWorkerPool([]), /expected a non-empty array of workers/)
  const channels = [0, 1, 2].map(() => new MessageChannel())
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  channels.forEach(({ port1 }, k) => {
    serveFaceApi({ whoami: async (ms) => { await sleep(ms); return k } }, port1)
    port1.start()
  })
  channels.forEach(({ port2 }) => port2.start())
  const pool = new FaceApiWorkerPool(channels.map(({ port2 }) => port2))
  const whoami = (ms, n) => Promise.all(Array.from({ length: n }, () => pool.call('whoami', [ms])))
  try {
    assert.equal(pool.size, 3)
    assert.deepEqual((await whoami(20, 6)).sort(), [0, 0, 1, 1, 2, 2], 'six calls at once: two a worker')
    const slow = pool.call('whoami', [300]) // to worker 0, all being idle
    assert.deepEqual((await whoami(1, 2)).sort(), [1, 2], 'while worker 0 is busy, the idle ones take the calls')
    assert.equal(await slow, 0)

    const image = testImage()
    const expected = await runTask(image, TINY)
    const got = await pool.run(image, TINY)
    assert.equal(got.length, expected.length)
    got.forEach((face, i) => assert.deepEqual(face, expected[i]))
    await assert.rejects(pool.load('noSuchNet', 'http://127.0.0.1:9/models'), /no net 'noSuchNet'/)
    assert.equal(await pool.wasmFlavor(), faceapi.wasmFlavor())

    pool.workers[0].terminate()
    assert.deepEqual((await whoami(1, 4)).sort(), [1, 1, 2, 2], 'a terminated worker gets no calls')
    await assert.rejects(pool.load('noSuchNet', 'http://127.0.0.1:9/models'), /no net 'noSuchNet'/, 'loads go to the live workers')
    pool.terminate()
    await assert.rejects(pool.call('whoami', [1]), /worker terminated/)
    await assert.rejects(pool.load('tinyFaceDetector', 'http://127.0.0.1:9/models'), /worker terminated/)
  } finally {
    for (const { port1, port2 } of channels) { port1.close(); port2.close() }
  }
})

test('runTask builds face-api.js\'s chain and names what it cannot do', async () => {
  assert.throws(() => buildTask(null, { detector: 'yolo' }), /unknown or unavailable detector 'yolo'/)
  for (const task of [null, 'tinyFaceDetector', []]) assert.throws(() => buildTask(null, task), /runTask: a task is an object/)
  assert.throws(() => buildTask(null, { ...TINY, landmarks: true }), /landmarks must be false, 'full' or 'tiny'/)
  assert.throws(() => buildTask(null, { ...TINY, descriptors: true }), /descriptors need landmarks/)
  if (!faceapi.SsdMobilenetv1Options) assert.throws(() => buildTask(null, {}), /unavailable detector 'ssdMobilenetv1'/)
  if (!faceapi.nets.faceExpressionNet) assert.throws(() => buildTask(null, { ...TINY, expressions: true }), /withFaceExpressions\(\) is not available/)
  assert.throws(() => buildTask(null, { detector: 'tinyFaceDetector', options: { inputSize: 33 } }), /divisible by 32/)
  const single = await runTask(testImage(), { ...TINY, single: true })
  const all = await runTask(testImage(), TINY)
  if (all.length) assert.deepEqual(single, all.reduce((a, b) => (b.score > a.score ? b : a)))
  else assert.equal(single, undefined)
})

test('in Node: a worker_threads Worker running serveFaceApi() (its parentPort), weights loaded by path', async () => {
  const { Worker } = await import('node:worker_threads')
  const workerUrl = new URL('../js/worker.mjs', import.meta.url).href
  const worker = new Worker(`import(${JSON.stringify(workerUrl)}).then(({ serveFaceApi }) => serveFaceApi({ quit: async () => process.exit(3) }))`, { eval: true })
  const client = new FaceApiWorker(worker)
  try {
    await client.load('tinyFaceDetector', modelsDir)
    assert.deepEqual(await client.run(testImage(), TINY), await runTask(testImage(), TINY))
    await client.load('tinyFaceDetector', pathToFileURL(modelsDir)) // a URL object (posted as its text)
    assert.deepEqual(await client.run(testImage(), TINY), await runTask(testImage(), TINY))
    // a call whose arguments cannot be cloned rejects, and leaves nothing pending
    await assert.rejects(client.call('run', [() => 1]), /could not be cloned/)
    assert.equal(client._pending.size, 0)
    // the worker exits: the call in flight and later ones reject (no hang)
    await assert.rejects(client.call('quit'), /worker stopped: it exited \(code 3\)/)
    await assert.rejects(client.run(testImage(), TINY), /worker stopped/)
  } finally {
    client.terminate()
  }
})

test('a MessagePort whose other end closes: calls in flight and later reject', async () => {
  const { port1, port2 } = new MessageChannel()
  serveFaceApi({ never: () => new Promise(() => {}) }, port1)
  const client = new FaceApiWorker(port2)
  const inFlight = client.call('never')
  port1.close()
  await assert.rejects(inFlight, /worker stopped: its port closed/)
  await assert.rejects(client.call('never'), /worker stopped: its port closed/)
  assert.throws(() => new FaceApiWorker({}), /expected a Worker, a MessagePort or a Node worker_threads Worker/)
})
