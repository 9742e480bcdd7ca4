// MTCNN against face-api.js 0.22.2's outputs (../shared/reference, `mtcnn` entries)
// and face-api.js's own expected landmarks (testdata/expected/mtcnnFaceLandmarkPositions.json).
// MTCNN's weights are not in the npm package: they come from ../shared/models.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { edgeError, hasShared, pairFaces, readReference, repoRoot, sharedMissing, sharedPath } from './shared.mjs'

const BOX_TOLERANCE_PX = 1.0
const SCORE_TOLERANCE = 0.01
const LANDMARK_TOLERANCE_PX = 1.0

const mtcnnModels = hasShared ? sharedPath('models') : null
const skip = sharedMissing ||
  (existsSync(path.join(mtcnnModels, 'mtcnn_model-weights_manifest.json')) ? false : `no mtcnn_model-weights_manifest.json in ${mtcnnModels}; MTCNN tests skipped`)
const decoded = (name) => sharedPath('testdata', 'decoded', `${name}.png`)
const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y)

let loaded = null
const load = () => (loaded ??= faceapi.nets.mtcnn.loadFromDisk(mtcnnModels))

/** Box edges, and width and height too (MTCNN squares and rounds its boxes). */
const boxError = (a, b) => Math.max(edgeError(a, b), Math.abs(a.width - b.width), Math.abs(a.height - b.height))

/** Pairs each reference face with one of ours (pairFaces) and checks box, score and landmarks. */
function assertSameResults (ours, reference, label, worst) {
  assert.equal(ours.length, reference.length, `${label}: ${ours.length} faces, face-api.js found ${reference.length}`)
  for (const [ref, best, bestError] of pairFaces(ours.map((r) => r.detection.box), reference, boxError)) {
    const { detection, landmarks } = ours[best]
    const at = `${label}: face at (${ref.box.x.toFixed(1)}, ${ref.box.y.toFixed(1)})`
    assert.ok(bestError <= BOX_TOLERANCE_PX, `${at} box off by ${bestError.toFixed(3)} px`)
    const scoreError = Math.abs(detection.score - ref.score)
    assert.ok(scoreError <= SCORE_TOLERANCE, `${at} score ${detection.score} vs face-api.js ${ref.score}`)
    assert.ok(landmarks instanceof faceapi.FaceLandmarks5)
    assert.equal(landmarks.positions.length, 5)
    const pointError = Math.max(...landmarks.positions.map((p, k) => Math.max(Math.abs(p.x - ref.landmarks5[k].x), Math.abs(p.y - ref.landmarks5[k].y))))
    assert.ok(pointError <= LANDMARK_TOLERANCE_PX, `${at} landmarks off by ${pointError.toFixed(3)} px`)
    worst.box = Math.max(worst.box, bestError)
    worst.score = Math.max(worst.score, scoreError)
    worst.landmarks = Math.max(worst.landmarks, pointError)
  }
}

test('MTCNN matches face-api.js on every test image (default options)', { skip }, async (t) => {
  await load()
  const images = readdirSync(sharedPath('testdata', 'images'))
  assert.ok(images.length >= 9)
  const worst = { box: 0, score: 0, landmarks: 0 }
  let faces = 0
  for (const file of images) {
    const name = path.parse(file).name
    const reference = readReference(name)
    const ours = await faceapi.nets.mtcnn.forward(decoded(name), new faceapi.MtcnnOptions())
    assertSameResults(ours, reference.mtcnn, name, worst)
    for (const { detection } of ours) {
      assert.ok(detection instanceof faceapi.FaceDetection)
      assert.equal(detection.imageWidth, reference.width)
      assert.equal(detection.imageHeight, reference.height)
    }
    faces += ours.length
  }
  assert.ok(faces >= 13)
  t.diagnostic(`${faces} faces; largest differences: box ${worst.box.toExponential(2)} px, score ${worst.score.toExponential(2)}, landmarks ${worst.landmarks.toExponential(2)} px`)
})

// faces.png mirrored: an O-Net candidate fails stage 3's threshold before kept faces, so
// face-api.js takes their landmark offsets from other candidates (see stage3 in csrc/nets/mtcnn.c).
const MIRRORED = path.join(repoRoot, 'build', 'reference', 'derived', 'faces-mirrored')
const mirroredSkip = skip || (existsSync(`${MIRRORED}.json`) ? false
  : `no face-api.js answers in ${MIRRORED}.json (made by 'make reference-data' with ../shared's harness)`)

test("MTCNN's landmarks as face-api.js's stage 3 picks them, when a candidate before a face fails (faces.png mirrored)", { skip: mirroredSkip }, async (t) => {
  await load()
  const reference = JSON.parse(readFileSync(`${MIRRORED}.json`, 'utf8'))
  const ours = await faceapi.nets.mtcnn.forward(`${MIRRORED}.png`, new faceapi.MtcnnOptions())
  const worst = { box: 0, score: 0, landmarks: 0 }
  assertSameResults(ours, reference.mtcnn, 'faces-mirrored', worst)
  assert.ok(ours.length >= 6)
  t.diagnostic(`largest differences: box ${worst.box.toExponential(2)} px, score ${worst.score.toExponential(2)}, landmarks ${worst.landmarks.toExponential(2)} px`)
})

// face-api.js's test/tests/mtcnn/mtcnn.forward.test.ts on faces.jpg: the options it tries, and
// its landmark deltas for weights loaded from the manifest. Results are paired with the
// expected landmarks by distance to the origin (of the box, of the first point), as it does.
const FACE_API_CASES = [
  { options: { minFaceSize: 20 }, maxLandmarksDelta: 10 },
  { options: { minFaceSize: 80 }, maxLandmarksDelta: 15 },
  { options: { maxNumScales: 10, scaleFactor: 0.8, scoreThresholds: [0.8, 0.8, 0.9], minFaceSize: 20 }, maxLandmarksDelta: 20 },
  { options: { scaleSteps: [0.6, 0.4, 0.2, 0.15, 0.1, 0.08, 0.02] }, maxLandmarksDelta: 15 }
]

test("faces.jpg meets face-api.js's expected MTCNN landmarks (mtcnnFaceLandmarkPositions.json)", { skip }, async (t) => {
  await load()
  const expected = JSON.parse(readFileSync(sharedPath('testdata', 'expected', 'mtcnnFaceLandmarkPositions.json'), 'utf8'))
  const origin = { x: 0, y: 0 }
  const expectedSorted = [...expected].sort((a, b) => distance(a[0], origin) - distance(b[0], origin))
  for (const { options, maxLandmarksDelta } of FACE_API_CASES) {
    const label = JSON.stringify(options)
    const results = await faceapi.nets.mtcnn.forward(decoded('faces'), options)
    assert.equal(results.length, 6, `${label}: ${results.length} faces`)
    const sorted = [...results].sort((a, b) => distance(a.detection.box, origin) - distance(b.detection.box, origin))
    let worst = 0
    sorted.forEach(({ landmarks }, i) => landmarks.positions.forEach((pt, j) => {
      const d = distance(pt, expectedSorted[i][j])
      worst = Math.max(worst, d)
      assert.ok(d < maxLandmarksDelta, `${label}: face ${i} point ${j} is ${d.toFixed(2)} px from face-api.js's, more than ${maxLandmarksDelta}`)
    }))
    t.diagnostic(`${label}: largest landmark distance ${worst.toFixed(2)} px (face-api.js allows ${maxLandmarksDelta})`)
  }
})

test('detectAllFaces / detectSingleFace with MtcnnOptions give the forward pass detections', { skip }, async () => {
  await load()
  const options = new faceapi.MtcnnOptions()
  const all = await faceapi.detectAllFaces(decoded('faces'), options)
  const forward = await faceapi.nets.mtcnn.forward(decoded('faces'), options)
  assert.equal(all.length, 6)
  assert.deepEqual(all.map((d) => [d.score, d.box.x, d.box.y, d.box.width, d.box.height]),
    forward.map(({ detection: d }) => [d.score, d.box.x, d.box.y, d.box.width, d.box.height]))
  assert.ok(all.every((d) => d instanceof faceapi.FaceDetection))
  const single = await faceapi.detectSingleFace(decoded('faces'), options)
  assert.equal(single.score, Math.max(...all.map((d) => d.score)))
  assert.equal(await faceapi.detectSingleFace(decoded('white'), options), undefined)
  const shorthand = await faceapi.mtcnn(decoded('faces'))
  assert.deepEqual(shorthand.map((r) => r.detection.score), forward.map((r) => r.detection.score))
})

test('MTCNN results carry face-api.js landmark objects: shifted, unshifted, aligned box', { skip }, async () => {
  await load()
  const [result] = await faceapi.nets.mtcnn.forward(decoded('face1'))
  const { detection, landmarks, unshiftedLandmarks, alignedRect } = result
  assert.ok(unshiftedLandmarks instanceof faceapi.FaceLandmarks5)
  assert.equal(landmarks.shift.x, detection.box.x)
  assert.equal(landmarks.shift.y, detection.box.y)
  assert.equal(landmarks.imageWidth, detection.box.width)
  landmarks.positions.forEach((p, k) => {
    assert.ok(Math.abs(p.x - unshiftedLandmarks.positions[k].x - detection.box.x) < 1e-9)
    assert.ok(Math.abs(p.y - unshiftedLandmarks.positions[k].y - detection.box.y) < 1e-9)
  })
  assert.ok(alignedRect instanceof faceapi.FaceDetection)
  assert.equal(alignedRect.score, detection.score)
  const resized = landmarks.forSize(2 * detection.box.width, 2 * detection.box.height)
  resized.relativePositions.forEach((p, k) => assert.ok(Math.abs(p.x - landmarks.relativePositions[k].x) < 1e-12))
})

test('P-Net raw output has the transposed pyramid-level shape and finite values', { skip }, async () => {
  await load()
  // P-Net sees the level floor(w * s) x floor(h * s) transposed: rows along the image's x.
  const { width, height } = readReference('faces')
  const { rows, cols, values } = await faceapi.nets.mtcnn.forwardPnet(decoded('faces'), 0.3)
  const out = (n) => Math.floor((n - 2 + 1) / 2) - 4
  assert.deepEqual([rows, cols], [out(Math.floor(width * 0.3)), out(Math.floor(height * 0.3))])
  assert.equal(values.length, rows * cols * 6)
  assert.ok(values.every(Number.isFinite))
})

test('MtcnnOptions: face-api.js defaults and validation messages', () => {
  const o = new faceapi.MtcnnOptions()
  assert.deepEqual([o.minFaceSize, o.scaleFactor, o.maxNumScales, o.scoreThresholds, o.scaleSteps], [20, 0.709, 10, [0.6, 0.7, 0.7], undefined])
  assert.throws(() => new faceapi.MtcnnOptions({ minFaceSize: -1 }), /MtcnnOptions - expected minFaceSize to be a number > 0/)
  assert.throws(() => new faceapi.MtcnnOptions({ scaleFactor: 1.5 }), /MtcnnOptions - expected scaleFactor to be a number between 0 and 1/)
  assert.throws(() => new faceapi.MtcnnOptions({ maxNumScales: -2 }), /MtcnnOptions - expected maxNumScales to be a number > 0/)
  assert.throws(() => new faceapi.MtcnnOptions({ scoreThresholds: [0.5, 0.5] }), /expected scoreThresholds to be an array of numbers of length 3/)
  assert.throws(() => new faceapi.MtcnnOptions({ scaleSteps: ['a'] }), /expected scaleSteps to be an array of numbers/)
})

test('MTCNN errors: before load, wrong weights, absurd scales', { skip }, async () => {
  const fresh = new faceapi.Mtcnn()
  await assert.rejects(fresh.forward(decoded('face1')), /Mtcnn - load model before inference/)
  await assert.rejects(fresh.loadFromDisk(path.join(mtcnnModels, 'tiny_face_detector_model-weights_manifest.json')),
    /mtcnn.*pnet\/conv1\/weights/s)
  await load()
  await assert.rejects(faceapi.nets.mtcnn.forward(decoded('faces'), { scaleSteps: [100] }), /larger than 8192 pixels/)
  await assert.rejects(faceapi.nets.mtcnn.forwardPnet(decoded('faces'), 0.01), /smaller than 12 pixels/)
  // Scales whose level is 12 px or less are dropped, as face-api.js does: no faces, no error.
  assert.deepEqual(await faceapi.nets.mtcnn.forward(decoded('faces'), { scaleSteps: [0.01] }), [])
  // A P-Net threshold of 0 keeps every cell: past the candidate cap, a clear error.
  const gray = { data: new Uint8Array(1200 * 1200 * 4).fill(128), width: 1200, height: 1200 }
  await assert.rejects(faceapi.nets.mtcnn.forward(gray, { scaleSteps: [1], scoreThresholds: [0, 0.7, 0.7] }),
    /more than 65536 candidate boxes .*raise minFaceSize or scoreThresholds\[0\]/)
  // and the net stays usable
  assert.equal((await faceapi.nets.mtcnn.forward(decoded('face1'))).length, 1)
})

test('SIMD128 and scalar builds give bit-identical MTCNN results', { skip }, async () => {
  const { execFile } = await import('node:child_process')
  const { promisify } = await import('node:util')
  const { fileURLToPath } = await import('node:url')
  // Each build in its own process: the core is one instance per realm.
  const run = async (wasm) => {
    const script = `
      import * as faceapi from ${JSON.stringify(new URL('../js/index.mjs', import.meta.url).href)}
      faceapi.setWasmSource(${JSON.stringify(wasm)})
      await faceapi.nets.mtcnn.loadFromDisk(${JSON.stringify(mtcnnModels)})
      const input = ${JSON.stringify(decoded('faces'))}
      const results = await faceapi.nets.mtcnn.forward(input)
      const pnet = await faceapi.nets.mtcnn.forwardPnet(input, 0.3)
      process.stdout.write(JSON.stringify({
        results: results.map((r) => [r.detection.score, r.detection.box.x, r.detection.box.y, r.detection.box.width,
          r.detection.box.height, ...r.landmarks.positions.flatMap((p) => [p.x, p.y])]),
        pnet: Array.from(pnet.values)
      }))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 26 })
    return JSON.parse(stdout)
  }
  const simd = await run(fileURLToPath(new URL('../wasm/facewasm.wasm', import.meta.url)))
  const scalar = await run(fileURLToPath(new URL('../wasm/facewasm-scalar.wasm', import.meta.url)))
  assert.equal(simd.results.length, 6)
  assert.deepEqual(scalar, simd)
})
