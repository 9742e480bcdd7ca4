// SSD MobileNetV1 against face-api.js 0.22.2's outputs (../shared/reference), fed
// the exact pixels the reference decoded (testdata/decoded/*.png).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { assertSameDetections, modelsDir, readReference, repoRoot, sharedMissing, sharedPath } from './shared.mjs'

const decoded = (name) => readFileSync(sharedPath('testdata', 'decoded', `${name}.png`))

test('SSD MobileNetV1 matches face-api.js on every test image (detectAllFaces without options)', { skip: sharedMissing }, async (t) => {
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  const images = readdirSync(sharedPath('testdata', 'images'))
  assert.ok(images.length >= 9)
  let worstBox = 0
  let worstScore = 0
  for (const file of images) {
    const name = path.parse(file).name
    const reference = readReference(name)
    const ours = await faceapi.detectAllFaces(decoded(name))
    const worst = assertSameDetections(ours, reference.ssd, name)
    worstBox = Math.max(worstBox, worst.worstBox)
    worstScore = Math.max(worstScore, worst.worstScore)
    for (const face of ours) {
      assert.equal(face.imageWidth, reference.width)
      assert.equal(face.imageHeight, reference.height)
    }
  }
  t.diagnostic(`largest box edge difference ${worstBox.toExponential(2)} px, largest score difference ${worstScore.toExponential(2)}`)
})

// face-api.js's own test of this net on faces.jpg (test/tests/ssdMobilenetv1/
// ssdMobilenetv1.locateFaces.test.ts, quantized weights, and its expectedBoxes.ts),
// with its tolerances: the boxes sorted by distance of their corner to the origin.
const FACEAPI_EXPECTED_BOXES = [
  { x: 48, y: 253, width: 104, height: 129 },
  { x: 260, y: 227, width: 76, height: 117 },
  { x: 466, y: 165, width: 88, height: 130 },
  { x: 234, y: 36, width: 84, height: 119 },
  { x: 577, y: 65, width: 84, height: 105 },
  { x: 84, y: 14, width: 79, height: 132 }
]
const byDistanceToOrigin = (boxes) => [...boxes].sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y))

for (const { minConfidence, count, scores, maxBoxDelta } of [
  { minConfidence: 0.5, count: 6, scores: [0.54, 0.81, 0.97, 0.88, 0.84, 0.61], maxBoxDelta: 5 },
  { minConfidence: 0.7, count: 4, scores: [-1, 0.81, 0.97, 0.88, 0.84, -1], maxBoxDelta: 4 }
]) {
  test(`faces.jpg: face-api.js's own expectations at minConfidence ${minConfidence}`, { skip: sharedMissing }, async () => {
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
    const faces = await faceapi.detectAllFaces(decoded('faces'), new faceapi.SsdMobilenetv1Options({ minConfidence }))
    assert.equal(faces.length, count)
    const sorted = faces.map((f) => ({ score: f.score, x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }))
      .sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y))
    const expected = byDistanceToOrigin(FACEAPI_EXPECTED_BOXES).map((box, i) => ({ ...box, score: scores[i] })).filter((e) => e.score !== -1)
    expected.forEach((e, i) => {
      const got = sorted[i]
      assert.ok(Math.abs(got.score - e.score) < 0.05, `face ${i}: score ${got.score} vs ${e.score}`)
      for (const k of ['x', 'y', 'width', 'height']) assert.ok(Math.abs(got[k] - e[k]) < maxBoxDelta, `face ${i}: ${k} ${got[k]} vs ${e[k]}`)
    })
  })
}

test('maxResults caps the detections in score order; detectSingleFace defaults to SSD', { skip: sharedMissing }, async () => {
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  const input = decoded('faces')
  const all = await faceapi.detectAllFaces(input)
  const two = await faceapi.detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ maxResults: 2 }))
  assert.deepEqual(two.map((f) => f.score), all.slice(0, 2).map((f) => f.score))
  const single = await faceapi.detectSingleFace(input)
  assert.equal(single.score, Math.max(...all.map((f) => f.score)))
  assert.equal(await faceapi.detectSingleFace(decoded('white')), undefined)
})

test('SsdMobilenetv1Options: face-api.js defaults and validation', () => {
  const defaults = new faceapi.SsdMobilenetv1Options()
  assert.equal(defaults.minConfidence, 0.5)
  assert.equal(defaults.maxResults, 100)
  for (const minConfidence of [1, 1.5, -0.2, '0.5']) {
    assert.throws(() => new faceapi.SsdMobilenetv1Options({ minConfidence }),
      { message: 'SsdMobilenetv1Options - expected minConfidence to be a number between 0 and 1' })
  }
  assert.throws(() => new faceapi.SsdMobilenetv1Options({ maxResults: '5' }),
    { message: 'SsdMobilenetv1Options - expected maxResults to be a number' })
})

test('SSD before loading, or from a missing folder, gives clear errors', async () => {
  const net = new faceapi.SsdMobilenetv1()
  await assert.rejects(net.locateFaces({ data: new Uint8Array(4), width: 1, height: 1 }), /SsdMobilenetv1 - load model before inference/)
  await assert.rejects(net.forward({ data: new Uint8Array(4), width: 1, height: 1 }), /SsdMobilenetv1 - load model before inference/)
  await assert.rejects(net.loadFromDisk(path.join(repoRoot, 'no-such-folder')), /cannot read .*ssd_mobilenetv1_model-weights_manifest\.json: no such file/)
  await assert.rejects(faceapi.detectAllFaces({ data: new Uint8Array(4), width: 1, height: 1 }, { minConfidence: 0.5 }).run(),
    /expected options to be instance of TinyFaceDetectorOptions \| SsdMobilenetv1Options \| MtcnnOptions/)
})

test('SSD refuses another net\'s weights, naming the missing tensor', { skip: sharedMissing }, async () => {
  const net = new faceapi.SsdMobilenetv1()
  await assert.rejects(net.loadFromDisk(path.join(modelsDir, 'tiny_face_detector_model-weights_manifest.json')),
    /ssd_mobilenetv1: tensor 'MobilenetV1\/Conv2d_0_pointwise\/weights' is missing/)
  assert.equal(net.isLoaded, false)
})

test('SSD on a tiny and a very elongated image gives no error', { skip: sharedMissing }, async () => {
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  for (const [width, height] of [[1, 1], [1, 700], [900, 2]]) {
    const data = new Uint8Array(width * height * 4).fill(128)
    const faces = await faceapi.detectAllFaces({ data, width, height })
    assert.ok(Array.isArray(faces))
  }
})

// Raw outputs before NMS against face-api.js's own (the harness's --raw dump,
// made by tools/ssd-raw-reference.mjs; too slow to make inside a test).
const RAW_DIR = process.env.FACEWASM_SSD_RAW_DIR || path.join(repoRoot, 'build', 'reference')
const rawFiles = existsSync(RAW_DIR) ? readdirSync(RAW_DIR).filter((f) => /^ssd_mobilenetv1-raw-.*\.json$/.test(f)) : []
const rawMissing = sharedMissing ||
  (rawFiles.length === 0 && `no face-api.js raw SSD dump in ${RAW_DIR}; make it with \`make reference-raw\` (runs the reference harness, about a minute per image)`)
// Normalized error: max |ours - face-api.js| / max |face-api.js| over a whole tensor.
const RAW_TOLERANCE = 1e-4

// The int16 path (the default; 1x1 convs on quantised activations) is checked at the detection
// level above; its raw outputs are measured against face-api.js with a bound of their own.
const RAW_TOLERANCE_INT16 = 1e-3
for (const [precision, tolerance] of [['float32', RAW_TOLERANCE], ['int16', RAW_TOLERANCE_INT16]]) {
test(`raw SSD outputs (box encodings, class logits, decoded boxes, scores) match face-api.js, ${precision} path`, { skip: rawMissing }, async (t) => {
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  const net = faceapi.nets.ssdMobilenetv1
  const before = net.precision
  net.setPrecision(precision)
  t.after(() => net.setPrecision(before))
  for (const file of rawFiles) {
    const reference = JSON.parse(readFileSync(path.join(RAW_DIR, file), 'utf8'))
    const name = path.parse(reference.image).name
    const ours = await net.forward(decoded(name))
    for (const [tensor, { shape, values }] of Object.entries(reference.outputs)) {
      assert.equal(ours[tensor].length, values.length, `${name} ${tensor} [${shape}]: ${ours[tensor].length} values`)
      let error = 0
      let scale = 0
      for (let i = 0; i < values.length; i++) {
        error = Math.max(error, Math.abs(ours[tensor][i] - values[i]))
        scale = Math.max(scale, Math.abs(values[i]))
      }
      const normalized = error / scale
      t.diagnostic(`${name} ${tensor}: max error ${error.toExponential(2)}, normalized ${normalized.toExponential(2)}`)
      assert.ok(normalized <= tolerance, `${name} ${tensor}: normalized error ${normalized} > ${tolerance}`)
    }
  }
})
}

test('SsdMobilenetv1.setPrecision accepts int16 and float32 only', () => {
  const net = new faceapi.SsdMobilenetv1()
  assert.equal(net.precision, 'int16')
  net.setPrecision('float32')
  assert.equal(net.precision, 'float32')
  assert.throws(() => net.setPrecision('int8'), /expected 'int16' or 'float32'/)
})
