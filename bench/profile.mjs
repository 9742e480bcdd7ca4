// Per-layer profile on one thread and on two (`make profile`): the profiling
// builds (csrc/core/profile.h) log a mark where each part of a forward starts
// and, on the threads build, when each thread ran each range of each fork.
// Two worker_threads, one per side (build/facewasm-profile.wasm alone,
// build/facewasm-threads-profile.wasm on 2 threads), take turns forward by
// forward in rounds, so that the machine's load hits both alike. Per part:
// median time on each side, the speedup, and how long each of the two threads
// worked in it ("idle" = the part's time minus that).
//
//   node bench/profile.mjs [--nets recognition,recognitionBatch,ssd,landmarks,tiny,expressions,ageGender] [--runs 200] [--json FILE]

import { writeFileSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'

import { withInput } from '../js/input.mjs'
import { syntheticImage } from './synthetic_image.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const PROFILE_WASM = `${root}build/facewasm-profile.wasm`
const THREADS_PROFILE_WASM = `${root}build/facewasm-threads-profile.wasm`

// The nets' times do not depend on their input's content.
const NETS = {
  recognition: { net: 'faceRecognitionNet', input: syntheticImage(150, 150), run: (n, input) => n.computeFaceDescriptor(input) },
  // the faces of one photo in one call (as the chain's withFaceDescriptors): its back half on all of them at once
  recognitionBatch: { net: 'faceRecognitionNet', input: syntheticImage(600, 300), run: (n, input) => descriptorsOfCrops(n, input, BATCH_CROPS) },
  ssd: { net: 'ssdMobilenetv1', input: syntheticImage(640, 480), run: (n, input) => n.forward(input) },
  landmarks: { net: 'faceLandmark68Net', input: syntheticImage(112, 112), run: (n, input) => n.detectLandmarks(input) },
  tiny: { net: 'tinyFaceDetector', input: syntheticImage(640, 480), run: (n, input) => n.forward(input, 416) },
  expressions: { net: 'faceExpressionNet', input: syntheticImage(112, 112), run: (n, input) => n.predictExpressions(input) },
  ageGender: { net: 'ageGenderNet', input: syntheticImage(112, 112), run: (n, input) => n.predictAgeAndGender(input) }
}

// Eight 150x150 crops in a 600x300 image.
const BATCH_CROPS = Array.from({ length: 8 }, (_, i) => ({ x: 150 * (i % 4), y: 150 * (i >> 2), width: 150, height: 150 }))
function descriptorsOfCrops (net, input, crops) {
  const { core } = net._require()
  return withInput(core, input, (pixels) => net._runOnCrops(core, pixels, crops))
}

/** One forward's parts from the event log: [{ label, ms, busy: [ms per thread] }]. */
function partsOf (core, events, count) {
  const marks = []
  const chunks = []
  for (let i = 0; i < count; i++) {
    const [a, b, c, d] = events.subarray(4 * i, 4 * i + 4)
    if (a) {
      const label = (core.readString(a) + (b ? core.readString(b) : '')).replace('#', String(c))
      marks.push({ label, time: d })
    } else chunks.push({ thread: b, start: c, end: d })
  }
  const parts = []
  for (let k = 0; k + 1 < marks.length; k++) {
    const from = marks[k].time
    const to = marks[k + 1].time
    const busy = [0, 0]
    for (const c of chunks) if (c.start >= from && c.start < to) busy[c.thread] += c.end - c.start
    parts.push({ label: marks[k].label, ms: to - from, busy })
  }
  return parts
}

// A side: loads the nets on its build and profiles `runs` forwards of a net on request.
if (!isMainThread && workerData?.profileSide) {
  const faceapi = await import('../js/index.mjs')
  const { getCore } = await import('../js/wasm.mjs')
  const threads = await faceapi.setThreads(workerData.threads)
  for (const name of workerData.nets) await faceapi.nets[NETS[name].net].loadFromDisk(`${root}models`)
  const core = await getCore()
  const exports = core.exports
  if (!exports.fw_profile_events) throw new Error(`${faceapi.wasmFlavor()} build has no profiling hooks: run make profile`)
  parentPort.on('message', async ({ name, runs }) => {
    const { net, input, run } = NETS[name]
    const forwards = []
    for (let i = 0; i < runs; i++) {
      exports.fw_profile_reset()
      await run(faceapi.nets[net], input)
      const count = exports.fw_profile_event_count()
      if (count > exports.fw_profile_capacity()) throw new Error(`profile log overflow: ${count} events`)
      forwards.push(partsOf(core, core.f64().subarray(exports.fw_profile_events() >> 3), count))
    }
    parentPort.postMessage(forwards)
  })
  parentPort.postMessage({ threads, flavor: faceapi.wasmFlavor() })
}

function startSide (threads, nets) {
  const env = { ...process.env }
  delete env.FACEWASM_WASM
  delete env.FACEWASM_THREADS_WASM
  if (threads === 1) env.FACEWASM_WASM = PROFILE_WASM
  else env.FACEWASM_THREADS_WASM = THREADS_PROFILE_WASM
  const worker = new Worker(new URL(import.meta.url), { env, workerData: { profileSide: true, threads, nets } })
  let pending = null
  const settle = (how) => (value) => { const p = pending; pending = null; p?.[how](value) }
  worker.on('message', settle('resolve')).on('error', settle('reject'))
  const next = () => new Promise((resolve, reject) => { pending = { resolve, reject } })
  const ready = next()
  return {
    ready,
    forwards: (name, runs) => { const reply = next(); worker.postMessage({ name, runs }); return reply },
    stop: () => worker.terminate()
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

/** Per part, medians over the forwards of each side; parts matched by position and label. */
function summarise (one, two) {
  const labels = one[0].map((p) => p.label)
  const same = (forwards) => forwards.every((parts) => parts.length === labels.length && parts.every((p, k) => p.label === labels[k]))
  if (!same(one) || !same(two)) throw new Error('the forwards logged different parts')
  const rows = labels.map((label, k) => {
    const ms1 = median(one.map((parts) => parts[k].ms))
    const ms2 = median(two.map((parts) => parts[k].ms))
    const busy = [0, 1].map((t) => median(two.map((parts) => parts[k].busy[t])))
    return { label, ms1, ms2, speedup: ms1 / ms2, busy }
  })
  const total = (forwards) => median(forwards.map((parts) => parts.reduce((sum, p) => sum + p.ms, 0)))
  return { rows, total1: total(one), total2: total(two) }
}

function report (name, { rows, total1, total2 }) {
  const f = (x, d = 3) => x.toFixed(d)
  const table = [['part', '1T ms', '2T ms', 'speedup', '2T thread 0 busy', 'thread 1 busy', 'idle (sum)'],
    ...rows.map((r) => [r.label, f(r.ms1), f(r.ms2), `${f(r.speedup, 2)}x`, f(r.busy[0]), f(r.busy[1]),
      f(2 * r.ms2 - r.busy[0] - r.busy[1])]),
    ['whole forward (median)', f(total1), f(total2), `${f(total1 / total2, 2)}x`,
      f(rows.reduce((s, r) => s + r.busy[0], 0)), f(rows.reduce((s, r) => s + r.busy[1], 0)), '']]
  const widths = table[0].map((_, k) => Math.max(...table.map((row) => row[k].length)))
  const lines = [`\n${name}: per part, median ms on one thread (profiling SIMD build) and two (profiling threads build)`]
  table.forEach((row, j) => {
    if (j === table.length - 1) lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
    lines.push(row.map((cell, k) => k ? cell.padStart(widths[k]) : cell.padEnd(widths[k])).join('  '))
    if (j === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  })
  lines.push('(busy: time thread 0 / thread 1 spent in fork ranges; parts run on thread 0 alone show 0.)')
  return lines
}

export async function profile ({ nets, runs, rounds = 10 }) {
  const sides = [startSide(1, nets), startSide(2, nets)]
  const info = await Promise.all(sides.map((s) => s.ready))
  if (info[1].threads < 2) throw new Error('the threads build did not start 2 threads here')
  const results = {}
  try {
    for (const name of nets) {
      for (const side of sides) await side.forwards(name, 5) // warm-up
      const logs = [[], []]
      const per = Math.max(1, Math.round(runs / rounds))
      for (let r = 0; r < rounds; r++) {
        for (let s = 0; s < 2; s++) logs[s].push(...await sides[s].forwards(name, per))
      }
      results[name] = summarise(...logs)
    }
  } finally {
    await Promise.all(sides.map((s) => s.stop()))
  }
  return results
}

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag, fallback) => { const i = process.argv.indexOf(flag); return i > 0 ? process.argv[i + 1] : fallback }
  const nets = arg('--nets', 'recognition,ssd').split(',')
  for (const name of nets) if (!NETS[name]) throw new Error(`--nets: unknown net '${name}' (known: ${Object.keys(NETS).join(', ')})`)
  const runs = Number(arg('--runs', '200'))
  const results = await profile({ nets, runs })
  for (const name of nets) console.log(report(name, results[name]).join('\n'))
  const json = arg('--json')
  if (json) writeFileSync(json, JSON.stringify(results, null, 2))
}
