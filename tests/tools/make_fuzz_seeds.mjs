// Writes the seed corpora of the fuzz targets (tests/fuzz/<target>/): small
// inputs that reach deep into each target, from which libFuzzer mutates.
// Everything is generated here (or taken from this repository's own tests).
//
//   node tests/tools/make_fuzz_seeds.mjs

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const FUZZ = path.join(HERE, '..', 'fuzz')

function crc32 (bytes) {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function chunk (type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** A PNG of `width` x `height`, colour type and bit depth as given; rows use filter `filter`. */
function png (width, height, colorType, bitDepth, { filter = 0, palette = null } = {}) {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8)
  const raw = Buffer.alloc(height * (rowBytes + 1))
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = (filter + y) % 5
    for (let x = 0; x < rowBytes; x++) raw[y * (rowBytes + 1) + 1 + x] = (x * 37 + y * 91 + 13) & 0xff
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = bitDepth
  ihdr[9] = colorType
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)]
  if (palette) parts.push(chunk('PLTE', palette), chunk('tRNS', Buffer.from([0, 128, 255])))
  parts.push(chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)))
  return Buffer.concat(parts)
}

/** The 80x60 baseline JPEG embedded in tests/images.test.mjs. */
function testJpeg () {
  const source = readFileSync(path.join(HERE, '..', 'images.test.mjs'), 'utf8')
  const literal = source.match(/const JPEG = Buffer\.from\(([\s\S]*?), 'base64'\)/)[1]
  return Buffer.from(literal.replace(/'\s*\+\s*'/g, '').replace(/['\s]/g, ''), 'base64')
}

function writeCorpus (name, files) {
  const dir = path.join(FUZZ, name)
  // Inputs named regression-* are findings of earlier fuzzing: kept.
  for (const file of existsSync(dir) ? readdirSync(dir) : []) if (!file.startsWith('regression-')) rmSync(path.join(dir, file))
  mkdirSync(dir, { recursive: true })
  for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes)
  console.log(`${dir}: ${Object.keys(files).length} seeds`)
}

// --- decode ---------------------------------------------------------------
const jpeg = testJpeg()
const progressive = Buffer.from(jpeg)
progressive[progressive.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc2 // SOF0 -> SOF2
writeCorpus('decode', {
  'gray-1x1.png': png(1, 1, 0, 8),
  'gray-7x3-1bit.png': png(7, 3, 0, 1),
  'rgb-5x4.png': png(5, 4, 2, 8, { filter: 1 }),
  'rgb-3x3-16bit.png': png(3, 3, 2, 16, { filter: 3 }),
  'palette-6x2.png': png(6, 2, 3, 8, { palette: Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255]) }),
  'gray-alpha-4x4.png': png(4, 4, 4, 8, { filter: 2 }),
  'rgba-9x5.png': png(9, 5, 6, 8, { filter: 4 }),
  'face-80x60.jpg': jpeg,
  'face-80x60-sof2.jpg': progressive
})

// --- weights: operations as tests/fuzz/fuzz_weights.c reads them ----------
// add: op 0, name index, shape mode 0 (the right shape), dtype byte (0: uint8
// quantized, 129: float32), scale index 0 (0.01), min index 2 (-1), data mode
// 1 (generated, exact size) with a 2-byte seed.
const TINY_TENSORS = 19
const add = (index, { dtype = 0, dataMode = 1, extra = [] } = {}) => [0, index, 0, dtype, 0, 2, dataMode, ...extra, 0, 7]
const FINISH = [12]
const allTiny = (options) => Array.from({ length: TINY_TENSORS }, (_, i) => add(i, options)).flat()
writeCorpus('weights', {
  'tiny-uint8-finish': Buffer.from([0, ...allTiny(), ...FINISH]),
  'tiny-float32-finish': Buffer.from([0, ...allTiny({ dtype: 129 }), ...FINISH]),
  'tiny-nan': Buffer.from([0, ...Array.from({ length: TINY_TENSORS }, (_, i) => add(i, { dtype: 129, dataMode: i === 5 ? 2 : 1, extra: i === 5 ? [0, 3] : [] })).flat(), ...FINISH]),
  'tiny-short-shard': Buffer.from([0, ...allTiny().slice(0, -10), ...add(18, { dataMode: 3, extra: [0xf0] }), ...FINISH]),
  'tiny-duplicate': Buffer.from([0, ...add(0), ...add(0), ...FINISH]),
  'tiny-missing-then-restart': Buffer.from([0, ...add(0), ...add(1), ...FINISH, 15, ...allTiny(), ...FINISH]),
  'odd-shape-and-name': Buffer.from([0, 0, 210, 65, 66, 0, 67, 68, 69, 70, 71, 72, 73, 74, 3, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 3]),
  'forged-handle': Buffer.from([0, 14, 0, 0, 0, 7, 14, 255, 255, 255, 255])
})

// --- detect: net, weight seed, magnitude, width, height, 4 knobs, pixels ----
// net: the index in FUZZ_NETS (tests/fuzz/fuzz_nets.h).
const NET = { tiny: 0, ssd: 1, landmarks: 2, landmarksTiny: 3, recognition: 4, expression: 5, ageGender: 6, mtcnn: 7 }
const detect = (w, h, { net = NET.tiny, seed = 0, magnitude = 1, knobs = [4, 128, 1, 0], pixels = [90, 120, 200, 255, 30, 60, 10, 255] } = {}) =>
  Buffer.from([net, seed, magnitude, w >> 8, w & 255, h >> 8, h & 255, ...knobs, ...pixels])
const noise = Array.from({ length: 997 }, (_, i) => (i * 7919) & 255)
// The face nets take a crop from the knobs (x, y, width, height; 255 reaches
// outside). Few seeds for the nets with fixed large inputs (SSD, the face
// nets): each takes seconds under the sanitizers, and every fuzz run, also
// the short one in make test, starts by running all seeds.
const faceNetSeeds = (name, net) => ({
  [`${name}-crop-tall`]: detect(30, 200, { net, magnitude: 2, knobs: [3, 7, 5, 180], pixels: noise }),
  [`${name}-crop-outside`]: detect(40, 40, { net, knobs: [10, 10, 255, 20] }),
  [`${name}-overflowing`]: detect(50, 50, { net, magnitude: 4, knobs: [0, 0, 49, 49], pixels: noise })
})
writeCorpus('detect', {
  '40x30': detect(40, 30),
  '1x1': detect(1, 1),
  '1x250': detect(1, 250, { knobs: [1, 40, 0, 0] }),
  '250x1': detect(250, 1, { knobs: [3, 200, 1, 0] }),
  '0x5': detect(0, 5),
  'huge-side': detect(0x8000 | 5000, 2),
  'invalid-input-size': detect(64, 64, { knobs: [11, 128, 0, 0] }),
  'threshold-0': detect(64, 48, { knobs: [0, 0, 0, 0] }),
  'overflowing-weights': detect(96, 96, { magnitude: 4, knobs: [2, 10, 1, 0] }),
  'large-weights-224': detect(200, 180, { magnitude: 3, seed: 1, knobs: [7, 3, 1, 0] }),
  'noise-128': detect(130, 97, { knobs: [3, 26, 1, 0], pixels: noise }),
  'ssd-80x60': detect(80, 60, { net: NET.ssd, knobs: [127, 5, 1, 0], pixels: noise }),
  'ssd-invalid-confidence': detect(20, 20, { net: NET.ssd, knobs: [254, 1, 0, 0] }),
  'mtcnn-120x100': detect(120, 100, { net: NET.mtcnn, knobs: [3, 63, 40, 150], pixels: noise }),
  'mtcnn-no-scales': detect(40, 40, { net: NET.mtcnn, knobs: [0, 0, 0, 0] }),
  'mtcnn-zero-scale': detect(40, 40, { net: NET.mtcnn, knobs: [1, 0, 0, 100] }),
  'mtcnn-overflowing': detect(90, 70, { net: NET.mtcnn, magnitude: 4, knobs: [2, 60, 30, 0], pixels: noise }),
  ...faceNetSeeds('landmarks', NET.landmarks),
  ...faceNetSeeds('landmarks-tiny', NET.landmarksTiny),
  ...faceNetSeeds('recognition', NET.recognition),
  ...faceNetSeeds('expression', NET.expression),
  ...faceNetSeeds('age-gender', NET.ageGender)
})
