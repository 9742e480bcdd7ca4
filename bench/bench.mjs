// facewasm vs face-api.js on tfjs-backend-wasm (XNNPACK, SIMD128, one thread), in one Node process.
//
//   node bench/bench.mjs [--image PNG] [--models DIR] [--tfjs-models DIR]
//                        [--synthetic] [--runs N] [--warmup N] [--warmup-seconds S] [--json]
//                        [--only WORD[,WORD...]]
//                        [--mtcnn-models DIR] [--mtcnn-runs N] [--no-threads]
//
// MTCNN: @vladmandic/face-api dropped it, so its counterpart is the original face-api.js
// 0.22.2 on tfjs-core 1.7's CPU backend (bench/faceapi_cpu.mjs, in a worker thread), timed
// --mtcnn-runs times (default 3, 0 skips it: one run takes seconds), interleaved with ours.
// Its weights are not in the npm packages: --mtcnn-models (default: models/, else
// ../shared/models). Our MTCNN time is also given as a ratio to our Tiny Face Detector @416.
//
// Threads: our threads build (wasm/facewasm-threads.wasm) on 2 threads vs our single-thread
// build, for recognition, SSD, Tiny @416 and the Tiny pipeline (bench/threads.mjs, interleaved
// rounds); --no-threads skips it.
//
// --only keeps the cases whose name contains one of the words (e.g. --only expressions,age).
// --models: our weights (default: models/, else /work/shared/models). --tfjs-models: theirs
// (default: the model/ folder of @vladmandic/face-api in bench/node_modules). --synthetic uses
// the generated image even when the default photo exists. --json prints the
// results as JSON on stdout and the human-readable report on stderr.
//
// Timing method: every case first runs untimed warm-up rounds, at least `warmup` of them and for
// at least `warmup-seconds`. V8 starts wasm in Liftoff and tiers hot functions up to TurboFan
// only after they have used up a work budget, so the first calls are slow; tfjs-backend-wasm
// (a 415 KiB module) needs about 15-20 forwards at 416 (~1.5 s) before it stops speeding up,
// far more than our module, so a fixed small count would understate tfjs. Then `runs` timed
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
import { createFaceapiCpuRunner } from './faceapi_cpu.mjs'
import { benchThreads, threadsReport } from './threads.mjs'

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
const IMAGE = flag('synthetic') ? null : arg('image', fs.existsSync(DEFAULT_IMAGE) ? DEFAULT_IMAGE : null)
const RUNS = Number(arg('runs', 30))
const WARMUP = Number(arg('warmup', 5))
const WARMUP_MS = 1000 * Number(arg('warmup-seconds', 2))
const JSON_OUT = flag('json')
const WASM_FILE = path.join(ROOT, 'wasm/facewasm.wasm')

// With --json, stdout carries only the JSON; the report (and any library chatter) goes to stderr.
const log = JSON_OUT ? (...a) => console.error(...a) : (...a) => console.log(...a)
if (JSON_OUT) console.log = console.info = console.warn = console.error
const die = (msg) => { console.error(`bench: ${msg}`); process.exit(1) }
if (IMAGE && !fs.existsSync(IMAGE)) die(`--image ${IMAGE}: no such file`)
if (!OUR_MODELS) die(`no ${TINY_MANIFEST} in models/ or /work/shared/models; run \`make models\` or pass --models`)
if (RUNS < 20 || WARMUP < 5 || WARMUP_MS < 1000) log(`note: --runs ${RUNS} / --warmup ${WARMUP} / --warmup-seconds ${WARMUP_MS / 1000} is below the recommended 20 / 5 / 1`)

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

const wasmBytes = fs.statSync(WASM_FILE).size // before loading: others may rebuild it meanwhile
await faceapi.nets.tinyFaceDetector.loadFromDisk(OUR_MODELS)
await faceapi.nets.faceExpressionNet.loadFromDisk(OUR_MODELS)
await faceapi.nets.ageGenderNet.loadFromDisk(OUR_MODELS)
await faceapi.nets.faceLandmark68Net.loadFromDisk(OUR_MODELS)
await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(OUR_MODELS)
await faceapi.nets.faceRecognitionNet.loadFromDisk(OUR_MODELS)
await faceapi.nets.ssdMobilenetv1.loadFromDisk(OUR_MODELS)
const tfjs = await createTfjsWasmRunner({ modelDir: TFJS_MODELS })
const tfImage = tfjs.prepareImage(image.data, image.width, image.height)

// ---- the cases ----
// Each case: { name, ours, theirs, summary }. ours/theirs are async and do the work fully (results
// read back to JS). Before timing, each side runs once and summary(result) must give the same
// short description on both (e.g. the face count), else a warning. Adding a net or a pipeline
// is a few lines here.

const cases = []
for (const inputSize of [416, 224]) {
  cases.push({
    name: `tiny forward @${inputSize}`,
    ours: () => faceapi.nets.tinyFaceDetector.forward(image, inputSize), // Float32Array
    theirs: () => tfjs.tinyForward(tfImage, inputSize), // the output's element count
    summary: (out) => `${out.length ?? out} values`
  })
  cases.push({
    name: `tiny detectAllFaces @${inputSize}`,
    ours: () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 })),
    theirs: () => tfjs.tinyDetect(tfImage, inputSize), // same options, built inside
    summary: (faces) => `${faces.length} faces`
  })
}
cases.push({
  name: 'ssd forward @512',
  ours: () => faceapi.nets.ssdMobilenetv1.forward(image), // { boxes, scores, ... } Float32Arrays
  theirs: () => tfjs.ssdForward(tfImage), // the score count
  summary: (out) => `${out.scores?.length ?? out} scores`
})
cases.push({
  name: 'ssd detectAllFaces',
  ours: () => faceapi.detectAllFaces(image, new faceapi.SsdMobilenetv1Options()),
  theirs: () => tfjs.ssdDetect(tfImage),
  summary: (faces) => `${faces.length} faces`
})

// Face nets on a face image already at the net's input size (112 or 150 square, the middle of
// the image, cut once outside timing): one crop, the whole preprocessing included on both sides.
function cutFace (img, size) {
  const x0 = Math.max(0, (img.width - size) >> 1), y0 = Math.max(0, (img.height - size) >> 1)
  const width = Math.min(size, img.width), height = Math.min(size, img.height)
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + width) * 4), y * width * 4)
  return { data, width, height }
}
const face112 = cutFace(image, 112)
const face150 = cutFace(image, 150)
const tfFace112 = tfjs.prepareImage(face112.data, face112.width, face112.height)
const tfFace150 = tfjs.prepareImage(face150.data, face150.width, face150.height)
const topExpression = (e) => Object.entries(e).filter(([, v]) => typeof v === 'number').sort((a, b) => b[1] - a[1])[0][0]
cases.push({
  name: 'expressions 112x112',
  ours: () => faceapi.nets.faceExpressionNet.predictExpressions(face112),
  theirs: () => tfjs.expressions(tfFace112),
  summary: (e) => topExpression(e)
})
cases.push({
  name: 'age/gender 112x112',
  ours: () => faceapi.nets.ageGenderNet.predictAgeAndGender(face112),
  theirs: () => tfjs.ageAndGender(tfFace112),
  summary: (r) => `${r.gender}, age ${Math.round(r.age)}`
})
for (const [name, net, face, tfFace] of [
  ['landmark68 forward 112x112', 'faceLandmark68Net', face112, tfFace112],
  ['landmark68 tiny forward 112x112', 'faceLandmark68TinyNet', face112, tfFace112],
  ['recognition forward 150x150', 'faceRecognitionNet', face150, tfFace150]
]) {
  cases.push({
    name,
    ours: () => net === 'faceRecognitionNet'
      ? faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face)
      : faceapi.nets[net].detectLandmarks(face).then((l) => l.positions.flatMap((p) => [p.x, p.y])),
    theirs: () => tfjs.faceNetForward(tfFace, net),
    summary: (out) => `${out.length ?? out} values`
  })
}

// Full pipelines: a detector, then 68 landmarks and a descriptor for every face.
cases.push({
  name: 'ssd + landmarks + descriptors',
  ours: () => faceapi.detectAllFaces(image, new faceapi.SsdMobilenetv1Options()).withFaceLandmarks().withFaceDescriptors(),
  theirs: () => tfjs.ssdLandmarksDescriptors(tfImage),
  summary: (faces) => `${faces.length} faces`
})
cases.push({
  name: 'tiny@416 + landmarks + descriptors',
  ours: () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
    .withFaceLandmarks().withFaceDescriptors(),
  theirs: () => tfjs.tinyLandmarksDescriptors(tfImage, 416),
  summary: (faces) => `${faces.length} faces`
})

const only = arg('only', null)?.split(',')
if (only) cases.splice(0, cases.length, ...cases.filter((c) => only.some((w) => c.name.includes(w))))

// ---- timing ----

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
const round3 = (x) => Math.round(x * 1000) / 1000
const stats = (ms) => ({ median: round3(median(ms)), min: round3(Math.min(...ms)), runs: ms.length })
async function timed (fn) { const t0 = performance.now(); await fn(); return performance.now() - t0 }

const warnings = []
for (const c of cases) {
  const [a, b] = [c.summary(await c.ours()), c.summary(await c.theirs())]
  log(`check ${c.name}: ours ${a}, tfjs ${b}${a === b ? '' : '  <- MISMATCH'}`)
  if (a !== b) warnings.push(`${c.name}: ours gives ${a}, tfjs ${b}`)
}

const tensorsBefore = tfjs.tf.memory().numTensors
const results = []
for (const c of cases) {
  const warmupEnd = performance.now() + WARMUP_MS
  let warmupRounds = 0
  while (warmupRounds < WARMUP || performance.now() < warmupEnd) { await c.ours(); await c.theirs(); warmupRounds++ }
  const ours = []; const theirs = []
  for (let i = 0; i < RUNS; i++) { ours.push(await timed(c.ours)); theirs.push(await timed(c.theirs)) }
  const r = { name: c.name, warmupRounds, ours: stats(ours), theirs: stats(theirs) }
  r.ratio = round3(r.theirs.median / r.ours.median)
  r.ratioMin = round3(r.theirs.min / r.ours.min) // best cases: least disturbed by the machine's load
  // Median of the per-round ratios: rounds are interleaved, so this also cancels slow phases of load.
  r.ratioPerRound = round3(median(ours.map((o, i) => theirs[i] / o)))
  results.push(r)
  // Runs still getting faster while timed: on one side only, its warm-up was too short; on
  // both, the machine's load dropped (which hits both sides alike).
  const third = Math.floor(RUNS / 3)
  const drift = (xs) => median(xs.slice(0, third)) / median(xs.slice(-third)) - 1
  const [dOurs, dTheirs] = [drift(ours), drift(theirs)]
  const pct = (d) => `${(d * 100).toFixed(0)}%`
  if (dOurs > 0.15 && dTheirs > 0.15) warnings.push(`${c.name}: load changed during timing (first third of rounds slower by ${pct(dOurs)} ours, ${pct(dTheirs)} tfjs)`)
  else if (Math.max(dOurs, dTheirs) > 0.15) warnings.push(`${c.name}: ${dOurs > dTheirs ? 'ours' : 'tfjs'} got ${pct(Math.max(dOurs, dTheirs))} faster during timing (warm-up too short, or noise)`)
}
const leaked = tfjs.tf.memory().numTensors - tensorsBefore
if (leaked) warnings.push(`tfjs leaked ${leaked} tensors during timing`)

// ---- MTCNN: ours vs face-api.js 0.22.2 on tfjs-core 1.7 CPU, and vs our Tiny Face Detector @416 ----

const MTCNN_MANIFEST = 'mtcnn_model-weights_manifest.json'
const MTCNN_MODELS = arg('mtcnn-models', firstWith([path.join(ROOT, 'models'), path.resolve(ROOT, '../shared/models')], MTCNN_MANIFEST))
const MTCNN_THEIR_RUNS = Number(arg('mtcnn-runs', 3))
let mtcnnInfo = null
if (!MTCNN_MODELS) {
  warnings.push(`MTCNN skipped: no ${MTCNN_MANIFEST} in models/ or ../shared/models (pass --mtcnn-models)`)
} else {
  await faceapi.nets.mtcnn.loadFromDisk(MTCNN_MODELS)
  const mtcnnOurs = () => faceapi.nets.mtcnn.forward(image, new faceapi.MtcnnOptions())
  const tinyOurs = () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
  const cpu = MTCNN_THEIR_RUNS > 0
    ? await createFaceapiCpuRunner({ modelDir: MTCNN_MODELS, rgba: image.data, width: image.width, height: image.height })
    : null
  const oursFaces = (await mtcnnOurs()).length
  let theirsFaces = null
  if (cpu) {
    theirsFaces = (await cpu.mtcnnDetect()).length // also their warm-up run
    log(`check mtcnn detect: ours ${oursFaces} faces, face-api.js cpu ${theirsFaces} faces${oursFaces === theirsFaces ? '' : '  <- MISMATCH'}`)
    if (oursFaces !== theirsFaces) warnings.push(`mtcnn detect: ours gives ${oursFaces} faces, face-api.js ${theirsFaces}`)
  }
  const warmupEnd = performance.now() + WARMUP_MS
  let warmupRounds = 0
  while (warmupRounds < WARMUP || performance.now() < warmupEnd) { await mtcnnOurs(); await tinyOurs(); warmupRounds++ }
  const ours = []; const tiny = []; const theirs = []
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timed(mtcnnOurs))
    tiny.push(await timed(tinyOurs))
    if (cpu && i < MTCNN_THEIR_RUNS) theirs.push(await timed(() => cpu.mtcnnDetect()))
  }
  const tensorsBeforeDispose = cpu?.numTensors
  if (cpu) await cpu.dispose()
  const oursStats = stats(ours)
  const tinyStats = stats(tiny)
  mtcnnInfo = {
    models: MTCNN_MODELS,
    faces: { ours: oursFaces, theirs: theirsFaces },
    theirs: cpu ? { ...cpu.info, tensorsAfterRuns: tensorsBeforeDispose } : null,
    tiny416: tinyStats,
    ratioToTiny416: round3(oursStats.median / tinyStats.median)
  }
  if (cpu) {
    const r = { name: 'mtcnn detect (defaults) vs face-api.js cpu', warmupRounds, ours: oursStats, theirs: stats(theirs) }
    r.ratio = round3(r.theirs.median / r.ours.median)
    r.ratioMin = round3(r.theirs.min / r.ours.min)
    r.ratioPerRound = round3(median(theirs.map((t, i) => t / ours[i])))
    results.push(r)
  }
  mtcnnInfo.ours = oursStats
}

// ---- threads: our threads build on 2 threads vs our single thread (bench/threads.mjs) ----

const threadsInfo = flag('no-threads') ? null : await benchThreads({ faceapi, image, face150, models: OUR_MODELS, runs: RUNS, warmupMs: WARMUP_MS, only })

// ---- report ----

const tfjsWasmPath = path.join(path.dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm'))), tfjs.info.wasmBinary)
const tfjsWasmBytes = fs.existsSync(tfjsWasmPath) ? fs.statSync(tfjsWasmPath).size : null
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`
const ms = (x) => x.toFixed(2)

log(`\nimage:   ${imageLabel} (${image.width}x${image.height})`)
log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} CPUs, load avg ${os.loadavg()[0].toFixed(2)}`)
log(`ours:    wasm/facewasm.wasm ${kib(wasmBytes)}, models ${OUR_MODELS}`)
log(`tfjs:    @vladmandic/face-api ${tfjs.info.faceapiVersion}, tfjs ${tfjs.info.tfjsVersion} wasm backend, ${tfjs.info.wasmBinary}` +
  `${tfjsWasmBytes ? ` ${kib(tfjsWasmBytes)}` : ''}, ${tfjs.info.threads} thread, models ${TFJS_MODELS}`)
log(`timing:  warm-up >= ${WARMUP} rounds and >= ${WARMUP_MS / 1000} s, then ${RUNS} timed rounds per case, ours/tfjs interleaved; ms\n`)
const rows = [['case', 'ours med', 'ours min', 'tfjs med', 'tfjs min', 'tfjs/ours med', 'min', 'warm-up'],
  ...results.map((r) => [r.name, ms(r.ours.median), ms(r.ours.min), ms(r.theirs.median), ms(r.theirs.min),
    `${r.ratio.toFixed(2)}x`, `${r.ratioMin.toFixed(2)}x`, String(r.warmupRounds)])]
const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)))
rows.forEach((row, j) => {
  log(row.map((cell, k) => k ? cell.padStart(widths[k]) : cell.padEnd(widths[k])).join('  '))
  if (j === 0) log(widths.map((w) => '-'.repeat(w)).join('  '))
})
log('\ntfjs/ours > 1 means ours is faster (ratio of the medians; of the minima). warm-up: untimed rounds run.')
if (mtcnnInfo) {
  const t = mtcnnInfo.theirs
  log(`mtcnn:   ours ${ms(mtcnnInfo.ours.median)} ms median on ${mtcnnInfo.faces.ours} faces = ${mtcnnInfo.ratioToTiny416.toFixed(2)}x our Tiny Face Detector @416` +
    ` (${ms(mtcnnInfo.tiny416.median)} ms, same rounds)` +
    (t ? `; theirs: face-api.js ${t.faceapiVersion} on tfjs-core ${t.tfjsCoreVersion} ${t.backend} backend, ${MTCNN_THEIR_RUNS} runs (its "tfjs" columns), weights ${mtcnnInfo.models}` : ''))
}
if (threadsInfo) threadsReport(threadsInfo).forEach((line) => log(line))
for (const w of warnings) log(`WARNING: ${w}`)

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({
    image: { path: IMAGE, synthetic: !IMAGE, width: image.width, height: image.height },
    node: process.version,
    cpu: os.cpus()[0]?.model,
    runs: RUNS,
    warmup: { minRounds: WARMUP, minSeconds: WARMUP_MS / 1000 },
    ours: { wasmBytes, models: OUR_MODELS },
    tfjs: { ...tfjs.info, wasmBytes: tfjsWasmBytes, models: TFJS_MODELS },
    cases: results,
    mtcnn: mtcnnInfo,
    threads: threadsInfo,
    warnings
  }, null, 2) + '\n')
}

tfjs.disposeImage(tfImage)
tfjs.disposeImage(tfFace112)
tfjs.disposeImage(tfFace150)
tfjs.dispose()
