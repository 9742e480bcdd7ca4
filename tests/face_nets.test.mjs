// 68-point landmarks, face descriptors, the chain and FaceMatcher against
// face-api.js 0.22.2 (../shared/reference) and face-api.js's own expected files
// (../shared/testdata/expected), fed the exact pixels the reference decoded.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { getCore } from '../js/wasm.mjs'
import { withInput } from '../js/input.mjs'
import { DetectAllFacesTask } from '../js/tasks.mjs'
import { encodePng, syntheticFace } from './fixtures.mjs'
import { hasShared, modelsDir, readReference, sharedMissing, sharedPath } from './shared.mjs'

const LANDMARK_TOLERANCE_PX = 0.5 // acceptance: within 0.5 px of face-api.js
const DESCRIPTOR_TOLERANCE = 0.01 // acceptance: euclidean distance to face-api.js's descriptor
// face-api.js's own tests (faceLandmark68Net / faceLandmark68TinyNet / faceRecognitionNet / globalApi):
const EXPECTED_FULL_PX = { face1: 2, face2: 5, face_rectangular: 6 }
const EXPECTED_TINY_PX = 5
const EXPECTED_DESCRIPTOR_DISTANCE = 0.1
const EXPECTED_CHAIN = { landmarksPx: 10, descriptor: 0.2 }

const decoded = (name) => readFileSync(sharedPath('testdata', 'decoded', `${name}.png`))
const imageNames = () => hasShared ? readdirSync(sharedPath('testdata', 'images')).map((f) => path.parse(f).name) : []
const rect = (r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })

let loaded = null
function loadNets () {
  loaded ??= Promise.all([
    faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir),
    faceapi.nets.faceLandmark68Net.loadFromDisk(modelsDir),
    faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelsDir),
    faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir)
  ])
  return loaded
}

/** Largest per-coordinate difference between two point lists. */
const pointError = (ours, theirs) => Math.max(...theirs.map((p, i) => Math.max(Math.abs(p.x - ours[i].x), Math.abs(p.y - ours[i].y))))
const boxError = (a, b) => Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.width - b.width), Math.abs(a.height - b.height))

/**
 * The chain run with face-api.js's own SSD detections as the detector (SSD is
 * not part of this suite), so every crop the chain derives is compared too.
 */
function chainOnReferenceDetections (name, reference) {
  const detect = (core, { width, height }) => reference.faces.map(({ detection: { score, box } }) =>
    new faceapi.FaceDetection(score, { x: box.x / width, y: box.y / height, width: box.width / width, height: box.height / height }, { width, height }))
  return new DetectAllFacesTask({ input: decoded(name), detect, nets: faceapi.nets })
}

test('landmarks of both nets within 0.5 px of face-api.js on every reference face and whole image', { skip: sharedMissing }, async (t) => {
  await loadNets()
  const core = await getCore()
  let worst = { full: 0, tiny: 0, aligned: 0 }
  let faces = 0
  const check = (label, kind, ours, theirs) => {
    const error = pointError(ours, theirs)
    worst[kind] = Math.max(worst[kind], error)
    assert.ok(error <= LANDMARK_TOLERANCE_PX, `${label} ${kind}: landmarks off by ${error.toFixed(4)} px`)
  }
  for (const name of imageNames()) {
    const reference = readReference(name)
    // Per face: the nets on the reference's landmark crop, shifted by the detection box.
    await withInput(core, decoded(name), (pixels) => {
      for (const [i, face] of reference.faces.entries()) {
        const crops = [rect(face.landmarkCrop)]
        const { x, y } = face.detection.box
        const full = faceapi.nets.faceLandmark68Net._runOnCrops(core, pixels, crops)[0].shiftBy(x, y)
        const tiny = faceapi.nets.faceLandmark68TinyNet._runOnCrops(core, pixels, crops)[0].shiftBy(x, y)
        check(`${name} face ${i}`, 'full', full.positions, face.landmarks68)
        check(`${name} face ${i}`, 'tiny', tiny.positions, face.landmarks68Tiny)
        // The boxes face-api.js derives from the landmarks.
        const aligned = boxError(full.align(), face.alignedBox)
        worst.aligned = Math.max(worst.aligned, aligned)
        assert.ok(aligned <= LANDMARK_TOLERANCE_PX, `${name} face ${i}: alignedBox off by ${aligned} px`)
        assert.deepEqual(rect(full.align(null, { useDlibAlignment: true })), rect(face.descriptorBox), `${name} face ${i}: descriptorBox`)
        faces++
      }
    })
    // Whole image as the face crop.
    const full = await faceapi.nets.faceLandmark68Net.detectLandmarks(decoded(name))
    const tiny = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(decoded(name))
    check(`${name} whole image`, 'full', full.positions, reference.wholeImage.landmarks68)
    check(`${name} whole image`, 'tiny', tiny.positions, reference.wholeImage.landmarks68Tiny)
  }
  assert.ok(faces >= 9, `only ${faces} reference faces`)
  t.diagnostic(`${faces} faces + whole images: largest landmark difference full ${worst.full.toExponential(2)} px, tiny ${worst.tiny.toExponential(2)} px; alignedBox ${worst.aligned.toExponential(2)} px`)
})

test('landmarks of the 40 people photos (whole image) within 0.5 px of face-api.js', { skip: sharedMissing }, async (t) => {
  await loadNets()
  let worst = 0
  for (const person of readdirSync(sharedPath('testdata', 'people'))) {
    for (const file of readdirSync(sharedPath('testdata', 'people', person))) {
      const reference = JSON.parse(readFileSync(sharedPath('reference', 'people', `${path.parse(file).name}.json`), 'utf8'))
      const input = sharedPath('testdata', 'people', person, file)
      const [full, tiny] = [await faceapi.detectFaceLandmarks(input), await faceapi.detectFaceLandmarksTiny(input)]
      const error = Math.max(pointError(full.positions, reference.wholeImage.landmarks68), pointError(tiny.positions, reference.wholeImage.landmarks68Tiny))
      worst = Math.max(worst, error)
      assert.ok(error <= LANDMARK_TOLERANCE_PX, `${file}: landmarks off by ${error} px`)
    }
  }
  t.diagnostic(`largest landmark difference ${worst.toExponential(2)} px`)
})

test("face-api.js's expected landmark files, within its tests' tolerances", { skip: sharedMissing }, async () => {
  await loadNets()
  const expected = (file) => JSON.parse(readFileSync(sharedPath('testdata', 'expected', file), 'utf8'))
  const files = { face1: '1', face2: '2', face_rectangular: 'Rect' }
  const inputs = Object.keys(files).map(decoded)
  const fullBatch = await faceapi.nets.faceLandmark68Net.detectLandmarks(inputs)
  const tinyBatch = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(inputs)
  assert.ok(Array.isArray(fullBatch) && fullBatch.length === 3)
  Object.entries(files).forEach(([name, suffix], i) => {
    const { width, height } = readReference(name)
    for (const result of [fullBatch[i], tinyBatch[i]]) {
      assert.ok(result instanceof faceapi.FaceLandmarks68)
      assert.equal(result.imageWidth, width)
      assert.equal(result.imageHeight, height)
      assert.equal(result.shift.x, 0)
      assert.equal(result.shift.y, 0)
    }
    const full = pointError(fullBatch[i].positions, expected(`faceLandmarkPositions${suffix}.json`))
    const tiny = pointError(tinyBatch[i].positions, expected(`faceLandmarkPositions${suffix}Tiny.json`))
    assert.ok(full < EXPECTED_FULL_PX[name], `${name}: full landmarks off by ${full} px`)
    assert.ok(tiny < EXPECTED_TINY_PX, `${name}: tiny landmarks off by ${tiny} px`)
  })
})

test('descriptors within 0.01 of face-api.js on every reference face, whole image and people photo', { skip: sharedMissing }, async (t) => {
  await loadNets()
  const core = await getCore()
  let worst = 0
  let count = 0
  const check = (label, ours, theirs) => {
    assert.ok(ours instanceof Float32Array && ours.length === 128)
    const distance = faceapi.euclideanDistance(ours, theirs)
    worst = Math.max(worst, distance)
    count++
    assert.ok(distance < DESCRIPTOR_TOLERANCE, `${label}: descriptor distance ${distance} to face-api.js's`)
  }
  for (const name of imageNames()) {
    const reference = readReference(name)
    await withInput(core, decoded(name), (pixels) => {
      const ours = faceapi.nets.faceRecognitionNet._runOnCrops(core, pixels, reference.faces.map((f) => rect(f.descriptorCrop)))
      reference.faces.forEach((face, i) => check(`${name} face ${i}`, ours[i], face.descriptor))
    })
    check(`${name} whole image`, await faceapi.computeFaceDescriptor(decoded(name)), reference.wholeImage.descriptor)
  }
  for (const file of readdirSync(sharedPath('reference', 'people'))) {
    const reference = JSON.parse(readFileSync(sharedPath('reference', 'people', file), 'utf8'))
    const person = reference.image.replace(/\d+\.png$/, '')
    check(reference.image, await faceapi.computeFaceDescriptor(sharedPath('testdata', 'people', person, reference.image)), reference.wholeImage.descriptor)
  }
  t.diagnostic(`${count} descriptors: largest distance to face-api.js's ${worst.toExponential(2)}`)
})

test("face-api.js's expected descriptor files (distance < 0.1)", { skip: sharedMissing }, async () => {
  await loadNets()
  const files = { face1: 'faceDescriptor1.json', face2: 'faceDescriptor2.json', face_rectangular: 'faceDescriptorRect.json' }
  const results = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(Object.keys(files).map(decoded))
  Object.values(files).forEach((file, i) => {
    const expected = JSON.parse(readFileSync(sharedPath('testdata', 'expected', file), 'utf8'))
    const distance = faceapi.euclideanDistance(results[i], expected)
    assert.ok(distance < EXPECTED_DESCRIPTOR_DISTANCE, `${file}: distance ${distance}`)
  })
})

test('the chain on face-api.js\'s SSD detections gives its crops, landmarks, boxes and descriptors', { skip: sharedMissing }, async () => {
  await loadNets()
  for (const name of imageNames()) {
    const reference = readReference(name)
    const results = await chainOnReferenceDetections(name, reference).withFaceLandmarks().withFaceDescriptors()
    assert.equal(results.length, reference.faces.length)
    results.forEach((r, i) => {
      const face = reference.faces[i]
      assert.deepEqual(Object.keys(r), ['detection', 'landmarks', 'unshiftedLandmarks', 'alignedRect', 'descriptor'])
      assert.ok(pointError(r.landmarks.positions, face.landmarks68) <= LANDMARK_TOLERANCE_PX, `${name} face ${i}: landmarks`)
      assert.equal(r.unshiftedLandmarks.imageWidth, face.landmarkCrop.width)
      assert.ok(boxError(r.alignedRect.box, face.alignedBox) <= LANDMARK_TOLERANCE_PX, `${name} face ${i}: alignedRect`)
      assert.ok(faceapi.euclideanDistance(r.descriptor, face.descriptor) < DESCRIPTOR_TOLERANCE, `${name} face ${i}: descriptor`)
    })
    const tiny = await chainOnReferenceDetections(name, reference).withFaceLandmarks(true)
    tiny.forEach((r, i) => assert.ok(pointError(r.landmarks.positions, reference.faces[i].landmarks68Tiny) <= LANDMARK_TOLERANCE_PX))
  }
})

test("faces.jpg with the Tiny Face Detector: face-api.js's expected landmarks and descriptors (its globalApi test)", { skip: sharedMissing }, async () => {
  await loadNets()
  const expectedLandmarks = JSON.parse(readFileSync(sharedPath('testdata', 'expected', 'facesFaceLandmarkPositions.json'), 'utf8'))
  const expectedDescriptors = JSON.parse(readFileSync(sharedPath('testdata', 'expected', 'facesFaceDescriptors.json'), 'utf8'))
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416 })
  const results = await faceapi.detectAllFaces(decoded('faces'), options).withFaceLandmarks().withFaceDescriptors()
  assert.equal(results.length, 6)
  // face-api.js's test sorts by the box's distance to the origin.
  results.sort((a, b) => Math.hypot(a.detection.box.x, a.detection.box.y) - Math.hypot(b.detection.box.x, b.detection.box.y))
  results.forEach((r, i) => {
    assert.ok(pointError(r.landmarks.positions, expectedLandmarks[i]) < EXPECTED_CHAIN.landmarksPx, `face ${i}: landmarks`)
    assert.ok(faceapi.euclideanDistance(r.descriptor, expectedDescriptors[i]) < EXPECTED_CHAIN.descriptor, `face ${i}: descriptor`)
  })
  // The single-face chain is the best-scoring face of the same pipeline.
  const single = await faceapi.detectSingleFace(decoded('faces'), options).withFaceLandmarks().withFaceDescriptor()
  const best = results.reduce((a, b) => (b.detection.score > a.detection.score ? b : a))
  assert.equal(single.detection.score, best.detection.score)
  assert.deepEqual(Array.from(single.descriptor), Array.from(best.descriptor))
  assert.equal(await faceapi.detectSingleFace(decoded('white'), options).withFaceLandmarks().withFaceDescriptor(), undefined)
  assert.deepEqual(await faceapi.detectAllFaces(decoded('white'), options).withFaceLandmarks(true).withFaceDescriptors(), [])
})

// The recognition net's 256-channel stage runs on integers with the manifest's 8-bit codes;
// weights given as plain floats (tf.Tensor-like values, no codes) take the float Winograd
// path there instead. The two differ by rounding only.
test('recognition from float weights (no 8-bit codes) gives the descriptors of the integer path within 1e-3', async (t) => {
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir)
  const weightMap = await faceapi.loadWeightMap(modelsDir, 'face_recognition_model')
  const tensors = Object.fromEntries(Object.entries(weightMap).map(([name, t]) => [name, { shape: t.shape, dtype: t.dtype, dataSync: () => t.data }]))
  const floatNet = new faceapi.FaceRecognitionNet()
  await floatNet.loadFromWeightMap(tensors)
  let worst = 0
  for (const seed of [1, 2, 3]) {
    const face = syntheticFace(150, 150, seed)
    const integer = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face)
    const float = await floatNet.computeFaceDescriptor(face)
    const distance = faceapi.euclideanDistance(integer, float)
    assert.ok(distance > 0 && distance < 1e-3, `seed ${seed}: distance ${distance} between the two paths`)
    worst = Math.max(worst, distance)
  }
  t.diagnostic(`largest distance between the integer and float paths ${worst.toExponential(2)}`)
  floatNet.dispose()
})

/** Descriptors of the 40 people photos: { label, descriptor } in file order. */
async function peopleDescriptors (fromReference) {
  const people = []
  for (const person of readdirSync(sharedPath('testdata', 'people')).sort()) {
    for (const file of readdirSync(sharedPath('testdata', 'people', person)).sort()) {
      const descriptor = fromReference
        ? new Float32Array(JSON.parse(readFileSync(sharedPath('reference', 'people', `${path.parse(file).name}.json`), 'utf8')).wholeImage.descriptor)
        : await faceapi.computeFaceDescriptor(sharedPath('testdata', 'people', person, file))
      people.push({ label: person, file, descriptor })
    }
  }
  return people
}

/** Leave-one-out: FaceMatcher over every other photo (labelled by person), and plain nearest neighbour. */
function leaveOneOut (people) {
  return people.map((query, q) => {
    const others = people.filter((_, i) => i !== q)
    const labels = [...new Set(others.map((p) => p.label))]
    const matcher = new faceapi.FaceMatcher(labels.map((label) =>
      new faceapi.LabeledFaceDescriptors(label, others.filter((p) => p.label === label).map((p) => p.descriptor))))
    const match = matcher.findBestMatch(query.descriptor)
    const nearest = others.reduce((a, b) => faceapi.euclideanDistance(b.descriptor, query.descriptor) < faceapi.euclideanDistance(a.descriptor, query.descriptor) ? b : a)
    return { file: query.file, truth: query.label, label: match.label, distance: match.distance, nearest: nearest.label }
  })
}

test('the faces of one image in one call (batches of up to 8 in the net) get the descriptors each gets alone, bit for bit', async () => {
  await loadNets()
  const core = await getCore()
  const net = faceapi.nets.faceRecognitionNet
  const image = syntheticFace(420, 300, 7, { fs: 0.6 })
  // 11 crops of assorted sizes and shapes: a batch of 8, then one of 3
  const crops = Array.from({ length: 11 }, (_, i) => ({ x: 13 * i, y: 7 * i, width: 150 + 9 * i, height: 120 + 11 * (i % 4) }))
  await withInput(core, image, (pixels) => {
    const together = net._runOnCrops(core, pixels, crops)
    assert.equal(together.length, crops.length)
    crops.forEach((crop, i) => {
      const alone = net._runOnCrops(core, pixels, [crop])[0]
      assert.deepEqual(new Uint32Array(together[i].buffer, together[i].byteOffset, 128),
        new Uint32Array(alone.buffer, alone.byteOffset, 128), `crop ${i}`)
    })
    // and each face's own: no two crops alike
    assert.ok(faceapi.euclideanDistance(together[0], together[9]) > 0.01)
  })
})

test('computeFaceDescriptor on an array of face images (computed together) gives each one\'s own descriptor, bit for bit', async () => {
  await loadNets()
  const net = faceapi.nets.faceRecognitionNet
  const faces = Array.from({ length: 11 }, (_, i) => syntheticFace(120 + 10 * i, 150 - 3 * i, i + 1))
  const png = encodePng(faces[3]) // an encoded image among them, decoded in the core
  const inputs = [...faces.slice(0, 3), png, ...faces.slice(4)]
  const together = await net.computeFaceDescriptor(inputs)
  assert.equal(together.length, faces.length)
  for (let i = 0; i < faces.length; i++) {
    const alone = await net.computeFaceDescriptor(faces[i])
    assert.ok(together[i] instanceof Float32Array)
    assert.deepEqual(new Uint32Array(together[i].buffer), new Uint32Array(alone.buffer), `image ${i}`)
  }
  // as face-api.js (its toNetInput): an empty array is an error, for every net taking face images
  await assert.rejects(net.computeFaceDescriptor([]), /FaceRecognitionNet - empty array passed as input/)
  await assert.rejects(faceapi.nets.faceLandmark68Net.detectLandmarks([]), /FaceLandmark68Net - empty array passed as input/)
  await assert.rejects(net.computeFaceDescriptor([faces[0], { data: new Uint8Array(4), width: 0, height: 1 }]),
    /image has no pixels \(0 x 1\)/)
})

test('people identification (leave-one-out FaceMatcher) gives face-api.js\'s answer for every photo', { skip: sharedMissing }, async (t) => {
  await loadNets()
  const ours = leaveOneOut(await peopleDescriptors(false))
  const theirs = leaveOneOut(await peopleDescriptors(true))
  assert.equal(ours.length, 40)
  ours.forEach((o, i) => {
    assert.equal(o.label, theirs[i].label, `${o.file}: ours '${o.label}' (${o.distance}), face-api.js '${theirs[i].label}' (${theirs[i].distance})`)
    assert.equal(o.nearest, theirs[i].nearest, `${o.file}: nearest neighbour`)
  })
  const correct = ours.filter((o) => o.label === o.truth).length
  const nearestCorrect = ours.filter((o) => o.nearest === o.truth).length
  const misses = ours.filter((o) => o.label !== o.truth).map((o) => `${o.file} -> ${o.label} (${o.distance.toFixed(3)})`)
  t.diagnostic(`FaceMatcher (mean distance, threshold 0.6): ${correct} of ${ours.length} correct, as face-api.js${misses.length ? `; ${misses.join(', ')}` : ''}`)
  t.diagnostic(`nearest neighbour: ${nearestCorrect} of ${ours.length} correct, as face-api.js`)
})

test('FaceMatcher, LabeledFaceDescriptors and FaceMatch behave as face-api.js\'s', () => {
  const a = new Float32Array([0, 0, 0])
  const b = new Float32Array([1, 0, 0])
  const c = new Float32Array([0, 3, 4])
  assert.equal(faceapi.euclideanDistance(b, c), Math.sqrt(26))
  assert.throws(() => faceapi.euclideanDistance(a, new Float32Array(2)), /arr1.length !== arr2.length/)
  const matcher = new faceapi.FaceMatcher([new faceapi.LabeledFaceDescriptors('ab', [a, b]), new faceapi.LabeledFaceDescriptors('c', [c])], 0.6)
  assert.equal(matcher.findBestMatch(new Float32Array([0.5, 0, 0])).label, 'ab')
  assert.equal(matcher.findBestMatch(new Float32Array([0.5, 0, 0])).distance, 0.5)
  assert.equal(matcher.findBestMatch(new Float32Array([0, 3, 3])).label, 'unknown')
  assert.equal(matcher.matchDescriptor(new Float32Array([0, 3, 3])).label, 'c')
  assert.equal(matcher.findBestMatch(new Float32Array([0, 3, 3])).toString(), 'unknown (1)')
  const copy = faceapi.FaceMatcher.fromJSON(JSON.parse(JSON.stringify(matcher)))
  assert.deepEqual(copy.toJSON(), matcher.toJSON())
  assert.ok(copy.labeledDescriptors[0].descriptors[0] instanceof Float32Array)
  // Unlabelled inputs get "person N".
  const anonymous = new faceapi.FaceMatcher([a, { descriptor: c }])
  assert.deepEqual(anonymous.labeledDescriptors.map((l) => l.label), ['person 1', 'person 2'])
  assert.equal(anonymous.distanceThreshold, 0.6)
  assert.throws(() => new faceapi.FaceMatcher([]), /expected atleast one input/)
  assert.throws(() => new faceapi.LabeledFaceDescriptors('x', [[1, 2]]), /array of Float32Array/)
})

test('FaceMatcher refuses what face-api.js would answer wrongly without an error', () => {
  const known = new faceapi.LabeledFaceDescriptors('c', [new Float32Array([0, 3, 4])])
  // face-api.js: an empty label matches every face at distance 0
  const nobody = new faceapi.LabeledFaceDescriptors('nobody', [])
  assert.throws(() => new faceapi.FaceMatcher([known, nobody]), /'nobody' has no descriptors/)
  // face-api.js: every face 'unknown', an exact match included
  assert.equal(new faceapi.FaceMatcher(known, '0.6').distanceThreshold, 0.6) // works in face-api.js too
  for (const threshold of [NaN, -1, null, 'close']) {
    assert.throws(() => new faceapi.FaceMatcher(known, threshold), /expected distanceThreshold to be a number >= 0/)
  }
  const matcher = new faceapi.FaceMatcher(known, 0)
  assert.equal(matcher.findBestMatch(new Float32Array([0, 3, 4])).label, 'unknown') // 0 < 0 is false, as face-api.js
  assert.throws(() => matcher.findBestMatch(undefined), /expected a descriptor/)
  assert.throws(() => faceapi.FaceMatcher.fromJSON({}), /FaceMatcher.fromJSON - expected/)
})

test('extractFaces cuts the detection boxes out in C (ImageData-like in Node)', async () => {
  await loadNets()
  const pixels = { data: new Uint8Array(7 * 5 * 4).map((_, i) => i), width: 7, height: 5 }
  const [face, clipped] = await faceapi.extractFaces(pixels, [new faceapi.Rect(2, 1, 3, 2), new faceapi.Rect(5, 3, 10, 10)])
  assert.deepEqual([face.width, face.height], [3, 2])
  assert.ok(face.data instanceof Uint8ClampedArray)
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 3; x++) {
      const at = ((y + 1) * 7 + x + 2) * 4
      assert.deepEqual(Array.from(face.data.subarray((y * 3 + x) * 4, (y * 3 + x + 1) * 4)), [at, at + 1, at + 2, at + 3])
    }
  }
  assert.deepEqual([clipped.width, clipped.height], [2, 2])
  // plain { x, y, width, height } boxes, as the types allow (IRect)
  const [plainFace] = await faceapi.extractFaces(pixels, [{ x: 2, y: 1, width: 3, height: 2 }])
  assert.deepEqual(plainFace, face)
  await assert.rejects(faceapi.extractFaces(pixels, null), /extractFaces - expected an array of detections/)
  await assert.rejects(faceapi.extractFaces(pixels, [{ x: 1 }]), /expected each detection to be a FaceDetection, a Rect or/)
  if (!hasShared) return
  const detections = await faceapi.detectAllFaces(decoded('faces'), new faceapi.TinyFaceDetectorOptions())
  const faces = await faceapi.extractFaces(decoded('faces'), detections)
  faces.forEach((f, i) => {
    const box = detections[i].box.floor().clipAtImageBorders(detections[i].imageWidth, detections[i].imageHeight)
    assert.deepEqual([f.width, f.height], [box.width, box.height])
  })
})

test('face nets: clear errors before loading, for bad crops and for the wrong model', async () => {
  const { FaceLandmark68Net, FaceRecognitionNet } = faceapi
  const pixels = { data: new Uint8Array(8 * 8 * 4), width: 8, height: 8 }
  await assert.rejects(new FaceLandmark68Net().detectLandmarks(pixels), /FaceLandmark68Net - load model before inference/)
  await assert.rejects(new FaceRecognitionNet().computeFaceDescriptor(pixels), /FaceRecognitionNet - load model before inference/)
  await loadNets()
  const core = await getCore()
  await withInput(core, pixels, (p) => {
    assert.throws(() => faceapi.nets.faceLandmark68Net._runOnCrops(core, p, [{ x: 0, y: 0, width: 0, height: 4 }]), /face crop 0 is empty/)
    assert.throws(() => faceapi.nets.faceRecognitionNet._runOnCrops(core, p, [{ x: 0, y: 0, width: 4, height: 4 }, { x: 6, y: 0, width: 4, height: 4 }]),
      /face crop 1 .* is not inside the 8 x 8 image/)
    const { model } = faceapi.nets.faceRecognitionNet._require()
    assert.equal(core.exports.fw_face_landmarks(model, p.pointer, 8, 8, 0, 0, 0), -1)
    assert.match(core.lastError(), /is a face_recognition, not a face_landmark_68/)
    // the face image list of fw_face_descriptors_of_images
    const list = core.alloc(24)
    try {
      const ints = core.i32()
      const call = (pointer, width, height, count = 1) => {
        ints.set([pointer, width, height], list >> 2)
        return core.exports.fw_face_descriptors_of_images(model, list, list + 4, count, list + 12)
      }
      assert.equal(call(p.pointer, 8, 8, -1), -1)
      assert.match(core.lastError(), /invalid face image list \(-1 images\)/)
      assert.equal(call(0, 8, 8), -1)
      assert.match(core.lastError(), /face image 0 has no pixels/)
      assert.equal(call(p.pointer, 0, 8), -1)
      assert.match(core.lastError(), /0 x 8/)
      assert.equal(core.exports.fw_face_descriptors_of_images(model, list, list + 4, 1, 0), -1)
      assert.match(core.lastError(), /no output buffer/)
    } finally {
      core.free(list)
    }
  })
  if (hasShared && !faceapi.nets.faceExpressionNet) {
    await assert.rejects(chainOnReferenceDetections('faces', readReference('faces')).withFaceExpressions().run(),
      /withFaceExpressions: nets.faceExpressionNet is not available/)
  }
  // A 1x1 image is a valid (if useless) face crop.
  const tiny = await faceapi.detectFaceLandmarks({ data: new Uint8Array(4), width: 1, height: 1 })
  assert.equal(tiny.positions.length, 68)
})
