// The threads build in a real browser (Debian's Chromium through playwright-core):
// served cross-origin isolated (COOP + COEP), setThreads(2) starts a Web Worker
// pool on a shared memory, and every net split across threads gives the same
// bits as the single-thread build in Node; served without those headers, the
// page stays on one thread and says so.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import * as faceapi from '../js/index.mjs'
import { modelsDir, repoRoot } from './shared.mjs'
import { noChromium as noBrowser, openTestPage, useChromium } from './chromium.mjs'

const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
const isolated = useChromium({ skip: noBrowser, mounts: { '/': repoRoot }, headers: ISOLATION })
const plain = useChromium({ skip: noBrowser, mounts: { '/': repoRoot } })

// Runs in the page (and, as a function of the module, in Node): raw outputs of
// the nets whose layers are split across threads, on a deterministic noise image.
async function rawOutputs (faceapi, modelsUrl, load) {
  const nets = [faceapi.nets.tinyFaceDetector, faceapi.nets.ssdMobilenetv1, faceapi.nets.faceRecognitionNet,
    faceapi.nets.faceLandmark68Net]
  for (const net of nets) await (load === 'disk' ? net.loadFromDisk(modelsUrl) : net.loadFromUri(modelsUrl))
  const width = 301
  const height = 217
  const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 255)
  const image = { data, width, height }
  const out = []
  for (const size of [96, 320]) out.push(...await faceapi.nets.tinyFaceDetector.forward(image, size))
  const ssd = await faceapi.nets.ssdMobilenetv1.forward(image)
  out.push(...ssd.boxPredictions, ...ssd.classPredictions)
  out.push(...await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(image))
  out.push(...(await faceapi.nets.faceLandmark68Net.detectLandmarks(image)).positions.flatMap((p) => [p.x, p.y]))
  return Array.from(new Float32Array(out))
}

const bits = (values) => Array.from(new Uint32Array(new Float32Array(values).buffer))

test('cross-origin isolated, setThreads(2) runs a Web Worker pool with the single-thread build\'s bits', { skip: noBrowser }, async (t) => {
  const expected = bits(await rawOutputs(faceapi, modelsDir, 'disk'))
  const { page, errors } = await openTestPage(isolated)
  const before = await page.evaluate(async () => ({
    isolated: window.crossOriginIsolated,
    supported: window.faceapi.threadsSupported(),
    threads: await window.faceapi.setThreads(2)
  }))
  assert.deepEqual(before, { isolated: true, supported: true, threads: 2 })
  const run = await page.evaluate(async (source) => {
    const rawOutputs = new Function(`return (${source})`)() // eslint-disable-line no-new-func
    const out = await rawOutputs(window.faceapi, '/models', 'uri')
    return { out, flavor: window.faceapi.wasmFlavor(), threads: window.faceapi.threadCount() }
  }, rawOutputs.toString())
  assert.equal(run.flavor, 'threads')
  assert.equal(run.threads, 2)
  assert.equal(run.out.length, expected.length)
  assert.deepEqual(bits(run.out), expected, 'two threads in the browser vs one in Node')
  // Back to one thread (the workers stop), then two again: the same bits each time.
  for (const n of [1, 2]) {
    const again = await page.evaluate(async ({ source, n }) => {
      const rawOutputs = new Function(`return (${source})`)() // eslint-disable-line no-new-func
      const threads = await window.faceapi.setThreads(n)
      return { threads, count: window.faceapi.threadCount(), out: await rawOutputs(window.faceapi, '/models', 'uri') }
    }, { source: rawOutputs.toString(), n })
    assert.equal(again.threads, n)
    assert.equal(again.count, n)
    assert.deepEqual(bits(again.out), expected, `${n} thread(s) after a change of count`)
  }
  t.diagnostic(`${expected.length} raw values bit-identical on 2, 1 and 2 threads in Chromium`)
  assert.deepEqual(errors, [])
  await page.close()
})

test('not cross-origin isolated, the page stays on the single-thread build', { skip: noBrowser }, async () => {
  const { page, errors } = await openTestPage(plain)
  const got = await page.evaluate(async () => ({
    isolated: window.crossOriginIsolated,
    supported: window.faceapi.threadsSupported(),
    threads: await window.faceapi.setThreads(2),
    count: window.faceapi.threadCount(),
    flavor: window.faceapi.wasmFlavor()
  }))
  assert.deepEqual(got, { isolated: false, supported: false, threads: 1, count: 1, flavor: 'simd128' })
  assert.deepEqual(errors, [])
  await page.close()
})
