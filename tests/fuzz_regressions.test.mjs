// Inputs that fuzzing found crashing the core (tests/fuzz/decode/regression-*),
// replayed through the JavaScript API on the wasm build: each must give a
// clear error (or a result), never a trap, and leave the instance working.
// libFuzzer replays the same files natively under ASan/UBSan (make fuzz-short).

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { getCore } from '../js/wasm.mjs'
import { decodeInCore } from '../js/input.mjs'
import { noiseImage } from './fixtures.mjs'
import { modelsDir, repoRoot } from './shared.mjs'

const DECODE = path.join(repoRoot, 'tests', 'fuzz', 'decode')
// What each finding must now be rejected with.
const EXPECTED = {
  'regression-dht-too-many-codes.jpg': /corrupt JPEG image: a Huffman table declares \d+ codes \(at most 256\)/,
  // The same, with the table running past the end of the file (read as zeros).
  'regression-dht-table-past-the-end.jpg': /corrupt JPEG image: a Huffman table declares \d+ codes \(at most 256\)/,
  // stb_image decoded with a table it never built and read past its arrays.
  'regression-scan-uses-undefined-huffman-table.jpg': /corrupt JPEG image: a scan uses a Huffman table that was never defined/,
  // These made the decoder reserve the declared chunk length (2 GB, 256 MB) before reading it.
  'regression-png-idat-declares-2gb.png': /corrupt PNG image: the data ends inside chunk 'IDAT' \(it declares \d+ bytes/,
  'regression-png-idat-declares-256mb.png': /corrupt PNG image: the data ends inside chunk 'IDAT' \(it declares \d+ bytes/,
  // An empty IDAT before any data: stb_image did arithmetic on its NULL buffer; here the
  // only IDAT is empty, so there are no pixels.
  'regression-png-empty-first-idat.png': /corrupt PNG image/,
  // The same with the file ending right after the empty IDAT's header (no CRC), which the
  // dropping of empty IDATs first missed.
  'regression-png-empty-idat-without-crc.png': /corrupt PNG image/
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
    const memory = (await getCore()).memory.buffer.byteLength
    assert.ok(memory < 256 * 2 ** 20, `wasm memory grew to ${memory} bytes`)
  })
}

test('palette indices past the palette decode as opaque black, not as leftover memory', async () => {
  // tests/fuzz/decode/palette-6x2.png: a 3-colour palette (alpha 0, 128, 255
  // from tRNS) and indices up to 255.
  const core = await getCore()
  const bytes = readFileSync(path.join(DECODE, 'palette-6x2.png'))
  const allowed = new Set(['255,0,0,0', '0,255,0,128', '0,0,255,255', '0,0,0,255'])
  let black = 0
  for (let round = 0; round < 2; round++) {
    const image = decodeInCore(core, bytes, 'palette-6x2.png')
    const pixels = core.u8().slice(image.pointer, image.pointer + image.width * image.height * 4)
    image.release()
    for (let i = 0; i < pixels.length; i += 4) {
      const pixel = [...pixels.subarray(i, i + 4)].join(',')
      assert.ok(allowed.has(pixel), `pixel ${i / 4} is ${pixel}`)
      if (pixel === '0,0,0,255') black++
    }
  }
  assert.ok(black > 0, 'the fixture has no index past the palette')
})

test('empty IDAT chunks are skipped: a PNG with one before its data decodes as without it', async () => {
  const original = readFileSync(path.join(DECODE, 'gray-1x1.png'))
  const idat = original.indexOf('IDAT') - 4
  const emptyIdat = Buffer.from([0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54, 0x35, 0xaf, 0x06, 0x1e]) // length 0, 'IDAT', CRC
  const withEmpty = Buffer.concat([original.subarray(0, idat), emptyIdat, original.subarray(idat)])
  const decode = async (bytes) => {
    const { data, width, height } = await faceapi.bufferToImage(new Blob([bytes]))
    return { data: [...data], width, height }
  }
  assert.deepEqual(await decode(withEmpty), await decode(original))
})
