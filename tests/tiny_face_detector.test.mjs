// Tiny Face Detector against face-api.js 0.22.2's outputs (../shared/reference),
// fed the exact pixels the reference decoded (testdata/decoded/*.png).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { assertSameDetections, modelsDir, readReference, sharedMissing, sharedPath } from './shared.mjs'

const INPUT_SIZES = [128, 160, 224, 320, 416, 512, 608]

test('Tiny Face Detector matches face-api.js on every test image and input size', { skip: sharedMissing }, async (t) => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const images = readdirSync(sharedPath('testdata', 'images'))
  assert.ok(images.length >= 9)
  let worstBox = 0
  let worstScore = 0
  for (const file of images) {
    const name = path.parse(file).name
    const reference = readReference(name)
    const pixels = readFileSync(sharedPath('testdata', 'decoded', `${name}.png`))
    for (const inputSize of INPUT_SIZES) {
      const ours = await faceapi.detectAllFaces(pixels, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 }))
      const expected = reference.tiny[String(inputSize)]
      const worst = assertSameDetections(ours, expected, `${name} @${inputSize}`)
      worstBox = Math.max(worstBox, worst.worstBox)
      worstScore = Math.max(worstScore, worst.worstScore)
      for (const face of ours) {
        assert.equal(face.imageWidth, reference.width)
        assert.equal(face.imageHeight, reference.height)
      }
    }
  }
  t.diagnostic(`wasm build: ${faceapi.wasmFlavor()}${process.env.FACEWASM_WASM ? ` (${process.env.FACEWASM_WASM})` : ''}`)
  t.diagnostic(`largest box edge difference ${worstBox.toExponential(2)} px, largest score difference ${worstScore.toExponential(2)}`)
})

test('faces.jpg: the six faces at inputSize 416', { skip: sharedMissing }, async () => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const faces = await faceapi.detectAllFaces(sharedPath('testdata', 'decoded', 'faces.png'),
    new faceapi.TinyFaceDetectorOptions({ inputSize: 416 }))
  assert.equal(faces.length, 6)
})

test('detectSingleFace returns the highest-scoring face', { skip: sharedMissing }, async () => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  const input = sharedPath('testdata', 'decoded', 'faces.png')
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 320 })
  const all = await faceapi.detectAllFaces(input, options)
  const single = await faceapi.detectSingleFace(input, options)
  assert.equal(single.score, Math.max(...all.map((f) => f.score)))
  assert.equal(await faceapi.detectSingleFace(sharedPath('testdata', 'decoded', 'white.png'), options), undefined)
})

test('raw head output has one 25-value cell per anchor grid position, all finite', { skip: sharedMissing }, async () => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  for (const inputSize of [128, 416]) {
    const raw = await faceapi.nets.tinyFaceDetector.forward(sharedPath('testdata', 'decoded', 'face1.png'), inputSize)
    assert.equal(raw.length, (inputSize / 32) ** 2 * 25)
    assert.ok(raw.every(Number.isFinite))
  }
})
