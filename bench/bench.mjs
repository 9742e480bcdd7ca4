// facewasm vs face-api.js on tfjs-backend-wasm (XNNPACK, SIMD128, one thread), in one Node process.
//
//   node bench/bench.mjs [--image PNG] [--models DIR] [--tfjs-models DIR]
//                        [--synthetic] [--runs N] [--warmup N] [--warmup-seconds S] [--json]
//                        [--only WORD[,WORD...]] [--no-cold-start]
//                        [--mtcnn-models DIR] [--mtcnn-runs N] [--no-threads]
//
// MTCNN: @vladmandic/face-api dropped it, so its counterpart is the original face-api.js
// 0.22.2 on tfjs-core 1.7's CPU backend (bench/faceapi_cpu.mjs, in a worker thread), timed
// --mtcnn-runs times (default 3, 0 skips it: one run takes seconds), interleaved with ours.
// Its weights are not in the npm packages: --mtcnn-models (default: models/, else
// ../shared/models). Our MTCNN time is also given as a ratio to our Tiny Face Detector @416.
//
// Threads: our threads build (wasm/facewasm-threads.wasm) on 2 threads vs our single-thread
// build, for recognition, landmarks, SSD, Tiny @416, the Tiny pipeline and MTCNN (where its
// weights are), in batches of forwards in turn (bench/threads.mjs), beside what two single-thread
// forwards run side by side gained in the same rounds; --no-threads skips it. After it, each
// core's own speed on recognition and SSD (bench/cores.mjs: processes pinned with taskset) and
// the most two threads can gain at those speeds.
//
// --only keeps the cases whose name contains one of the words (e.g. --only expressions,age).
// --no-cold-start skips the cold-start measurement (6 fresh processes, ~20 s).
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
import * as macs from './macs.mjs'
import { execFileSync } from 'node:child_process'
import { benchThreads, threadsReport } from './threads.mjs'
import { coresReport, measureCores } from './cores.mjs'
import { syntheticImage } from './synthetic_image.mjs'

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
    summary: (out) => `${out.length ?? out} values`,
    macs: () => macs.tinyFaceDetector(inputSize)
  })
  cases.push({
    name: `tiny detectAllFaces @${inputSize}`,
    ours: () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 })),
    theirs: () => tfjs.tinyDetect(tfImage, inputSize), // same options, built inside
    summary: (faces) => `${faces.length} faces`,
    macs: () => macs.tinyFaceDetector(inputSize)
  })
}
cases.push({
  name: 'ssd forward @512',
  ours: () => faceapi.nets.ssdMobilenetv1.forward(image), // { boxes, scores, ... } Float32Arrays
  theirs: () => tfjs.ssdForward(tfImage), // the score count
  summary: (out) => `${out.scores?.length ?? out} scores`,
  macs: macs.ssdMobilenetv1
})
cases.push({
  name: 'ssd detectAllFaces',
  ours: () => faceapi.detectAllFaces(image, new faceapi.SsdMobilenetv1Options()),
  theirs: () => tfjs.ssdDetect(tfImage),
  summary: (faces) => `${faces.length} faces`,
  macs: macs.ssdMobilenetv1
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
  summary: (e) => topExpression(e),
  macs: macs.faceExpressionNet
})
cases.push({
  name: 'age/gender 112x112',
  ours: () => faceapi.nets.ageGenderNet.predictAgeAndGender(face112),
  theirs: () => tfjs.ageAndGender(tfFace112),
  summary: (r) => `${r.gender}, age ${Math.round(r.age)}`,
  macs: macs.ageGenderNet
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
    summary: (out) => `${out.length ?? out} values`,
    macs: macs[net]
  })
}

// Full pipelines: a detector, then 68 landmarks and a descriptor for every face.
cases.push({
  name: 'ssd + landmarks + descriptors',
  ours: () => faceapi.detectAllFaces(image, new faceapi.SsdMobilenetv1Options()).withFaceLandmarks().withFaceDescriptors(),
  theirs: () => tfjs.ssdLandmarksDescriptors(tfImage),
  summary: (faces) => `${faces.length} faces`,
  macs: (faces) => macs.ssdMobilenetv1() + faces.length * (macs.faceLandmark68Net() + macs.faceRecognitionNet())
})
cases.push({
  name: 'tiny@416 + landmarks + descriptors',
  ours: () => faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
    .withFaceLandmarks().withFaceDescriptors(),
  theirs: () => tfjs.tinyLandmarksDescriptors(tfImage, 416),
  summary: (faces) => `${faces.length} faces`,
  macs: (faces) => macs.tinyFaceDetector(416) + faces.length * (macs.faceLandmark68Net() + macs.faceRecognitionNet())
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
  const first = await c.ours()
  c.multiplyAdds = c.macs(first) // from the layer shapes (bench/macs.mjs); pipelines count their faces
  const [a, b] = [c.summary(first), c.summary(await c.theirs())]
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
  const r = { name: c.name, warmupRounds, ours: stats(ours), theirs: stats(theirs), multiplyAdds: c.multiplyAdds }
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

// ---- the machine's wasm SIMD128 peak, memory, cold start ----

// The arithmetic peak, measured here: build/bench_peak.wasm (bench/peak.c) runs 12 independent
// chains of f32x4.mul + f32x4.add (wasm has no FMA), and of i32x4.dot_i16x8_s + i32x4.add;
// best of 15 short runs, after a warm-up that gets it into TurboFan.
function measurePeak () {
  const file = path.join(ROOT, 'build/bench_peak.wasm')
  if (!fs.existsSync(file)) return null
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {})
  const best = (fn, opsPerIteration) => {
    const iterations = 2e6
    for (let i = 0; i < 3; i++) fn(iterations, i)
    let top = 0
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now()
      fn(iterations, i)
      top = Math.max(top, opsPerIteration * iterations / (performance.now() - t0) / 1e6)
    }
    return top
  }
  return { f32Gflops: best(exports.peak_f32, 12 * 4 * 2), i16Gmacs: best(exports.peak_i16, 12 * 8) }
}
const peak = measurePeak()
if (!peak) warnings.push('build/bench_peak.wasm missing (make build/bench_peak.wasm): no measured peak')

const ourCore = await (await import('../js/wasm.mjs')).getCore()
const tfjsHeap = tfjs.tf.backend()?.wasm?.HEAPU8?.length ?? null
const memory = {
  oursWasmBytes: ourCore.memory.buffer.byteLength, // linear memory after every run (it only grows)
  tfjsWasmBytes: tfjsHeap,
  rssBytes: process.memoryUsage().rss, // this process: both sides and Node
  maxRssBytes: process.resourceUsage().maxRSS * 1024
}

// Cold start, each side in a fresh Node process: import + instantiate + load the seven shared
// nets (then one first Tiny forward, reported separately), alternately, 3 times each; minimum.
const coldStart = { ours: [], theirs: [] }
if (!flag('no-cold-start')) {
  for (let i = 0; i < 3; i++) {
    for (const side of ['ours', 'tfjs']) {
      try {
        const out = execFileSync(process.execPath, [path.join(HERE, 'coldstart.mjs'), side, OUR_MODELS, TFJS_MODELS],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        coldStart[side === 'ours' ? 'ours' : 'theirs'].push(JSON.parse(out.trim().split('\n').pop()))
      } catch (e) { warnings.push(`cold start (${side}) failed: ${e.message.split('\n')[0]}`) }
    }
  }
}
const coldMin = (runs, key) => runs.length ? Math.min(...runs.map((r) => r[key])) : null

// ---- threads: our threads build on 2 threads vs our single thread (bench/threads.mjs) ----

const threadsInfo = flag('no-threads') ? null : await benchThreads({ faceapi, image, face150, models: OUR_MODELS, mtcnnModels: MTCNN_MODELS, runs: RUNS, warmupMs: WARMUP_MS, only })
// Each core's own speed right after, for the nets timed there (bench/cores.mjs).
const coreCases = ['recognition', 'ssd'].filter((name) => threadsInfo?.cases.some((c) => c.name.startsWith(name)))
const coresInfo = coreCases.length ? measureCores({ cases: coreCases }) : null

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

// Compute: multiply-adds from the layer shapes, GFLOP/s = 2 x multiply-adds / median time.
const gflops = (m, t) => (2 * m / t / 1e6).toFixed(1)
log(`\nmachine peak (wasm SIMD128, one thread, measured now): ${peak ? `f32 ${peak.f32Gflops.toFixed(1)} GFLOP/s` +
  ` (f32x4 mul + add chains; no FMA in wasm), int16 ${peak.i16Gmacs.toFixed(1)} G multiply-adds/s (i32x4.dot_i16x8_s)` : 'not measured'}`)
const crows = [['case', 'M mul-adds', 'ours GFLOP/s', 'tfjs GFLOP/s', 'ours % of f32 peak'],
  ...results.filter((r) => r.multiplyAdds).map((r) => [r.name, (r.multiplyAdds / 1e6).toFixed(1),
    gflops(r.multiplyAdds, r.ours.median), gflops(r.multiplyAdds, r.theirs.median),
    peak ? `${(100 * 2 * r.multiplyAdds / r.ours.median / 1e6 / peak.f32Gflops).toFixed(0)}%` : '-'])]
const cw = crows[0].map((_, k) => Math.max(...crows.map((row) => row[k].length)))
crows.forEach((row, j) => {
  log(row.map((cell, k) => k ? cell.padStart(cw[k]) : cell.padEnd(cw[k])).join('  '))
  if (j === 0) log(cw.map((w) => '-'.repeat(w)).join('  '))
})
log('(GFLOP/s at the median time; "% of f32 peak" can pass 100% on the int16 path, whose peak is higher.)')

const mib = (b) => b == null ? '?' : `${(b / 2 ** 20).toFixed(1)} MiB`
log(`\nsize:    ours wasm/facewasm.wasm ${kib(wasmBytes)}; tfjs ${tfjs.info.wasmBinary} ${tfjsWasmBytes ? kib(tfjsWasmBytes) : '?'} (plus tfjs's JavaScript)`)
if (coldStart.ours.length && coldStart.theirs.length) {
  const [lo, lt] = [coldMin(coldStart.ours, 'loadMs'), coldMin(coldStart.theirs, 'loadMs')]
  const [fo, ft] = [coldMin(coldStart.ours, 'firstForwardMs'), coldMin(coldStart.theirs, 'firstForwardMs')]
  log(`cold:    import + instantiate + load 7 nets: ours ${ms(lo)} ms, tfjs ${ms(lt)} ms (${(lt / lo).toFixed(2)}x);` +
    ` then the first Tiny @416 forward: ours ${ms(fo)} ms, tfjs ${ms(ft)} ms (fresh processes, min of ${coldStart.ours.length})`)
  log(`         process RSS after that: ours ${mib(coldMin(coldStart.ours, 'rss'))}, tfjs ${mib(coldMin(coldStart.theirs, 'rss'))}`)
}
log(`memory:  after every run: our wasm linear memory ${mib(memory.oursWasmBytes)}, tfjs-wasm heap ${mib(memory.tfjsWasmBytes)};` +
  ` this process (both sides + Node) RSS ${mib(memory.rssBytes)}, peak RSS ${mib(memory.maxRssBytes)}`)
if (mtcnnInfo) {
  const t = mtcnnInfo.theirs
  log(`mtcnn:   ours ${ms(mtcnnInfo.ours.median)} ms median on ${mtcnnInfo.faces.ours} faces = ${mtcnnInfo.ratioToTiny416.toFixed(2)}x our Tiny Face Detector @416` +
    ` (${ms(mtcnnInfo.tiny416.median)} ms, same rounds)` +
    (t ? `; theirs: face-api.js ${t.faceapiVersion} on tfjs-core ${t.tfjsCoreVersion} ${t.backend} backend, ${MTCNN_THEIR_RUNS} runs (its "tfjs" columns), weights ${mtcnnInfo.models}` : ''))
}
if (threadsInfo) threadsReport(threadsInfo).forEach((line) => log(line))
if (coresInfo) coresReport(coresInfo).forEach((line) => log(line))
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
    peak,
    memory,
    coldStart,
    mtcnn: mtcnnInfo,
    threads: threadsInfo,
    cores: coresInfo,
    warnings
  }, null, 2) + '\n')
}

tfjs.disposeImage(tfImage)
tfjs.disposeImage(tfFace112)
tfjs.disposeImage(tfFace150)
tfjs.dispose()
