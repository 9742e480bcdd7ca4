// Inputs that fuzzing found crashing the core (tests/fuzz/decode/regression-*),
// replayed through the JavaScript API on the wasm build: each must give a
// clear error (or a result), never a trap, and leave the instance working.
// libFuzzer replays the same files natively under ASan/UBSan (make fuzz-short).

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { noiseImage } from './fixtures.mjs'
import { modelsDir, repoRoot } from './shared.mjs'

const DECODE = path.join(repoRoot, 'tests', 'fuzz', 'decode')
// What each finding must now be rejected with.
const EXPECTED = {
  'regression-dht-too-many-codes.jpg': /corrupt JPEG image: a Huffman table declares \d+ codes \(at most 256\)/
}

const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 128 })
const image = noiseImage(64, 48, 2)
let baseline

before(async () => {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  baseline = await faceapi.detectAllFaces(image, options)
})

for (const file of readdirSync(DECODE).filter((f) => f.startsWith('regression-'))) {
  test(`decode finding ${file}`, async (t) => {
    const bytes = readFileSync(path.join(DECODE, file))
    const outcome = await faceapi.detectAllFaces(bytes, options).then((faces) => faces, (error) => error)
    if (outcome instanceof Error) {
      assert.ok(outcome instanceof faceapi.FacewasmError, `${outcome.name}: ${outcome.message}`)
      t.diagnostic(outcome.message)
    }
    if (EXPECTED[file]) assert.match(outcome.message ?? '(no error)', EXPECTED[file])
    assert.deepEqual(await faceapi.detectAllFaces(image, options), baseline)
  })
}
