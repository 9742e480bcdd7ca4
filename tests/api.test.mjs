// Behaviour of the face-api.js API beyond the nets: weight maps and in-memory
// manifests, batched low-level calls, fetchImage / fetchJson / bufferToImage in
// Node (file: URLs and a local server), option validation messages,
// resizeResults, env.monkeyPatch with a canvas implementation, box ops.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

import * as faceapi from '../js/index.mjs'
import { serveStatic } from '../tools/static_server.mjs'
import { assertSameDetections, modelsDir, sharedMissing, sharedPath } from './shared.mjs'

const image = (name) => sharedPath('testdata', 'images', name)
const plain = (detections) => detections.map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }))

let server
before(async () => {
  if (!sharedMissing) server = await serveStatic({ '/models/': modelsDir, '/images/': sharedPath('testdata', 'images') })
  await Promise.all(['tinyFaceDetector', 'ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet', 'faceExpressionNet', 'ageGenderNet']
    .map((key) => faceapi.nets[key].loadFromDisk(modelsDir)))
})
after(() => server?.close())

test('loadFromWeightMap(loadWeightMap(...)) and loadFromManifest give the same detections as loadFromDisk', { skip: sharedMissing }, async () => {
  const input = image('faces.jpg')
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416 })
  const expected = plain(await faceapi.nets.tinyFaceDetector.locateFaces(input, options))
  assert.ok(expected.length > 0)

  const weightMap = await faceapi.loadWeightMap(modelsDir, 'tiny_face_detector_model')
  const fromMap = new faceapi.TinyFaceDetector()
  await fromMap.loadFromWeightMap(weightMap)
  assert.deepEqual(plain(await fromMap.locateFaces(input, options)), expected)

  // tf.Tensor-like values (shape, dtype, dataSync()) hold the dequantized floats only, without
  // the 8-bit codes, so the 1x1 convolutions take the float path instead of the integer one:
  // the same faces within the reference tests' tolerances
  const tensors = Object.fromEntries(Object.entries(weightMap).map(([name, t]) => [name, { shape: t.shape, dtype: t.dtype, dataSync: () => t.data }]))
  const fromTensors = new faceapi.TinyFaceDetector()
  await fromTensors.loadFromWeightMap(tensors)
  assertSameDetections(plain(await fromTensors.locateFaces(input, options)), expected, 'tf.Tensor-like weight map')

  // the manifest and its shards' bytes, by path or in order (SSD has two shards)
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'))
  const byPath = Object.fromEntries(manifest.flatMap((g) => g.paths).map((p) => [p, readFileSync(path.join(modelsDir, p)).buffer]))
  const fromManifest = new faceapi.TinyFaceDetector()
  await fromManifest.loadFromManifest(manifest, byPath)
  assert.deepEqual(plain(await fromManifest.locateFaces(input, options)), expected)

  const ssdDir = sharedPath('models') // face-api.js's own layout: SSD in two shards
  const ssdManifest = readFileSync(path.join(ssdDir, 'ssd_mobilenetv1_model-weights_manifest.json'), 'utf8')
  const ssdShards = JSON.parse(ssdManifest).flatMap((g) => g.paths).map((p) => new Uint8Array(readFileSync(path.join(ssdDir, p))))
  assert.equal(ssdShards.length, 2)
  const ssd = new faceapi.SsdMobilenetv1()
  await ssd.loadFromManifest(ssdManifest, ssdShards)
  assert.deepEqual(plain(await ssd.locateFaces(input)), plain(await faceapi.locateFaces(input)))
  for (const net of [fromMap, fromTensors, fromManifest, ssd]) net.dispose()
})

test('bad weight maps and manifests give clear errors', async () => {
  const net = new faceapi.TinyFaceDetector()
  await assert.rejects(net.loadFromWeightMap({}), /loadFromWeightMap - expected a non-empty weight map/)
  await assert.rejects(net.loadFromWeightMap({ 'conv0/filters': { data: new Float32Array(3), shape: [2, 2] } }),
    /tensor 'conv0\/filters' has 3 values; shape \[2,2\] needs 4/)
  const weightMap = await faceapi.loadWeightMap(modelsDir, 'tiny_face_detector_model')
  const name = Object.keys(weightMap)[0]
  const wrong = { ...weightMap, [name]: { data: new Float32Array(1), shape: [1] } }
  await assert.rejects(net.loadFromWeightMap(wrong), new RegExp(name.replace('/', '\\/')))
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'))
  await assert.rejects(net.loadFromManifest(manifest, {}), /no ArrayBuffer or Uint8Array for shard 'tiny_face_detector_model.bin'/)
  assert.equal(net.isLoaded, false)
})

test('low-level calls over an array of inputs equal the calls on each', { skip: sharedMissing }, async () => {
  const scenes = [image('faces.jpg'), image('face1.png')]
  for (const detect of [faceapi.ssdMobilenetv1, faceapi.tinyFaceDetector, faceapi.locateFaces]) {
    const batch = await detect(scenes)
    assert.equal(batch.length, 2)
    for (const [i, scene] of scenes.entries()) assert.deepEqual(plain(batch[i]), plain(await detect(scene)))
  }
  const faces = [image('angry_cropped.jpg'), image('surprised_cropped.jpg')]
  const calls = [
    [faceapi.detectLandmarks, (l) => l.positions.map((p) => [p.x, p.y])],
    [faceapi.computeFaceDescriptor, (d) => Array.from(d)],
    [faceapi.recognizeFaceExpressions, (e) => e.asSortedArray()],
    [faceapi.predictAgeAndGender, (r) => r],
    [(x) => faceapi.nets.faceExpressionNet.predictExpressions(x), (e) => e.asSortedArray()]
  ]
  for (const [call, view] of calls) {
    const batch = await call(faces)
    assert.equal(batch.length, 2)
    for (const [i, face] of faces.entries()) assert.deepEqual(view(batch[i]), view(await call(face)))
  }
  await assert.rejects(faceapi.locateFaces([]), /empty array passed as input/)
})

test('fetchJson, fetchImage and bufferToImage in Node: file: URLs and HTTP', { skip: sharedMissing }, async () => {
  const manifestFile = path.join(modelsDir, 'tiny_face_detector_model-weights_manifest.json')
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))
  assert.deepEqual(await faceapi.fetchJson(pathToFileURL(manifestFile).href), manifest)
  assert.deepEqual(await faceapi.fetchJson(`${server.url}/models/tiny_face_detector_model-weights_manifest.json`), manifest)

  const fromFile = await faceapi.fetchImage(pathToFileURL(image('faces.jpg')))
  const fromHttp = await faceapi.fetchImage(`${server.url}/images/faces.jpg`)
  const fromBlob = await faceapi.bufferToImage(new Blob([readFileSync(image('faces.jpg'))]))
  for (const pixels of [fromFile, fromHttp, fromBlob]) {
    assert.ok(pixels.data instanceof Uint8ClampedArray)
    assert.equal(pixels.data.length, pixels.width * pixels.height * 4)
  }
  assert.deepEqual(fromHttp, fromFile)
  assert.deepEqual(fromBlob, fromFile)
  const expected = plain(await faceapi.detectAllFaces(image('faces.jpg')))
  assert.deepEqual(plain(await faceapi.detectAllFaces(fromHttp)), expected)

  // face-api.js's messages
  await assert.rejects(faceapi.fetchImage(`${server.url}/models/tiny_face_detector_model-weights_manifest.json`),
    { message: `fetchImage - expected blob type to be of type image/*, instead have: application/json, for url: ${server.url}/models/tiny_face_detector_model-weights_manifest.json` })
  await assert.rejects(faceapi.fetchJson(`${server.url}/models/nothing.json`),
    { message: `failed to fetch: (404) Not Found, from url: ${server.url}/models/nothing.json` })
  await assert.rejects(faceapi.fetchOrThrow(pathToFileURL(path.join(modelsDir, 'nothing.json'))), /failed to fetch: \(404\)/)
  await assert.rejects(faceapi.bufferToImage('not a blob'), { message: 'bufferToImage - expected buf to be of type: Blob' })
  // in Node a plain path is no URL: said so, with what to do instead
  await assert.rejects(faceapi.fetchImage(image('faces.jpg')), /is not an absolute URL \(in Node, give a file path to the detection functions/)
  await assert.rejects(faceapi.fetchOrThrow('/dev/zero'), /not an absolute URL/)
  await assert.rejects(faceapi.fetchOrThrow('file:///dev/zero'), /failed to fetch: \(404\) not a regular file/)

  // models load from the server and from file: URLs too
  const net = new faceapi.TinyFaceDetector()
  await net.loadFromUri(`${server.url}/models`)
  assert.deepEqual(plain(await net.locateFaces(fromFile)), plain(await faceapi.tinyFaceDetector(fromFile)))
  await net.load(pathToFileURL(modelsDir).href)
  assert.ok(net.isLoaded)
  net.dispose()
})

test('option classes: face-api.js\'s defaults and validation messages', async () => {
  // The messages face-api.js 0.22.2 throws (TinyFaceDetectorOptions reports itself as TinyYolov2Options, as there).
  const cases = [
    [() => new faceapi.TinyFaceDetectorOptions({ inputSize: 100 }), 'TinyYolov2Options - expected inputSize to be a number divisible by 32'],
    [() => new faceapi.TinyFaceDetectorOptions({ scoreThreshold: 1.5 }), 'TinyYolov2Options - expected scoreThreshold to be a number between 0 and 1'],
    [() => new faceapi.SsdMobilenetv1Options({ minConfidence: 2 }), 'SsdMobilenetv1Options - expected minConfidence to be a number between 0 and 1'],
    [() => new faceapi.SsdMobilenetv1Options({ maxResults: '5' }), 'SsdMobilenetv1Options - expected maxResults to be a number'],
    [() => new faceapi.MtcnnOptions({ minFaceSize: -1 }), 'MtcnnOptions - expected minFaceSize to be a number > 0'],
    [() => new faceapi.MtcnnOptions({ scaleFactor: 2 }), 'MtcnnOptions - expected scaleFactor to be a number between 0 and 1'],
    [() => new faceapi.MtcnnOptions({ maxNumScales: -1 }), 'MtcnnOptions - expected maxNumScales to be a number > 0'],
    [() => new faceapi.MtcnnOptions({ scoreThresholds: [0.5] }), 'MtcnnOptions - expected scoreThresholds to be an array of numbers of length 3'],
    [() => new faceapi.MtcnnOptions({ scaleSteps: ['a'] }), 'MtcnnOptions - expected scaleSteps to be an array of numbers']
  ]
  for (const [make, message] of cases) assert.throws(make, { message })
  const tiny = new faceapi.TinyFaceDetectorOptions()
  const ssd = new faceapi.SsdMobilenetv1Options()
  const mtcnn = new faceapi.MtcnnOptions()
  assert.deepEqual([tiny.inputSize, tiny.scoreThreshold], [416, 0.5])
  assert.deepEqual([ssd.minConfidence, ssd.maxResults], [0.5, 100])
  assert.deepEqual([mtcnn.minFaceSize, mtcnn.scaleFactor, mtcnn.maxNumScales, mtcnn.scoreThresholds, mtcnn.scaleSteps],
    [20, 0.709, 10, [0.6, 0.7, 0.7], undefined])
  await assert.rejects(async () => faceapi.detectAllFaces({ data: new Uint8Array(4), width: 1, height: 1 }, { inputSize: 320 }),
    { message: 'detectFaces - expected options to be instance of TinyFaceDetectorOptions | SsdMobilenetv1Options | MtcnnOptions | TinyYolov2Options' })
})

test('resizeResults and matchDimensions rescale every result kind', { skip: sharedMissing }, async () => {
  const input = image('faces.jpg')
  const results = await faceapi.detectAllFaces(input).withFaceLandmarks().withFaceExpressions()
  const { imageWidth, imageHeight } = results[0].detection
  const display = faceapi.matchDimensions({ width: 0, height: 0 }, { width: imageWidth / 2, height: imageHeight / 4 })
  assert.deepEqual(display, { width: imageWidth / 2, height: imageHeight / 4 })
  const resized = faceapi.resizeResults(results, display)
  const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`)
  for (const [i, r] of resized.entries()) {
    const before = results[i]
    close(r.detection.box.x, before.detection.box.x / 2)
    close(r.detection.box.height, before.detection.box.height / 4)
    // face-api.js: the unshifted landmarks (relative to the face crop) stretched over the resized box
    const { x, y, width, height } = r.detection.box
    r.landmarks.positions.forEach((p, k) => {
      const rel = before.unshiftedLandmarks.relativePositions[k]
      close(p.x, x + rel.x * width)
      close(p.y, y + rel.y * height)
      assert.ok(Math.abs(p.x - before.landmarks.positions[k].x / 2) < 1 && Math.abs(p.y - before.landmarks.positions[k].y / 4) < 1)
    })
    assert.equal(r.expressions, before.expressions)
    assert.ok(faceapi.isWithFaceLandmarks(r) && faceapi.isWithFaceExpressions(r) && !faceapi.isWithAge(r))
  }
  const single = faceapi.resizeResults(results[0].detection, display)
  assert.ok(single instanceof faceapi.FaceDetection)
  close(single.box.width, results[0].detection.box.width / 2)
  assert.throws(() => faceapi.resizeResults(results, { width: 0, height: 10 }), /resizeResults - invalid dimensions/)
})

test('env: canvas helpers need a canvas implementation in Node; a monkey-patched one serves them and its canvases are inputs', async () => {
  assert.equal(faceapi.env.isNodejs(), true)
  assert.equal(faceapi.env.isBrowser(), false)
  assert.throws(() => faceapi.createCanvas({ width: 2, height: 2 }), /createCanvasElement - missing Canvas implementation for nodejs environment/)

  // A minimal canvas library: pixels are kept in an ImageData-like buffer.
  class FakeImageData { constructor (data, width, height) { Object.assign(this, { data, width, height }) } }
  class FakeCanvas {
    constructor () { this.width = 0; this.height = 0; this.pixels = null }
    data () { return null } // as @napi-rs/canvas's Canvas has: still a canvas, not RGBA pixels
    getContext () {
      return {
        canvas: this,
        fillRect () {},
        getImageData: (x, y, w, h) => new FakeImageData(this.pixels.data, w, h),
        putImageData: (imageData) => { this.pixels = imageData },
        createImageData: (w, h) => new FakeImageData(new Uint8ClampedArray(w * h * 4), w, h),
        drawImage: () => {}
      }
    }
  }
  class FakeImage {}
  faceapi.env.monkeyPatch({ Canvas: FakeCanvas, Image: FakeImage, ImageData: FakeImageData })
  const canvas = faceapi.createCanvas({ width: 3, height: 2 })
  assert.ok(canvas instanceof FakeCanvas)
  assert.deepEqual([canvas.width, canvas.height], [3, 2])
  assert.ok(faceapi.isMediaElement(canvas))

  const pixels = { data: new Uint8ClampedArray(64 * 48 * 4).map((_, i) => (i * 37) & 255), width: 64, height: 48 }
  const fromPixels = faceapi.createCanvasFromMedia(pixels)
  assert.deepEqual([fromPixels.width, fromPixels.height], [64, 48])
  assert.deepEqual(fromPixels.pixels.data, pixels.data)
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 128, scoreThreshold: 0.01 })
  assert.deepEqual(plain(await faceapi.detectAllFaces(fromPixels, options)), plain(await faceapi.detectAllFaces(pixels, options)))
  assert.deepEqual(faceapi.getMediaDimensions(fromPixels), new faceapi.Dimensions(64, 48))
})

test('box operations and utils behave as face-api.js\'s', () => {
  const a = new faceapi.Rect(0, 0, 10, 10)
  const b = new faceapi.Rect(5, 0, 10, 10)
  assert.equal(faceapi.iou(a, b), 50 / 150)
  assert.equal(faceapi.iou(a, b, false), 0.5)
  assert.deepEqual(faceapi.nonMaxSuppression([a, b, new faceapi.Rect(20, 20, 5, 5)], [0.9, 0.8, 0.7], 0.3), [0, 2])
  assert.deepEqual(faceapi.nonMaxSuppression([a, b], [0.6, 0.8], 0.5), [1, 0])
  const box = faceapi.minBbox([new faceapi.Point(2, 3), new faceapi.Point(5, 1)])
  assert.deepEqual([box.left, box.top, box.right, box.bottom], [2, 1, 5, 3])
  assert.equal(faceapi.sigmoid(faceapi.inverseSigmoid(0.25)).toFixed(12), '0.250000000000')
  assert.deepEqual(faceapi.shuffleArray([1, 2, 3, 4]).sort(), [1, 2, 3, 4])
  assert.equal(faceapi.utils.round(0.6789), 0.67)
  assert.deepEqual(faceapi.utils.computeReshapedDimensions({ width: 640, height: 480 }, 416), new faceapi.Dimensions(416, 312))
  assert.deepEqual(faceapi.utils.range(3, 1, 2), [1, 3, 5])
  assert.equal(faceapi.utils.isValidProbablitiy(1.2), false)
  const labeled = new faceapi.PredictedBox({ x: 1, y: 2, width: 3, height: 4 }, 7, 0.9, 0.8)
  assert.deepEqual([labeled.label, labeled.score, labeled.classScore, labeled.area], [7, 0.9, 0.8, 12])
  // numeric strings, taken by face-api.js, become numbers
  const fromStrings = new faceapi.Box({ x: '1', y: '2', width: '3', height: '4' })
  assert.deepEqual([fromStrings.right, fromStrings.bottom], [4, 6])
  assert.equal(new faceapi.Dimensions('640', '480').width, 640)
  assert.throws(() => new faceapi.Box({ x: 'a', y: 1, width: 1, height: 1 }), /expected box to be IBoundingBox \| IRect/)
  // MTCNN's box helpers, as face-api.js computes them (its left-border case sets edy too)
  assert.deepEqual(new faceapi.Box({ x: -2, y: 5, width: 10, height: 10 }).padAtBorders(12, 6),
    { dy: 1, edy: 4, dx: 1, edx: 9, y: 5, ey: 12, x: 1, ex: 6, w: 11, h: 11 })
  const calibrated = new faceapi.Box({ x: 10, y: 10, width: 20, height: 30 }).calibrate({ left: 0.1, top: -0.1, right: 0.2, bottom: 0 })
  assert.deepEqual([calibrated.x, calibrated.y, calibrated.width, calibrated.height], [7, 7, 33, 33])
})

test('draw.drawContour makes the path face-api.js makes, down to no points and one point', () => {
  const record = () => {
    const calls = []
    const ctx = {}
    for (const name of ['beginPath', 'moveTo', 'lineTo', 'stroke']) ctx[name] = (...args) => calls.push([name, ...args])
    return { ctx, calls }
  }
  const drawn = (points, isClosed) => {
    const { ctx, calls } = record()
    faceapi.draw.drawContour(ctx, points, isClosed)
    return calls
  }
  const [p, q] = [new faceapi.Point(1, 2), new faceapi.Point(3, 4)]
  assert.deepEqual(drawn([p, q], true), [['beginPath'], ['moveTo', 1, 2], ['lineTo', 3, 4], ['moveTo', 3, 4], ['lineTo', 1, 2], ['stroke']])
  assert.deepEqual(drawn([p, q], false), [['beginPath'], ['moveTo', 1, 2], ['lineTo', 3, 4], ['stroke']])
  assert.deepEqual(drawn([p], true), [['beginPath'], ['moveTo', 1, 2], ['lineTo', 1, 2], ['stroke']])
  assert.deepEqual(drawn([], true), [['beginPath']])
  assert.deepEqual(drawn([], false), [['beginPath'], ['stroke']])
})

test('detectAllFaces and detectSingleFace given an array: a clear error (face-api.js answers for the first image)', async () => {
  const pixels = { data: new Uint8Array(8 * 8 * 4), width: 8, height: 8 }
  await assert.rejects(faceapi.detectAllFaces([pixels, pixels]).run(), /take one image; for several, call them once per image/)
  await assert.rejects(faceapi.detectSingleFace([pixels]).withFaceLandmarks().run(), /take one image/)
})
