// FaceExpressionNet and AgeGenderNet against face-api.js 0.22.2's outputs
// (../shared/reference), fed the exact pixels the reference decoded
// (testdata/decoded/*.png), on exactly the crops face-api.js's nets ran on:
// alignedCrop (the chain with landmarks), landmarkCrop (onDetectionBox, without
// landmarks) and the whole image (wholeImage).
//
// The labelled expression photos of testdata/scenes: those byte-identical to a
// test image (angry, surprised) use that image's reference; for the others
// face-api.js's answers come from `make scene-reference` (build-local, made by
// the reference harness); without them that test skips and says so.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { withInput } from '../js/input.mjs'
import { getCore } from '../js/wasm.mjs'
import { hasShared, modelsDir, readReference, repoRoot, sharedMissing, sharedPath } from './shared.mjs'

const PROBABILITY_TOLERANCE = 0.01
const AGE_TOLERANCE_YEARS = 0.5
const LABELS = faceapi.FACE_EXPRESSION_LABELS
const SCENE_REFERENCE_DIR = path.join(repoRoot, 'build', 'reference', 'scenes')

const nets = faceapi.nets
async function loadNets () {
  await nets.faceExpressionNet.loadFromDisk(modelsDir)
  await nets.ageGenderNet.loadFromDisk(modelsDir)
}

const referenceNames = () => readdirSync(sharedPath('reference')).filter((f) => f.endsWith('.json')).map((f) => path.parse(f).name)
const top = (expressions) => LABELS.reduce((best, k) => (expressions[k] > expressions[best] ? k : best), LABELS[0])

/** Worst differences seen, reported as diagnostics. */
const worst = { probability: 0, age: 0, genderProbability: 0 }

function assertSameExpressions (ours, expected, label) {
  for (const k of LABELS) {
    const error = Math.abs(ours[k] - expected[k])
    worst.probability = Math.max(worst.probability, error)
    assert.ok(error <= PROBABILITY_TOLERANCE, `${label}: ${k} ${ours[k]} vs face-api.js ${expected[k]}`)
  }
  assert.equal(top(ours), top(expected), `${label}: top expression`)
}

function assertSameAgeGender (ours, expected, label) {
  const ageError = Math.abs(ours.age - expected.age)
  const probabilityError = Math.abs(ours.genderProbability - expected.genderProbability)
  worst.age = Math.max(worst.age, ageError)
  worst.genderProbability = Math.max(worst.genderProbability, probabilityError)
  assert.ok(ageError <= AGE_TOLERANCE_YEARS, `${label}: age ${ours.age} vs face-api.js ${expected.age}`)
  assert.equal(ours.gender, expected.gender, `${label}: gender`)
  assert.ok(probabilityError <= PROBABILITY_TOLERANCE,
    `${label}: genderProbability ${ours.genderProbability} vs face-api.js ${expected.genderProbability}`)
}

/** Our results for integer crops of an image, through the entry point the chain uses. */
async function runCrops (input, crops) {
  const core = await getCore()
  return withInput(core, input, (pixels) => ({
    expressions: nets.faceExpressionNet._runOnCrops(core, pixels, crops),
    ageGender: nets.ageGenderNet._runOnCrops(core, pixels, crops)
  }))
}

/** Checks every face of a reference (aligned crops and detection crops) and the whole image. */
async function checkReference (reference, input, label) {
  const faces = reference.faces
  const aligned = await runCrops(input, faces.map((f) => f.alignedCrop))
  const onBox = await runCrops(input, faces.map((f) => f.landmarkCrop))
  faces.forEach((face, i) => {
    assertSameExpressions(aligned.expressions[i], face.expressions, `${label} face ${i} alignedCrop`)
    assertSameAgeGender(aligned.ageGender[i], face, `${label} face ${i} alignedCrop`)
    assertSameExpressions(onBox.expressions[i], face.onDetectionBox.expressions, `${label} face ${i} landmarkCrop`)
    assertSameAgeGender(onBox.ageGender[i], face.onDetectionBox, `${label} face ${i} landmarkCrop`)
  })
  const whole = reference.wholeImage
  assertSameExpressions(await nets.faceExpressionNet.predictExpressions(input), whole.expressions, `${label} whole image`)
  assertSameAgeGender(await nets.ageGenderNet.predictAgeAndGender(input), whole, `${label} whole image`)
  return faces.length
}

test('expressions, age and gender match face-api.js on every reference face', { skip: sharedMissing }, async (t) => {
  await loadNets()
  let faces = 0
  const names = referenceNames()
  assert.ok(names.length >= 9)
  for (const name of names) {
    faces += await checkReference(readReference(name), sharedPath('testdata', 'decoded', `${name}.png`), name)
  }
  assert.ok(faces >= 9, `only ${faces} reference faces`)
  t.diagnostic(`${faces} faces x (alignedCrop, landmarkCrop) + ${names.length} whole images; largest differences: ` +
    `probability ${worst.probability.toExponential(2)}, age ${worst.age.toExponential(2)} years, ` +
    `genderProbability ${worst.genderProbability.toExponential(2)}`)
})

// ---- the labelled expression photos ----

function readPpm (file) {
  const bytes = readFileSync(file)
  const header = bytes.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+255\s/)
  assert.ok(header, `${file}: not a binary PPM`)
  const [width, height] = [Number(header[1]), Number(header[2])]
  const rgb = bytes.subarray(header[0].length)
  const data = new Uint8Array(width * height * 4)
  for (let i = 0, j = 0; i < width * height; i++, j += 3) data.set([rgb[j], rgb[j + 1], rgb[j + 2], 255], i * 4)
  return { data, width, height }
}

/** Each labelled photo with face-api.js's answers: { label, reference, input } or { label, missing }. */
function labelledScenes () {
  const testImages = readdirSync(sharedPath('testdata', 'images'))
  return LABELS.filter((label) => existsSync(sharedPath('testdata', 'scenes', `${label}.jpg`))).map((label) => {
    const bytes = readFileSync(sharedPath('testdata', 'scenes', `${label}.jpg`))
    const same = testImages.find((f) => readFileSync(sharedPath('testdata', 'images', f)).equals(bytes))
    if (same) {
      const name = path.parse(same).name
      return { label, reference: readReference(name), input: sharedPath('testdata', 'decoded', `${name}.png`) }
    }
    const json = path.join(SCENE_REFERENCE_DIR, `${label}.json`)
    const ppm = path.join(SCENE_REFERENCE_DIR, `${label}.ppm`)
    if (!existsSync(json) || !existsSync(ppm)) return { label, missing: true }
    return { label, reference: JSON.parse(readFileSync(json, 'utf8')), input: readPpm(ppm) }
  })
}

const scenes = hasShared ? labelledScenes() : []
const missingScenes = scenes.filter((s) => s.missing).map((s) => `${s.label}.jpg`)
const scenesSkip = sharedMissing ||
  (missingScenes.length ? `no face-api.js answers for ${missingScenes.join(', ')} in build/reference/scenes; ` +
    'run `FACEAPI_HARNESS=<installed reference harness> make scene-reference`' : false)

test('labelled expression photos: same top expression as face-api.js', { skip: scenesSkip }, async (t) => {
  await loadNets()
  assert.equal(scenes.length, LABELS.length, 'one photo per expression label')
  const summary = []
  for (const { label, reference, input } of scenes) {
    assert.ok(reference.faces.length >= 1, `${label}.jpg: face-api.js found no face`)
    const { expressions, ageGender } = await runCrops(input, reference.faces.map((f) => f.alignedCrop))
    reference.faces.forEach((face, i) => {
      assert.equal(top(expressions[i]), top(face.expressions), `${label}.jpg face ${i}: top expression`)
      assertSameExpressions(expressions[i], face.expressions, `${label}.jpg face ${i}`)
      assertSameAgeGender(ageGender[i], face, `${label}.jpg face ${i}`)
    })
    const whole = await nets.faceExpressionNet.predictExpressions(input)
    assertSameExpressions(whole, reference.wholeImage.expressions, `${label}.jpg whole image`)
    summary.push(`${label}: ${expressions.map(top).join('/')}`)
  }
  t.diagnostic(`top expression per photo (face-api.js agrees): ${summary.join(', ')}`)
  t.diagnostic(`largest differences so far: probability ${worst.probability.toExponential(2)}, ` +
    `age ${worst.age.toExponential(2)} years, genderProbability ${worst.genderProbability.toExponential(2)}`)
})

// ---- API behaviour ----

test('FaceExpressions: the 7 fields and asSortedArray as face-api.js', () => {
  const e = new faceapi.FaceExpressions([0.1, 0.5, 0.05, 0.05, 0.1, 0.15, 0.05])
  assert.deepEqual(LABELS.map((k) => e[k]), [0.1, 0.5, 0.05, 0.05, 0.1, 0.15, 0.05])
  const sorted = e.asSortedArray()
  assert.deepEqual(sorted.slice(0, 3).map((s) => s.expression), ['happy', 'disgusted', 'neutral'])
  assert.ok(sorted.every((s, i) => i === 0 || sorted[i - 1].probability >= s.probability))
  assert.throws(() => new faceapi.FaceExpressions([1, 2]), /expected probabilities.length to be 7/)
})

test('low-level predict: arrays give arrays, probabilities sum to 1', { skip: sharedMissing }, async () => {
  await loadNets()
  const a = sharedPath('testdata', 'decoded', 'face1.png')
  const b = sharedPath('testdata', 'decoded', 'angry_cropped.png')
  const [ea, eb] = await nets.faceExpressionNet.predictExpressions([a, b])
  assert.ok(ea instanceof faceapi.FaceExpressions && eb instanceof faceapi.FaceExpressions)
  assert.deepEqual(ea, await nets.faceExpressionNet.predictExpressions(a))
  assert.ok(Math.abs(LABELS.reduce((s, k) => s + eb[k], 0) - 1) < 1e-5)
  const [ga] = await nets.ageGenderNet.predictAgeAndGender([a])
  assert.deepEqual(ga, await nets.ageGenderNet.predictAgeAndGender(a))
  assert.ok(['male', 'female'].includes(ga.gender) && ga.genderProbability > 0.5 && ga.genderProbability <= 1)
  await assert.rejects(nets.faceExpressionNet.predictExpressions([]), /empty array/)
})

test('bad crops and bad inputs give clear errors', { skip: sharedMissing }, async () => {
  await loadNets()
  const core = await getCore()
  const input = sharedPath('testdata', 'decoded', 'face1.png')
  const run = (net, crops) => withInput(core, input, (pixels) => net._runOnCrops(core, pixels, crops))
  for (const net of [nets.faceExpressionNet, nets.ageGenderNet]) {
    await assert.rejects(run(net, [{ x: 0, y: 0, width: 0, height: 10 }]), /face crop 0 is empty/)
    await assert.rejects(run(net, [{ x: 5, y: 5, width: 10, height: 10 }, { x: -1, y: 0, width: 10, height: 10 }]), /face crop 1 .* not inside/)
    await assert.rejects(run(net, [{ x: 100, y: 0, width: 1e6, height: 10 }]), /not inside/)
    await assert.rejects(run(net, [{ x: 0.5, y: 0, width: 10, height: 10 }]), /integer/)
    assert.deepEqual(await run(net, []), [])
  }
  // A 1x1 face is still a face: padded and resized like any other.
  const [one] = await run(nets.faceExpressionNet, [{ x: 3, y: 3, width: 1, height: 1 }])
  assert.ok(Math.abs(LABELS.reduce((s, k) => s + one[k], 0) - 1) < 1e-5)
})

test('calls before loading, and weights of another net, are refused', async () => {
  const { FaceExpressionNet, AgeGenderNet } = faceapi
  await assert.rejects(new FaceExpressionNet().predictExpressions({ data: new Uint8Array(4), width: 1, height: 1 }),
    /FaceExpressionNet - load model before inference/)
  await assert.rejects(new AgeGenderNet().predictAgeAndGender({ data: new Uint8Array(4), width: 1, height: 1 }),
    /AgeGenderNet - load model before inference/)
  if (!existsSync(path.join(modelsDir, 'face_expression_model-weights_manifest.json'))) return
  await assert.rejects(new AgeGenderNet().loadFromDisk(path.join(modelsDir, 'face_expression_model-weights_manifest.json')),
    /age_gender.*entry_flow\/conv_in\/filters/)
  await assert.rejects(new FaceExpressionNet().loadFromDisk(path.join(modelsDir, 'face_landmark_68_model-weights_manifest.json')),
    /face_expression.*fc\/weights.*/)
})
