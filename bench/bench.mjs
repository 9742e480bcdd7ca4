// facewasm vs face-api.js on tfjs-backend-wasm (XNNPACK, SIMD128, one thread), in one Node process.
//
//   node bench/bench.mjs [--image PNG] [--models DIR] [--tfjs-models DIR]
//                        [--runs N] [--warmup N] [--json]
//
// --models: our weights (default: models/, else /work/shared/models). --tfjs-models: theirs
// (default: the model/ folder of @vladmandic/face-api in bench/node_modules). --json prints the
// results as JSON on stdout and the human-readable report on stderr.
//
// Timing method: every case runs `warmup` untimed rounds (V8 starts wasm in Liftoff and tiers
// hot functions up to TurboFan, so the first calls are slow on both sides), then `runs` timed
// rounds. Each round times ours then theirs, back to back, so the load of this shared machine
// hits both sides equally; we report median (typical) and min (best case, least noise).
//
// What is timed, and why it is fair: on our side the input is an ImageData-like RGBA object,
// so every call copies the RGBA into wasm memory and resizes/normalizes it in C. On their side
// the RGBA -> int32 tensor conversion (what tf.browser.fromPixels does) happens once, outside
// timing (prepareImage), and each call then pads, resizes and normalizes that tensor. Both sides
// therefore time the full preprocessing from decoded pixels; only PNG decoding is excluded.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import * as faceapi from '../js/index.mjs'
import { createTfjsWasmRunner } from './tfjs_wasm.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def }
const firstWith = (dirs, file) => dirs.find((d) => fs.existsSync(path.join(d, file)))

const TINY_MANIFEST = 'tiny_face_detector_model-weights_manifest.json'
const OUR_MODELS = arg('models', firstWith([path.join(ROOT, 'models'), '/work/shared/models'], TINY_MANIFEST))
const TFJS_MODELS = arg('tfjs-models', path.join(HERE, 'node_modules/@vladmandic/face-api/model'))
const DEFAULT_IMAGE = path.resolve(ROOT, '../shared/testdata/decoded/faces.png')
const IMAGE = arg('image', fs.existsSync(DEFAULT_IMAGE) ? DEFAULT_IMAGE : null)
const RUNS = Number(arg('runs', 30))
const WARMUP = Number(arg('warmup', 10))
const JSON_OUT = flag('json')
const WASM_FILE = path.join(ROOT, 'wasm/facewasm.wasm')

// With --json, stdout carries only the JSON; the report (and any library chatter) goes to stderr.
const log = JSON_OUT ? (...a) => console.error(...a) : (...a) => console.log(...a)
if (JSON_OUT) console.log = console.info = console.warn = console.error
if (!OUR_MODELS) throw new Error(`no ${TINY_MANIFEST} in models/ or /work/shared/models; run \`make models\` or pass --models`)
if (RUNS < 20 || WARMUP < 5) log(`note: --runs ${RUNS} / --warmup ${WARMUP} is below the recommended 20 / 5`)

// ---- the image: decoded once, outside timing ----

// Deterministic stand-in when no photo is available: smooth gradients plus seeded noise, so
// the nets see realistic-looking (non-constant) data. It contains no faces.
function syntheticImage (width = 640, height = 480) {
  let seed = 0x9e3779b9
  const rand = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32 } // LCG
  const data = new Uint8Array(width * height * 4)
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      const n = (rand() - 0.5) * 40
      data[i] = 255 * x / width + n
      data[i + 1] = 255 * y / height + n
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 50) + n
      data[i + 3] = 255
    }
  }
  return { data, width, height }
}

const image = IMAGE
  ? (({ data, width, height }) => ({ data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height }))(PNG.sync.read(fs.readFileSync(IMAGE)))
  : syntheticImage()
const imageLabel = IMAGE ?? 'SYNTHETIC (gradients + noise, no faces; pass --image for a real photo)'

// ---- both sides, loaded once ----

await faceapi.nets.tinyFaceDetector.loadFromDisk(OUR_MODELS)
const tfjs = await createTfjsWasmRunner({ modelDir: TFJS_MODELS })
const tfImage = tfjs.prepareImage(image.data, image.width, image.height)

// ---- the cases ----
// Each case: { name, ours, theirs, check? }. ours/theirs are async and do the work fully (results
// read back to JS). check(oursResult, theirsResult) runs once before timing and returns a warning
// string or null. Adding a net or a pipeline is a few lines here.

const sameLength = (what) => (a, b) => a.length === b.length ? null : `${what}: ours ${a.length}, tfjs ${b.length}`

const cases = []
for (const inputSize of [416, 224]) {
  const options = { inputSize, scoreThreshold: 0.5 }
  cases.push({
    name: `tiny forward @${inputSize}`,
    ours: () => faceapi.nets.tinyFaceDetector.forward(image, inputSize),
    theirs: () => tfjs.tinyForward(tfImage, inputSize).then((n) => ({ length: n })), // tfjs returns the output size
    check: sameLength(`tiny forward @${inputSize} output size differs`)
  })
  cases.push({
    name: `tiny detectAllFaces @${inputSize}`,
    ours: () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions(options)),
    theirs: () => tfjs.tinyDetect(tfImage, inputSize),
    check: sameLength(`tiny detectAllFaces @${inputSize} found a different number of faces`)
  })
}

// ---- timing ----

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
const stats = (ms) => ({ median: median(ms), min: Math.min(...ms), runs: ms.length })
async function timed (fn) { const t0 = performance.now(); await fn(); return performance.now() - t0 }

const warnings = []
for (const c of cases) {
  const w = c.check?.(await c.ours(), await c.theirs())
  if (w) { warnings.push(w); log(`WARNING: ${w}`) }
}

const tensorsBefore = tfjs.tf.memory().numTensors
const results = []
for (const c of cases) {
  for (let i = 0; i < WARMUP; i++) { await c.ours(); await c.theirs() }
  const ours = []; const theirs = []
  for (let i = 0; i < RUNS; i++) { ours.push(await timed(c.ours)); theirs.push(await timed(c.theirs)) }
  const r = { name: c.name, ours: stats(ours), theirs: stats(theirs) }
  r.ratio = r.theirs.median / r.ours.median
  results.push(r)
}
const leaked = tfjs.tf.memory().numTensors - tensorsBefore
if (leaked) warnings.push(`tfjs leaked ${leaked} tensors during timing`)

// ---- report ----

const wasmBytes = fs.statSync(WASM_FILE).size
const tfjsWasmPath = path.join(path.dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm'))), tfjs.info.wasmBinary)
const tfjsWasmBytes = fs.existsSync(tfjsWasmPath) ? fs.statSync(tfjsWasmPath).size : null
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`
const ms = (x) => x.toFixed(2)

log(`image:   ${imageLabel} (${image.width}x${image.height})`)
log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, load avg ${os.loadavg()[0].toFixed(2)}`)
log(`ours:    wasm/facewasm.wasm ${kib(wasmBytes)}, models ${OUR_MODELS}`)
log(`tfjs:    @vladmandic/face-api ${tfjs.info.faceapiVersion}, tfjs ${tfjs.info.tfjsVersion} wasm backend, ${tfjs.info.wasmBinary}` +
  `${tfjsWasmBytes ? ` ${kib(tfjsWasmBytes)}` : ''}, ${tfjs.info.threads} thread, models ${TFJS_MODELS}`)
log(`timing:  ${WARMUP} warm-up + ${RUNS} timed rounds per case, ours/tfjs interleaved; ms\n`)
const rows = [['case', 'ours med', 'ours min', 'tfjs med', 'tfjs min', 'tfjs/ours'],
  ...results.map((r) => [r.name, ms(r.ours.median), ms(r.ours.min), ms(r.theirs.median), ms(r.theirs.min), `${r.ratio.toFixed(2)}x`])]
const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)))
rows.forEach((row, j) => {
  log(row.map((cell, k) => k ? cell.padStart(widths[k]) : cell.padEnd(widths[k])).join('  '))
  if (j === 0) log(widths.map((w) => '-'.repeat(w)).join('  '))
})
log('\ntfjs/ours > 1 means ours is faster (ratio of medians).')
for (const w of warnings) log(`WARNING: ${w}`)

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({
    image: { path: IMAGE, synthetic: !IMAGE, width: image.width, height: image.height },
    node: process.version,
    cpu: os.cpus()[0]?.model,
    runs: RUNS,
    warmup: WARMUP,
    ours: { wasmBytes, models: OUR_MODELS },
    tfjs: { ...tfjs.info, wasmBytes: tfjsWasmBytes, models: TFJS_MODELS },
    cases: results,
    warnings
  }, null, 2) + '\n')
}

tfjs.disposeImage(tfImage)
tfjs.dispose()
