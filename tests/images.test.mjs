// Bad images and inputs through faceapi.detectAllFaces with a loaded Tiny Face
// Detector: every failure must reject with a clear FacewasmError (never a wasm
// trap) and leave the shared wasm instance working; odd but valid inputs
// (1x1, 1xN, Nx1) must work; overlapping calls must not disturb each other.
//
// Weights come from $FACEWASM_MODELS, else <repo>/models (`make models`).
// Fixtures are generated here (synthetic RGBA, PNGs from tests/fixtures.mjs's
// encoder, one embedded JPEG) and written to a temporary folder removed afterwards.
//
//   node --test tests/images.test.mjs

import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

import * as faceapi from '../js/index.mjs'
import { PNG_SIGNATURE, encodePng, pngChunk, pngHeader, syntheticFace } from './fixtures.mjs'
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../js/input.mjs'
import { getCore } from '../js/wasm.mjs'
import { modelsDir, sharedPath } from './shared.mjs'

const MODELS = path.resolve(modelsDir)
const SHARED_FACES = sharedPath('testdata', 'decoded', 'faces.png')

if (!existsSync(path.join(MODELS, 'tiny_face_detector_model-weights_manifest.json'))) {
  throw new Error(`weights not found in ${MODELS}. Run 'make models', or set FACEWASM_MODELS to a folder ` +
    "holding face-api.js's tiny_face_detector_model files.")
}

// An 80x60 baseline JPEG (quality 50, 4:2:0) of a drawn face on a gradient,
// made once with jpeg-js 0.4.4's encoder; 1215 bytes.
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19i' +
  'Z2hnPk1xeXBkeFxlZ2MBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj' +
  'Y2NjY//AABEIADwAUAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQEC' +
  'AwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm' +
  'Z2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq' +
  '8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIy' +
  'gQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SF' +
  'hoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEA' +
  'AhEDEQA/AMatjIKBi0gFoGFAxaQwoGLQMWkMKBkdUcwtAwoGWLWymu2xGvy92PQfjUSmo7lxg5bGrHocIX95K7HPVcD/ABrF1n0R' +
  'uqK6sV9DgKnZLIG7E4IpKs+o/YozrzT5rQ5Yb4/76jj8fStYzUjKUHEq1ZItAwpDI6s5haQyW2ga4uEiXqx6+g7mlKXKrlxXM7HU' +
  'wxLDEsaDCqMCuJu7uzvSsrIfSGFACEBlKsAQeCD3oA5q9tvstyY8kr1UnuK64y5lc5JR5XYgqhC0DIqo5RaBmloX/H4//XM/zFY1' +
  'vhOih8Rq39lHqFq1vMzqhIOUbB4/n+Nc6dnc62rqwzTNMh0yJ44GkYO2472z+nSnKVxRioj7+yj1C1a3mZ1QkHKNg8fz/GknZ3G1' +
  'dWGaZpkOmRPHA0jB23He2f06U5SuKMVEq67/AMsP+Bf0rSl1Mq3Qya3MRaQyKqOUWgZf0aRY73DHG9So+v8AkVnVV4m9CSUtToK5' +
  'TuKj6nZxuyPNhlJBG09fyp2K5JDf7Wsv+e//AI43+FFg5JF2kSY+tyK0scYOWQEn8f8A9Vb0lpc56z1SMytTEWgZHVHMFAxykqQV' +
  'JBHII7UhpnQWF+lyiozYmxyD39xXNODj6HdTqqSt1LlZmwUAV7q8itV+Y5cjIUdTVRi5ETmo7nPyO0rl3Ysx6k10pW2ONtt3Y2gB' +
  'aBkdUcwUDFoGLSGWY7+6QYEzH/e5/nUuEX0NFVmuorahdOpUzHB9AAf0pckew/azfUrkliSxJJ5JNUTcKAFoGFIZHVnMFIYtAxaB' +
  'hSGLQMKBi0DFpDCgZ//Z', 'base64')

const OPTIONS = () => new faceapi.TinyFaceDetectorOptions()

// ---------------------------------------------------------------------------
// Fixtures

/** A PNG whose header claims width x height, with a tiny (inconsistent) IDAT. */
const pngClaiming = (width, height) => Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', pngHeader(width, height)),
  pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(16))), pngChunk('IEND', Buffer.alloc(0))])

/** Offsets of JPEG markers before the entropy-coded data: { 0xdb: DQT, 0xc0: SOF0, 0xc4: DHT, 0xda: SOS }. */
function jpegMarkers (jpeg) {
  const at = {}
  let i = 2
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
    const marker = jpeg[i + 1]
    at[marker] ??= i
    if (marker === 0xda) break
    i += 2 + jpeg.readUInt16BE(i + 2)
  }
  return at
}
/** The JPEG with its SOF0 claiming width x height. */
function jpegClaiming (width, height) {
  const out = Buffer.from(JPEG)
  const sof = jpegMarkers(out)[0xc0]
  out.writeUInt16BE(height, sof + 5)
  out.writeUInt16BE(width, sof + 7)
  return out
}

const GOOD = syntheticFace(200, 200, 1)
const GOOD_PNG = encodePng(GOOD)

const TMP = await fs.mkdtemp(path.join(os.tmpdir(), 'facewasm-images-'))
after(() => fs.rm(TMP, { recursive: true, force: true }))
process.once('exit', () => rmSync(TMP, { recursive: true, force: true })) // if after() never runs

// ---------------------------------------------------------------------------
// Helpers

const summarize = (faces) => faces.map((f) => ({
  score: f.score, x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height, image: [f.imageWidth, f.imageHeight]
}))

await faceapi.nets.tinyFaceDetector.loadFromDisk(MODELS)
const BASELINE = summarize(await faceapi.detectAllFaces(GOOD, OPTIONS()))
assert.equal(BASELINE.length, 1, 'the synthetic face must be detected, or "still works" proves little')

/** A normal detection on a good input still gives the baseline (the wasm instance is not trapped). */
async function stillWorks () {
  assert.deepEqual(summarize(await faceapi.detectAllFaces(GOOD, OPTIONS())), BASELINE)
}

/** Awaits a rejection: an Error, never a wasm trap. Returns it. */
async function failure (promiseLike) {
  try {
    await promiseLike
  } catch (error) {
    assert.ok(error instanceof Error, `rejected with a non-Error: ${String(error)}`)
    assert.ok(!(error instanceof WebAssembly.RuntimeError), `wasm trap: ${error.stack}`)
    assert.doesNotMatch(error.message, /unreachable|out of bounds|RuntimeError/, 'looks like a wasm trap')
    return error
  }
  assert.fail('expected a rejection')
}

/** detectAllFaces(input) must reject with a FacewasmError matching every pattern; then a good detection must work. */
async function rejects (t, input, patterns, options = OPTIONS()) {
  const error = await failure(faceapi.detectAllFaces(input, options))
  t?.diagnostic(error.message)
  assert.ok(error instanceof faceapi.FacewasmError, `expected a FacewasmError, got ${error.name}: ${error.message}`)
  for (const p of patterns) assert.match(error.message, p)
  await stillWorks()
  return error
}

/**
 * A decode error must say which format is corrupt and give a reason that fits
 * it: not empty, not a leftover from trying the other format ("bad png sig" for
 * a JPEG, "no SOI" for a PNG), not "unknown image type" for a file whose
 * signature was recognised, no raw bytes.
 */
function assertClearDecodeError (error, format) {
  assert.match(error.message, new RegExp(format))
  assert.doesNotMatch(error.message, /unknown image type/, `unclear: ${JSON.stringify(error.message)}`)
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f\ufffd]/, `raw bytes in: ${JSON.stringify(error.message)}`)
  const reason = error.message.split(/corrupt (?:JPEG|PNG) image:/)[1]
  if (reason !== undefined) assert.match(reason.trim(), /^[\x20-\x7e]{4,}$/, `no real reason given: ${JSON.stringify(error.message)}`)
  const foreign = format === 'JPEG' ? /png|IDAT|IHDR|chunk/i : /jpe?g|\bSOI\b|\bSOF\b|\bDHT\b|marker/i
  assert.doesNotMatch(error.message, foreign, `reason belongs to the other format: ${JSON.stringify(error.message)}`)
}

/** Either a clear rejection or a decoded image of the expected size (for truncations a decoder may tolerate). */
async function rejectsClearlyOrDecodes (t, input, format, width, height) {
  let faces
  try {
    faces = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize: 128, scoreThreshold: 0.3 }))
  } catch (error) {
    assert.ok(!(error instanceof WebAssembly.RuntimeError), `wasm trap: ${error.stack}`)
    t.diagnostic(`rejected: ${error.message}`)
    assert.ok(error instanceof faceapi.FacewasmError, `${error.name}: ${error.message}`)
    assertClearDecodeError(error, format)
    await stillWorks()
    return
  }
  t.diagnostic(`decoded, ${faces.length} faces`)
  assert.ok(Array.isArray(faces))
  for (const f of faces) assert.deepEqual([f.imageWidth, f.imageHeight], [width, height])
  await stillWorks()
}

// ---------------------------------------------------------------------------

describe('files and encoded bytes', () => {
  test('a path that does not exist: the path and "no such file"', async (t) => {
    const missing = path.join(TMP, 'no-such-image.jpg')
    await rejects(t, missing, [/no such file/, new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))])
  })

  test('a directory path', async (t) => {
    await rejects(t, TMP, [new RegExp(path.basename(TMP)), /it is a directory/])
  })

  test('a device or a pipe: refused before reading (/dev/zero never ends)', async (t) => {
    await rejects(t, '/dev/zero', [/cannot read image '\/dev\/zero': not a regular file/])
    const fifo = path.join(TMP, 'pipe.jpg')
    await promisify(execFile)('mkfifo', [fifo]) // opening it for reading would wait for a writer
    await rejects(t, fifo, [/pipe\.jpg': not a regular file/])
  })

  test('a detached ArrayBuffer (transferred to a worker)', async (t) => {
    const transferred = (bytes) => { structuredClone(bytes.buffer, { transfer: [bytes.buffer] }); return bytes }
    await rejects(t, transferred(new Uint8Array(JPEG)).buffer, [/detached/])
    await rejects(t, { data: transferred(new Uint8ClampedArray(16)), width: 2, height: 2 }, [/detached/])
  })

  test('a text file: unsupported format, with the path', async (t) => {
    const file = path.join(TMP, 'notes.txt')
    await fs.writeFile(file, 'These are not the pixels you are looking for.\n')
    await rejects(t, file, [/unsupported image format/, /JPEG and PNG/, /notes\.txt/])
  })

  test('an empty Buffer, Uint8Array and ArrayBuffer', async (t) => {
    for (const empty of [Buffer.alloc(0), new Uint8Array(0), new ArrayBuffer(0)]) await rejects(t, empty, [/empty/])
  })

  test('an empty file', async (t) => {
    const file = path.join(TMP, 'empty.png')
    await fs.writeFile(file, '')
    await rejects(t, file, [/empty/, /empty\.png/])
  })

  test('random bytes', async (t) => {
    let s = 7
    const random = Buffer.alloc(4096).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24)
    await rejects(t, random, [/unsupported image format/])
  })

  for (const [format, signature] of [['PNG', PNG_SIGNATURE], ['JPEG', Buffer.from([0xff, 0xd8, 0xff])]]) {
    test(`random bytes after a ${format} signature`, async (t) => {
      let s = 11
      const random = Buffer.alloc(2048).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24)
      assertClearDecodeError(await rejects(t, Buffer.concat([signature, random]), [new RegExp(`corrupt ${format}`)]), format)
    })
  }

  test('the fixtures are valid: PNG and JPEG decode and show the face', async () => {
    assert.deepEqual(summarize(await faceapi.detectAllFaces(GOOD_PNG, OPTIONS())), BASELINE)
    const faces = await faceapi.detectAllFaces(JPEG, new faceapi.TinyFaceDetectorOptions({ inputSize: 128, scoreThreshold: 0.3 }))
    assert.equal(faces.length, 1)
    assert.deepEqual([faces[0].imageWidth, faces[0].imageHeight], [80, 60])
  })

  describe('truncated PNG', () => {
    const idat = 33 // signature 8 + IHDR chunk 25
    const cuts = [
      ['inside the IHDR chunk', 20],
      ['after IHDR, before any IDAT', idat],
      ['inside the IDAT chunk header', idat + 6],
      ['in the middle of the compressed data', GOOD_PNG.length >> 1],
      ['just before the end of the compressed data', GOOD_PNG.length - 12 - 4 - 10]
    ]
    for (const [name, cut] of cuts) {
      test(`${name} (first ${cut} of ${GOOD_PNG.length} bytes)`, async (t) => {
        assertClearDecodeError(await rejects(t, GOOD_PNG.subarray(0, cut), [/corrupt PNG|truncated/]), 'PNG')
      })
    }
    test('IEND missing: decodes as the full file, or a clear error', async (t) => {
      await rejectsClearlyOrDecodes(t, GOOD_PNG.subarray(0, GOOD_PNG.length - 12), 'PNG', 200, 200)
    })
  })

  test('JPEGs of kinds the decoder does not take: named as unsupported, not as corrupt', async (t) => {
    const sof = jpegMarkers(JPEG)[0xc0]
    const variant = (marker, precision = 8) => {
      const out = Buffer.from(JPEG)
      out[sof + 1] = marker
      out[sof + 4] = precision
      return out
    }
    await rejects(t, variant(0xc3), [/unsupported JPEG image: lossless/])
    await rejects(t, variant(0xc9), [/unsupported JPEG image: arithmetic-coded/])
    await rejects(t, variant(0xc5), [/unsupported JPEG image: hierarchical/])
    await rejects(t, variant(0xc0, 12), [/unsupported JPEG image: 12-bit samples/])
  })

  describe('truncated JPEG', () => {
    const m = jpegMarkers(JPEG)
    const eoi = JPEG.length - 2
    test('fixture layout', () => {
      for (const marker of [0xdb, 0xc0, 0xc4, 0xda]) assert.ok(m[marker] > 0, `marker ff${marker.toString(16)}`)
      assert.deepEqual([...JPEG.subarray(eoi)], [0xff, 0xd9])
    })
    const inHeaders = [
      ['inside the quantization tables (DQT)', m[0xdb] + 10],
      ['inside the frame header (SOF0)', m[0xc0] + 6],
      ['inside the Huffman tables (DHT)', m[0xc4] + 50],
      ['inside the scan header (SOS)', m[0xda] + 6]
    ]
    for (const [name, cut] of inHeaders) {
      test(`${name}: rejected clearly (first ${cut} of ${JPEG.length} bytes)`, async (t) => {
        assertClearDecodeError(await rejects(t, JPEG.subarray(0, cut), [/corrupt JPEG|truncated/]), 'JPEG')
      })
    }
    const inData = [
      ['right after the scan header', m[0xda] + 2 + JPEG.readUInt16BE(m[0xda] + 2) + 8],
      ['in the middle of the entropy-coded data', (m[0xda] + eoi) >> 1],
      ['EOI marker missing', eoi]
    ]
    for (const [name, cut] of inData) {
      test(`${name}: partial decode or a clear error (first ${cut} bytes)`, async (t) => {
        await rejectsClearlyOrDecodes(t, JPEG.subarray(0, cut), 'JPEG', 80, 60)
      })
    }
  })

  describe('headers claiming huge images: rejected as too large, quickly, without allocating', () => {
    const huge = [
      ['PNG 100000 x 100000', () => pngClaiming(100000, 100000)],
      ['PNG 20000 x 16 (one side over the limit)', () => pngClaiming(20000, 16)],
      ['PNG 16384 x 16384 (sides in range, too many pixels)', () => pngClaiming(16384, 16384)],
      ['PNG 2147483647 x 1', () => pngClaiming(2 ** 31 - 1, 1)],
      ['JPEG 60000 x 60000', () => jpegClaiming(60000, 60000)],
      ['JPEG 16000 x 16000', () => jpegClaiming(16000, 16000)]
    ]
    for (const [name, make] of huge) {
      test(name, async (t) => {
        const core = await getCore()
        const memoryBefore = core.memory.buffer.byteLength
        const start = performance.now()
        const error = await failure(faceapi.detectAllFaces(make(), OPTIONS()))
        const ms = performance.now() - start
        t.diagnostic(error.message)
        assert.match(error.message, /too large/)
        assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`)
        assert.equal(core.memory.buffer.byteLength, memoryBefore, 'wasm memory grew')
        await stillWorks()
      })
    }
    test('pixels 20000 x 1', async (t) => {
      await rejects(t, { data: new Uint8Array(20000 * 4), width: 20000, height: 1 }, [/too large/, /20000 x 1/])
    })
    test('pixels 8193 x 8193 (over 64 megapixels): refused before they are copied in', async (t) => {
      const core = await getCore()
      const memoryBefore = core.memory.buffer.byteLength
      await rejects(t, { data: new Uint8Array(8193 * 8193 * 4), width: 8193, height: 8193 }, [/too large/, /8193 x 8193/])
      assert.equal(core.memory.buffer.byteLength, memoryBefore, 'wasm memory grew')
    })
  })

  test('150 mutated PNGs and 150 mutated JPEGs: decode or reject, never trap', async () => {
    const smallPng = encodePng(syntheticFace(64, 48, 5))
    let s = 12345
    const rnd = (n) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n }
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 128 })
    const outcomes = { decoded: 0, rejected: 0 }
    for (const original of [smallPng, JPEG]) {
      for (let k = 0; k < 150; k++) {
        const bytes = Buffer.from(original)
        for (let i = 1 + rnd(8); i > 0; i--) bytes[rnd(Math.min(bytes.length, 700))] = rnd(256)
        try {
          const faces = await faceapi.detectAllFaces(bytes, options)
          assert.ok(Array.isArray(faces))
          outcomes.decoded++
        } catch (error) {
          assert.ok(error instanceof faceapi.FacewasmError, `mutation ${k}: ${error.name}: ${error.message}`)
          outcomes.rejected++
        }
      }
    }
    assert.ok(outcomes.decoded > 0 && outcomes.rejected > 0, JSON.stringify(outcomes))
    await stillWorks()
  })
})

describe('pixel objects', () => {
  test('the glue checks pixels against the core\'s own limits (csrc/image/codec.h)', async () => {
    const header = await fs.readFile(new URL('../csrc/image/codec.h', import.meta.url), 'utf8')
    assert.equal(Number(/#define FW_MAX_IMAGE_SIDE (\d+)/.exec(header)?.[1]), MAX_IMAGE_SIDE)
    assert.equal(/#define FW_MAX_IMAGE_PIXELS \((\d+)u \* 1024u \* 1024u\)/.exec(header)?.[1] * 1024 * 1024, MAX_IMAGE_PIXELS)
  })

  test('{ data, width: 0, height: 0 }', async (t) => {
    await rejects(t, { data: new Uint8Array(0), width: 0, height: 0 }, [/no pixels/, /0 x 0/])
  })

  test('negative, fractional and non-number sizes', async (t) => {
    await rejects(t, { data: new Uint8Array(16), width: -2, height: -2 }, [/no pixels/])
    await rejects(t, { data: new Uint8Array(16), width: 2.5, height: 1.6 }, [/no pixels/])
    await rejects(t, { data: new Uint8Array(16), width: '2', height: '2' }, [/must be numbers of pixels, got "2" x "2"/])
    await rejects(t, { data: new Uint8Array(16), width: NaN, height: 2 }, [])
  })

  test('very thin images (16384 x 8, 3 x 16384): both detectors give finite boxes', async (t) => {
    // the short side scaled to the input rounds to 0 pixels; face-api.js would divide by it
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(MODELS)
    for (const [width, height] of [[16384, 8], [3, 16384]]) {
      const data = new Uint8Array(width * height * 4).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 255)
      for (const options of [new faceapi.TinyFaceDetectorOptions({ scoreThreshold: 1e-6 }), new faceapi.SsdMobilenetv1Options({ minConfidence: 0.01 })]) {
        const faces = await faceapi.detectAllFaces({ data, width, height }, options)
        t.diagnostic(`${width} x ${height}, ${options._name}: ${faces.length} boxes`)
        for (const { box } of faces) assert.ok([box.x, box.y, box.width, box.height].every(Number.isFinite), JSON.stringify(box))
      }
    }
    faceapi.nets.ssdMobilenetv1.dispose()
  })

  test('data of the wrong length', async (t) => {
    await rejects(t, { data: new Uint8Array(399), width: 10, height: 10 }, [/399 bytes/, /400/])
    await rejects(t, { data: new Uint8Array(401), width: 10, height: 10 }, [/401 bytes/, /400/])
    await rejects(t, { data: new Uint8Array(300), width: 10, height: 10 }, [/300 bytes/, /10 x 10/, /400/]) // RGB, not RGBA
  })

  test('data that is not bytes', async (t) => {
    await rejects(t, { data: Array.from({ length: 16 }, () => 128), width: 2, height: 2 }, [/Uint8Array/])
    await rejects(t, { data: new Float32Array(16), width: 2, height: 2 }, [/Uint8Array/])
    await rejects(t, { data: null, width: 2, height: 2 }, [/Uint8Array/])
  })

  test('1 x 1 works and finds nothing (pixels and PNG)', async () => {
    const pixel = { data: new Uint8ClampedArray([200, 150, 120, 255]), width: 1, height: 1 }
    assert.deepEqual(await faceapi.detectAllFaces(pixel, OPTIONS()), [])
    assert.deepEqual(await faceapi.detectAllFaces(encodePng(pixel), OPTIONS()), [])
    assert.equal(await faceapi.detectSingleFace(pixel, OPTIONS()), undefined)
    await stillWorks()
  })

  test('1 x N and N x 1 work', async () => {
    for (const [width, height] of [[1, 500], [500, 1], [1, 4000], [4000, 1], [2, 3], [3, 2]]) {
      const image = syntheticFace(width, height, width + height)
      for (const input of [image, encodePng(image)]) {
        const faces = await faceapi.detectAllFaces(input, OPTIONS())
        assert.ok(Array.isArray(faces), `${width} x ${height}`)
        for (const f of faces) {
          assert.deepEqual([f.imageWidth, f.imageHeight], [width, height])
          assert.ok([f.score, f.box.x, f.box.y, f.box.width, f.box.height].every(Number.isFinite))
        }
      }
    }
    await stillWorks()
  })

  test('the same image as pixels, PNG Buffer, Uint8Array view, ArrayBuffer and file path gives the same faces', async () => {
    const file = path.join(TMP, 'face.png')
    await fs.writeFile(file, GOOD_PNG)
    const padded = new Uint8Array(GOOD_PNG.length + 64)
    padded.set(GOOD_PNG, 32)
    const inputs = [
      GOOD,
      { data: new Uint8Array(GOOD.data), width: 200, height: 200 },
      GOOD_PNG,
      new Uint8Array(GOOD_PNG),
      padded.subarray(32, 32 + GOOD_PNG.length), // a view with a byteOffset
      GOOD_PNG.buffer.slice(GOOD_PNG.byteOffset, GOOD_PNG.byteOffset + GOOD_PNG.length),
      file
    ]
    for (const input of inputs) assert.deepEqual(summarize(await faceapi.detectAllFaces(input, OPTIONS())), BASELINE)
  })
})

describe('options', () => {
  test('inputSize not divisible by 32: face-api.js message', async () => {
    assert.throws(() => new faceapi.TinyFaceDetectorOptions({ inputSize: 100 }), /expected inputSize to be a number divisible by 32/)
    assert.throws(() => new faceapi.TinyFaceDetectorOptions({ inputSize: '416' }), /expected inputSize to be a number divisible by 32/)
    const error = await failure(faceapi.nets.tinyFaceDetector.locateFaces(GOOD, { inputSize: 100 }))
    assert.match(error.message, /expected inputSize to be a number divisible by 32/)
    await assert.rejects(faceapi.nets.tinyFaceDetector.forward(GOOD, 100), /expected inputSize to be a number divisible by 32/)
    await stillWorks()
  })

  test('scoreThreshold out of (0, 1): face-api.js message', async () => {
    assert.throws(() => new faceapi.TinyFaceDetectorOptions({ scoreThreshold: 1.5 }), /expected scoreThreshold to be a number between 0 and 1/)
    assert.throws(() => new faceapi.TinyFaceDetectorOptions({ scoreThreshold: -0.2 }), /between 0 and 1/)
    assert.throws(() => new faceapi.TinyFaceDetectorOptions({ scoreThreshold: 1 }), /between 0 and 1/)
    const error = await failure(faceapi.nets.tinyFaceDetector.locateFaces(GOOD, { scoreThreshold: 1.5 }))
    assert.match(error.message, /between 0 and 1/)
    await stillWorks()
  })

  test('smallest input size 32 works', async () => {
    assert.ok(Array.isArray(await faceapi.detectAllFaces(GOOD, new faceapi.TinyFaceDetectorOptions({ inputSize: 32 }))))
    await stillWorks()
  })

  test('negative or huge input sizes (divisible by 32) are rejected by the core with the size given', async (t) => {
    for (const inputSize of [-32, 2048, 2 ** 30]) {
      await rejects(t, GOOD, [/inputSize/, new RegExp(`(?<![\\d.])${inputSize}(?![\\d.])`)], new faceapi.TinyFaceDetectorOptions({ inputSize }))
    }
  })

  test('inputSize beyond 32 bits is reported as given, not wrapped', async (t) => {
    for (const inputSize of [2 ** 32, 2 ** 32 + 416]) {
      await rejects(t, GOOD, [/inputSize/, new RegExp(`(?<![\\d.])${inputSize}(?![\\d.])`)], new faceapi.TinyFaceDetectorOptions({ inputSize }))
    }
  })
})

describe('unsupported inputs', () => {
  const inputs = [
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['a boolean', true],
    ['a symbol', Symbol('image')],
    ['a function', () => GOOD],
    ['an Int16Array', new Int16Array(8)],
    ['a DataView', new DataView(new ArrayBuffer(8))],
    ['an object with data but no size', { data: new Uint8Array(4) }]
  ]
  for (const [name, input] of inputs) {
    test(`${name}: "unsupported input"`, async (t) => {
      await rejects(t, input, [/unsupported input/])
    })
  }
  test('an array: one image at a time', async (t) => {
    await rejects(t, [1, 2, 3], [/take one image; for several, call them once per image/])
  })
})

describe('overlapping calls', () => {
  test('20 concurrent detectAllFaces on different images equal the same calls made sequentially', async () => {
    const sizes = [128, 160, 224, 320, 416]
    const calls = []
    for (let i = 0; i < 20; i++) {
      const image = syntheticFace(96 + 24 * (i % 7), 96 + 20 * (i % 5), 100 + i, { fx: 0.4 + 0.05 * (i % 4), fy: 0.45 + 0.05 * (i % 3), fs: 0.8 + 0.1 * (i % 3) })
      const png = encodePng(image)
      let input
      switch (i % 5) {
        case 0: input = image; break
        case 1: input = png; break
        case 2: input = path.join(TMP, `concurrent-${i}.png`); await fs.writeFile(input, png); break
        case 3: input = png.buffer.slice(png.byteOffset, png.byteOffset + png.length); break
        default: input = { data: new Uint8Array(image.data), width: image.width, height: image.height }
      }
      calls.push({ input, options: new faceapi.TinyFaceDetectorOptions({ inputSize: sizes[i % sizes.length], scoreThreshold: 0.3 }) })
    }
    const sequential = []
    for (const { input, options } of calls) sequential.push(summarize(await faceapi.detectAllFaces(input, options)))
    const concurrent = (await Promise.all(calls.map(({ input, options }) => faceapi.detectAllFaces(input, options)))).map(summarize)
    assert.deepEqual(concurrent, sequential)
    // The comparison means something only if the results differ from call to call.
    assert.ok(sequential.filter((r) => r.length > 0).length >= 10, 'too few images with a face')
    assert.ok(new Set(sequential.map((r) => JSON.stringify(r))).size >= 15, 'results too alike')

    // Again, with failing calls interleaved.
    const bad = [Buffer.from('nope'), { data: new Uint8Array(3), width: 1, height: 1 }, path.join(TMP, 'missing.png'), 42, JPEG.subarray(0, 100)]
    const mixed = calls.flatMap((call, i) => i % 4 === 0 ? [call, { input: bad[(i / 4) % bad.length], options: OPTIONS(), bad: true }] : [call])
    const settled = await Promise.allSettled(mixed.map(({ input, options }) => faceapi.detectAllFaces(input, options)))
    const goodResults = []
    settled.forEach((r, i) => {
      if (mixed[i].bad) {
        assert.equal(r.status, 'rejected')
        assert.ok(r.reason instanceof faceapi.FacewasmError, String(r.reason))
      } else {
        assert.equal(r.status, 'fulfilled', r.reason?.message)
        goodResults.push(summarize(r.value))
      }
    })
    assert.deepEqual(goodResults, sequential)
    await stillWorks()
  })

  test('a real photo (../shared/testdata/decoded/faces.png): path, Buffer and concurrent calls agree', async (t) => {
    if (!existsSync(SHARED_FACES)) { t.skip(`${SHARED_FACES} not present`); return }
    const bytes = await fs.readFile(SHARED_FACES)
    const fromPath = summarize(await faceapi.detectAllFaces(SHARED_FACES, OPTIONS()))
    t.diagnostic(`${fromPath.length} faces`)
    assert.ok(fromPath.length >= 4, `found ${fromPath.length} faces; face-api.js finds 6 at inputSize 416`)
    assert.deepEqual(summarize(await faceapi.detectAllFaces(bytes, OPTIONS())), fromPath)
    const together = await Promise.all([SHARED_FACES, bytes, GOOD, GOOD_PNG].map((input) => faceapi.detectAllFaces(input, OPTIONS())))
    assert.deepEqual(together.map(summarize), [fromPath, fromPath, BASELINE, BASELINE])
  })
})

describe('16-bit PNG', () => {
  // Decoded at 16 bits and reduced to 8 by the core (csrc/image/codec.c), keeping
  // the high byte, as stb_image's own 8-bit path does.
  test('RGB and grey+alpha 16-bit PNGs decode to the high bytes of their samples', async () => {
    const { decodeInCore } = await import('../js/input.mjs')
    const core = await getCore()
    const width = 5
    const height = 3
    for (const [colorType, channels] of [[2, 3], [4, 2]]) {
      const samples = Array.from({ length: width * height * channels }, (_, i) => (i * 40503 + 7) & 0xffff)
      const raw = Buffer.alloc((width * channels * 2 + 1) * height)
      samples.forEach((v, i) => raw.writeUInt16BE(v, Math.floor(i / (width * channels)) + 1 + 2 * i))
      const header = pngHeader(width, height)
      header[8] = 16
      header[9] = colorType
      const png = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))])
      const decoded = decodeInCore(core, png, '16-bit PNG')
      try {
        const rgba = Array.from(core.u8().subarray(decoded.pointer, decoded.pointer + width * height * 4))
        const expected = []
        for (let p = 0; p < width * height; p++) {
          const s = samples.slice(p * channels, (p + 1) * channels).map((v) => v >> 8)
          expected.push(...(channels === 3 ? [...s, 255] : [s[0], s[0], s[0], s[1]]))
        }
        assert.deepEqual([decoded.width, decoded.height], [width, height])
        assert.deepEqual(rgba, expected, `color type ${colorType}`)
      } finally {
        decoded.release()
      }
    }
  })
})
