// The library in a real browser (Debian's Chromium through playwright-core):
// weights over HTTP with loadFromUri, every kind of DOM input, and the same
// detections as Node computes from the same pixels with the same wasm.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import * as faceapi from '../js/index.mjs'
import { hasShared, modelsDir, repoRoot, sharedDir, sharedPath } from './shared.mjs'
import { noChromium as noBrowser, openTestPage, useChromium } from './chromium.mjs'

const env = useChromium({ skip: noBrowser, mounts: { ...(hasShared ? { '/shared/': sharedDir } : {}), '/': repoRoot } })

/** A deterministic RGBA test pattern (no faces; exercises every code path). */
function pattern (width, height) {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      data.set([(x * 7 + y) & 255, (y * 5) & 255, ((x ^ y) * 3) & 255, 255], i)
    }
  }
  return { data, width, height }
}

const plain = (faces) => faces.map((f) => ({ score: f.score, box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, imageWidth: f.imageWidth, imageHeight: f.imageHeight }))

const openPage = () => openTestPage(env)

// Runs in the page: detections for the image at `src` given as each DOM input kind.
async function detectEveryInputKind ({ src, inputSize }) {
  const { faceapi } = window
  await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize })
  const img = await window.loadImage(src)
  const canvas = window.canvasWith(img)
  const imageData = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
  const offscreen = new OffscreenCanvas(canvas.width, canvas.height)
  offscreen.getContext('2d').drawImage(img, 0, 0)
  const inputs = { img, canvas, imageData, offscreen, bitmap: await createImageBitmap(img) }
  const out = {}
  for (const [kind, input] of Object.entries(inputs)) {
    out[kind] = (await faceapi.detectAllFaces(input, options)).map((f) => ({
      score: f.score, box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, imageWidth: f.imageWidth, imageHeight: f.imageHeight
    }))
  }
  return out
}

/**
 * The image both sides run on: faces.png from ../shared, or without it a
 * pattern that the page draws and serves as a PNG data URL. src is its URL in
 * the page, nodeInput the same pixels for the Node side.
 */
async function testImage (page) {
  if (hasShared) {
    return { src: '/shared/testdata/decoded/faces.png', nodeInput: readFileSync(sharedPath('testdata', 'decoded', 'faces.png')) }
  }
  const { width, height, data } = pattern(160, 120)
  const src = await page.evaluate(({ width, height, data }) => {
    const c = document.createElement('canvas')
    c.width = width
    c.height = height
    c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0)
    return c.toDataURL('image/png')
  }, { width, height, data: [...data] })
  return { src, nodeInput: pattern(160, 120) }
}

test('browser detections equal Node detections for every DOM input kind', { skip: noBrowser }, async (t) => {
  const { page, errors } = await openPage()
  const { src, nodeInput } = await testImage(page)
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  for (const inputSize of [416, 224]) {
    const expected = plain(await faceapi.detectAllFaces(nodeInput, new faceapi.TinyFaceDetectorOptions({ inputSize })))
    if (hasShared) assert.equal(expected.length, inputSize === 416 ? 6 : 3)
    const got = await page.evaluate(detectEveryInputKind, { src, inputSize })
    for (const [kind, faces] of Object.entries(got)) assert.deepEqual(faces, expected, `${kind} @${inputSize}`)
    t.diagnostic(`@${inputSize}: ${expected.length} faces, identical for ${Object.keys(got).join(', ')}`)
  }
  assert.deepEqual(errors, [])
  await page.close()
})

test('in the browser, errors are clear and the instance stays usable', { skip: noBrowser }, async () => {
  const { page, errors } = await openPage()
  const result = await page.evaluate(async () => {
    const { faceapi } = window
    const messages = []
    const net = new faceapi.TinyFaceDetector()
    await net.loadFromUri('/no/such/folder').catch((e) => messages.push(e.message))
    await net.locateFaces(new ImageData(8, 8)).catch((e) => messages.push(e.message))
    await net.loadFromUri('/models')
    await net.locateFaces('no-such-element').catch((e) => messages.push(e.message))
    const faces = await net.locateFaces(new ImageData(64, 48))
    return { messages, count: faces.length }
  })
  assert.match(result.messages[0], /HTTP 404/)
  assert.match(result.messages[1], /load model before inference/)
  assert.match(result.messages[2], /no element with id 'no-such-element'/)
  assert.equal(result.count, 0)
  assert.ok(errors.every((e) => /404/.test(e)), errors.join('\n'))
  await page.close()
})

test('a cross-origin image without CORS: a clear error, and later images of its size still work', { skip: noBrowser }, async () => {
  const { page, errors } = await openPage()
  // the page is at 127.0.0.1; the same server as localhost is another origin, and sends no CORS headers
  const other = env.server.url.replace('127.0.0.1', 'localhost')
  assert.notEqual(other, env.server.url)
  const result = await page.evaluate(async ({ foreign, own }) => {
    const { faceapi } = window
    await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 128 })
    const message = await faceapi.detectAllFaces(await window.loadImage(foreign), options).then(() => 'no error', (e) => e.message)
    const after = await faceapi.detectAllFaces(await window.loadImage(own), options) // same size, same origin
    return { message, after: after.length }
  }, { foreign: `${other}/tests/fuzz/decode/face-80x60.jpg`, own: '/tests/fuzz/decode/face-80x60.jpg' })
  assert.match(result.message, /cannot read the pixels of a cross-origin image loaded without CORS/)
  assert.equal(result.after, 1)
  assert.deepEqual(errors, [])
  await page.close()
})

test('page inputs a worker cannot take as they are: the main thread\'s checks and messages, in both', { skip: noBrowser }, async () => {
  const { page, errors } = await openPage()
  const other = env.server.url.replace('127.0.0.1', 'localhost')
  const result = await page.evaluate(async ({ foreign }) => {
    const { faceapi } = window
    const { FaceApiWorker } = await import('/js/worker.mjs')
    await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
    const fw = new FaceApiWorker(new Worker('/demo/worker.mjs', { type: 'module' }))
    await fw.load('tinyFaceDetector', '/models')
    const outcome = (promise) => promise.then((faces) => `${faces.length} faces`, (e) => `${e.name}: ${e.message}`)
    const img = document.createElement('img')
    img.id = 'known-image'
    img.src = '/tests/fuzz/decode/face-80x60.jpg'
    await img.decode()
    document.body.append(img)
    const offscreen = new OffscreenCanvas(80, 60)
    offscreen.getContext('2d').drawImage(img, 0, 0)
    const inputs = {
      'broken <img>': () => Object.assign(new Image(), { src: '/no-such-image.jpg' }),
      '<video> without a frame': () => document.createElement('video'),
      '0 x 0 canvas': () => Object.assign(document.createElement('canvas'), { width: 0, height: 0 }),
      '16384 x 16384 canvas': () => Object.assign(document.createElement('canvas'), { width: 16384, height: 16384 }),
      'cross-origin <img> without CORS': () => window.loadImage(foreign),
      OffscreenCanvas: () => offscreen,
      'element id': () => 'known-image',
      'missing element id': () => 'no-such-element'
    }
    const out = {}
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 128 })
    for (const [name, make] of Object.entries(inputs)) {
      out[name] = { main: await outcome(faceapi.detectAllFaces(await make(), options)), worker: await outcome(fw.run(await make(), { detector: 'tinyFaceDetector', options: { inputSize: 128 } })) }
    }
    const closed = await createImageBitmap(img)
    closed.close()
    out.closedBitmap = { main: await outcome(faceapi.detectAllFaces(closed, options)), worker: await outcome(fw.run(closed, { detector: 'tinyFaceDetector' })) }
    fw.terminate()
    return out
  }, { foreign: `${other}/tests/fuzz/decode/face-80x60.jpg` })
  const expected = {
    'broken <img>': /FacewasmError: image '.*no-such-image\.jpg' could not be loaded or decoded/,
    '<video> without a frame': /FacewasmError: video has no frame yet/,
    '0 x 0 canvas': /FacewasmError: input has no pixels \(0 x 0\)/,
    '16384 x 16384 canvas': /FacewasmError: image is too large \(16384 x 16384/,
    'cross-origin <img> without CORS': /FacewasmError: cannot read the pixels of a cross-origin image loaded without CORS/,
    OffscreenCanvas: /^1 faces$/,
    'element id': /^1 faces$/,
    'missing element id': /FacewasmError: no element with id 'no-such-element'/
  }
  for (const [name, pattern] of Object.entries(expected)) {
    assert.match(result[name].main, pattern, `${name} on the main thread`)
    assert.equal(result[name].worker, result[name].main, `${name} through the worker`)
  }
  assert.match(result.closedBitmap.main, /FacewasmError: the ImageBitmap is closed/)
  assert.equal(result.closedBitmap.worker, result.closedBitmap.main)
  assert.ok(errors.every((e) => /404/.test(e)), errors.join('\n'))
  await page.close()
})

test('draw.drawDetections outlines each face on a canvas, with its score', { skip: noBrowser }, async () => {
  const { page, errors } = await openPage()
  const result = await page.evaluate(async ({ src }) => {
    const { faceapi } = window
    await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
    let canvas
    if (src) {
      canvas = window.canvasWith(await window.loadImage(src))
    } else {
      canvas = document.createElement('canvas')
      canvas.width = 200
      canvas.height = 100
    }
    document.body.appendChild(canvas)
    const faces = src ? await faceapi.detectAllFaces(canvas, new faceapi.TinyFaceDetectorOptions()) : []
    const boxes = faces.length ? faces : [new faceapi.FaceDetection(0.87, new faceapi.Rect(0.2, 0.2, 0.5, 0.5), { width: 200, height: 100 })]
    faceapi.draw.drawDetections(canvas, boxes)
    const ctx = canvas.getContext('2d')
    // The 2-px line centred on x fully covers pixel floor(x): it must be the box colour, rgba(0, 0, 255, 1).
    const edges = boxes.map(({ box }) => [...ctx.getImageData(Math.floor(box.x), Math.round(box.y + box.height / 2), 1, 1).data])
    return { count: boxes.length, edges }
  }, { src: hasShared ? '/shared/testdata/decoded/faces.png' : null })
  if (hasShared) assert.equal(result.count, 6)
  for (const rgba of result.edges) assert.deepEqual(rgba, [0, 0, 255, 255])
  assert.deepEqual(errors, [])
  await page.close()
})

// Runs in the page: face nets loaded over HTTP, the chain on a canvas, extractFaces as canvases.
async function faceNetsInPage ({ src }) {
  const { faceapi } = window
  await Promise.all([faceapi.nets.tinyFaceDetector.loadFromUri('/models'), faceapi.nets.faceLandmark68Net.loadFromUri('/models'),
    faceapi.nets.faceLandmark68TinyNet.loadFromUri('/models'), faceapi.nets.faceRecognitionNet.loadFromUri('/models')])
  const canvas = window.canvasWith(await window.loadImage(src))
  const results = await faceapi.detectAllFaces(canvas, new faceapi.TinyFaceDetectorOptions({ inputSize: 416 }))
    .withFaceLandmarks().withFaceDescriptors()
  const whole = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(canvas)
  const descriptor = await faceapi.computeFaceDescriptor(canvas)
  const [face] = await faceapi.extractFaces(canvas, [new faceapi.Rect(3, 2, 20, 10)])
  const facePixels = face.getContext('2d').getImageData(0, 0, face.width, face.height).data
  const sourcePixels = canvas.getContext('2d').getImageData(3, 2, 20, 10).data
  return {
    results: results.map((r) => ({ landmarks: r.landmarks.positions.map((p) => [p.x, p.y]), descriptor: Array.from(r.descriptor) })),
    whole: whole.positions.map((p) => [p.x, p.y]),
    descriptor: Array.from(descriptor),
    face: { isCanvas: face instanceof HTMLCanvasElement, width: face.width, height: face.height, same: facePixels.every((v, i) => v === sourcePixels[i]) }
  }
}

test('browser face nets and chain equal Node results; extractFaces gives canvases', { skip: noBrowser }, async () => {
  const { page, errors } = await openPage()
  const { src, nodeInput } = await testImage(page)
  await Promise.all([faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir), faceapi.nets.faceLandmark68Net.loadFromDisk(modelsDir),
    faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelsDir), faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir)])
  const expected = await faceapi.detectAllFaces(nodeInput, new faceapi.TinyFaceDetectorOptions({ inputSize: 416 }))
    .withFaceLandmarks().withFaceDescriptors()
  const got = await page.evaluate(faceNetsInPage, { src })
  assert.deepEqual(got.results, expected.map((r) => ({ landmarks: r.landmarks.positions.map((p) => [p.x, p.y]), descriptor: Array.from(r.descriptor) })))
  assert.deepEqual(got.whole, (await faceapi.detectFaceLandmarksTiny(nodeInput)).positions.map((p) => [p.x, p.y]))
  assert.deepEqual(got.descriptor, Array.from(await faceapi.computeFaceDescriptor(nodeInput)))
  assert.deepEqual(got.face, { isCanvas: true, width: 20, height: 10, same: true })
  assert.deepEqual(errors, [])
  await page.close()
})

test('SSD MobileNetV1 in the browser: two-shard weights over HTTP, detectAllFaces default, same as Node', { skip: noBrowser }, async (t) => {
  const { page, errors } = await openPage()
  const src = hasShared ? '/shared/testdata/decoded/faces.png' : null
  // ../shared/models holds face-api.js's two-shard SSD weights; models/ a one-file copy.
  const modelsUrl = hasShared ? '/shared/models' : '/models'
  const got = await page.evaluate(async ({ src, modelsUrl, pattern }) => {
    const { faceapi } = window
    await faceapi.nets.ssdMobilenetv1.loadFromUri(modelsUrl)
    let input
    if (src) {
      input = await window.loadImage(src)
    } else {
      input = new ImageData(new Uint8ClampedArray(pattern.data), pattern.width, pattern.height)
    }
    return (await faceapi.detectAllFaces(input)).map((f) => ({
      score: f.score, box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, imageWidth: f.imageWidth, imageHeight: f.imageHeight
    }))
  }, { src, modelsUrl, pattern: (({ data, width, height }) => ({ data: [...data], width, height }))(pattern(160, 120)) })
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  const expected = plain(await faceapi.detectAllFaces(hasShared ? readFileSync(sharedPath('testdata', 'decoded', 'faces.png')) : pattern(160, 120)))
  if (hasShared) assert.equal(expected.length, 6)
  assert.deepEqual(got, expected)
  t.diagnostic(`${expected.length} faces, identical to Node's`)
  assert.deepEqual(errors, [])
  await page.close()
})

test('face-api.js\'s DOM helpers in the page: fetchImage, bufferToImage, canvases from media, resizeResults', { skip: noBrowser || (hasShared ? false : '../shared not present; the page needs its images') }, async () => {
  const { page, errors } = await openPage()
  const result = await page.evaluate(async () => {
    const { faceapi } = window
    await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416 })
    const img = await faceapi.fetchImage('/shared/testdata/decoded/faces.png')
    const fromBlob = await faceapi.bufferToImage(await (await fetch('/shared/testdata/decoded/faces.png')).blob())
    const canvas = faceapi.createCanvasFromMedia(img)
    const square = faceapi.imageToSquare(img, 200, true)
    const manifest = await faceapi.fetchJson('/models/tiny_face_detector_model-weights_manifest.json')
    const faces = await faceapi.detectAllFaces(img, options)
    const display = faceapi.matchDimensions(document.createElement('canvas'), img, true)
    const resized = faceapi.resizeResults(faces, { width: display.width / 2, height: display.height / 2 })
    const box = (f) => [f.score, f.box.x, f.box.y, f.box.width, f.box.height]
    let typeError
    await faceapi.fetchImage('/models/tiny_face_detector_model-weights_manifest.json').catch((e) => { typeError = e.message })
    return {
      kinds: [img instanceof HTMLImageElement, fromBlob instanceof HTMLImageElement, canvas instanceof HTMLCanvasElement, faceapi.isMediaElement(img), faceapi.isMediaLoaded(img), faceapi.env.isBrowser()],
      dims: [img.naturalWidth, img.naturalHeight, canvas.width, canvas.height, square.width, square.height, display.width, display.height],
      manifestGroups: manifest.length,
      faces: faces.map(box),
      fromCanvas: (await faceapi.detectAllFaces(canvas, options)).map(box),
      resizedWidths: resized.map((f) => f.box.width),
      typeError
    }
  })
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const expected = (await faceapi.detectAllFaces(readFileSync(sharedPath('testdata', 'decoded', 'faces.png')), new faceapi.TinyFaceDetectorOptions({ inputSize: 416 })))
    .map((f) => [f.score, f.box.x, f.box.y, f.box.width, f.box.height])
  assert.deepEqual(result.kinds, [true, true, true, true, true, true])
  const [w, h] = result.dims
  assert.deepEqual(result.dims, [w, h, w, h, 200, 200, w, h])
  assert.equal(result.manifestGroups, 1)
  assert.deepEqual(result.faces, expected)
  assert.deepEqual(result.fromCanvas, expected)
  result.resizedWidths.forEach((width, i) => assert.ok(Math.abs(width - expected[i][3] / 2) < 1e-9))
  assert.match(result.typeError, /^fetchImage - expected blob type to be of type image\/\*, instead have: application\/json, for url: /)
  assert.deepEqual(errors, [])
  await page.close()
})

// Runs in the page: a pool of two module workers (the demo's) detecting faces
// in several images at once, and the main thread on the same images.
async function poolInPage ({ src, copies }) {
  const { faceapi } = window
  const { FaceApiWorkerPool } = await import('/js/worker.mjs')
  const img = await window.loadImage(src)
  const canvas = window.canvasWith(img)
  const ctx = canvas.getContext('2d')
  // each copy mirrored differently, so each run has an image of its own
  const images = []
  for (let k = 0; k < copies; k++) {
    ctx.setTransform(k & 1 ? -1 : 1, 0, 0, k & 2 ? -1 : 1, k & 1 ? canvas.width : 0, k & 2 ? canvas.height : 0)
    ctx.drawImage(img, 0, 0)
    images.push(ctx.getImageData(0, 0, canvas.width, canvas.height))
  }
  const task = { detector: 'tinyFaceDetector', options: { inputSize: 320 } }
  const plainFaces = (faces) => faces.map((f) => ({ score: f.score, box: [f.box.x, f.box.y, f.box.width, f.box.height], isFaceDetection: f instanceof faceapi.FaceDetection }))
  const workerUrl = new URL('/demo/worker.mjs', location.href)
  const pool = new FaceApiWorkerPool([new Worker(workerUrl, { type: 'module' }), new Worker(workerUrl, { type: 'module' })])
  await pool.load('tinyFaceDetector', '/models')
  const inPool = (await Promise.all(images.map((image) => pool.run(image, task)))).map(plainFaces)
  pool.terminate()
  await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 320 })
  const onMain = []
  for (const image of images) onMain.push(plainFaces(await faceapi.detectAllFaces(image, options)))
  return { inPool, onMain, size: pool.size }
}

test('FaceApiWorkerPool: two module workers detect in several images at once, as the main thread does', { skip: noBrowser }, async (t) => {
  const { page, errors } = await openPage()
  const { src } = await testImage(page)
  const { inPool, onMain, size } = await page.evaluate(poolInPage, { src, copies: 4 })
  assert.equal(size, 2)
  assert.equal(inPool.length, 4)
  assert.deepEqual(inPool, onMain)
  if (hasShared) assert.ok(onMain.every((faces) => faces.length > 0), 'faces found in every copy')
  t.diagnostic(`faces per copy: ${onMain.map((faces) => faces.length).join(', ')}`)
  assert.deepEqual(errors, [])
  await page.close()
})
