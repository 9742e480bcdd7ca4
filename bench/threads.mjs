// Our threads build on 2 threads vs our single-thread build, in one Node process:
// the single-thread build runs on this thread (the bench's own instance), the threads
// build in a worker_thread (its own realm, so its own core) that calls setThreads(2)
// and so adds one pool worker. The sides take turns, a batch of forwards each, so
// the machine's load hits both alike; the worker times its own calls (no message
// latency in them).
//
// A batch is BATCH + 1 forwards, as a program runs them one after another (a folder
// of photos, the faces of one photo, a pipeline). Its first forward is not in the
// steady-state figures: the other side's batch has just evicted this side's data
// from the caches, and the pool, asleep after a millisecond without work, takes
// 35-120 us to wake. That first forward of the two-thread side is reported on its
// own ("after idle"): what a forward costs when the pool has slept since the last.
//
// What two threads can gain depends on what two cores give at once, and on a shared
// virtual machine that changes minute by minute (here, single-thread forwards took
// 13 ms in some minutes and 19 ms in others, and two run side by side sometimes
// took a third longer each than one alone). So each round also runs a batch of
// single-thread forwards on this thread and, at the same time, one in a second
// worker with the single-thread build: two independent forwards side by side, each
// core busy with one. A round's 2 x (1T alone) / (side by side) is its side-by-side
// gain: how much more the two cores did at once than one alone, as they ran in that
// round. A forward split over two threads gains about that much at best (it shares
// one copy of the weights and maps where the two forwards side by side have two, so
// it can come out a little above it).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const CASES = {
  'recognition forward 150x150': (faceapi, { face150 }) => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face150),
  'landmarks forward 150x150': (faceapi, { face150 }) => faceapi.nets.faceLandmark68Net.detectLandmarks(face150),
  'ssd forward @512': (faceapi, { image }) => faceapi.nets.ssdMobilenetv1.forward(image),
  'tiny forward @416': (faceapi, { image }) => faceapi.nets.tinyFaceDetector.forward(image, 416),
  'tiny@416 + landmarks + descriptors': (faceapi, { image }) =>
    faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
      .withFaceLandmarks().withFaceDescriptors(),
  // only where its weights are (mtcnnModels): they are not in the npm packages
  'mtcnn detect (defaults)': (faceapi, { image }) => faceapi.nets.mtcnn.forward(image, new faceapi.MtcnnOptions())
}
const MTCNN_CASE = 'mtcnn detect (defaults)'


const BATCH = 4

/** Each call's time in ms, `runs` calls one after another. */
async function timeCalls (call, runs) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await call()
    times.push(performance.now() - t0)
  }
  return times
}

// The worker's side (this module, started as a worker_thread): the threads build on
// `threads` threads, timing cases on request.
if (!isMainThread && workerData?.threadsBench) {
  const faceapi = await import('../js/index.mjs')
  const threads = await faceapi.setThreads(workerData.threads)
  for (const net of ['faceRecognitionNet', 'ssdMobilenetv1', 'tinyFaceDetector', 'faceLandmark68Net']) {
    await faceapi.nets[net].loadFromDisk(workerData.models)
  }
  if (workerData.mtcnnModels) await faceapi.nets.mtcnn.loadFromDisk(workerData.mtcnnModels)
  parentPort.on('message', async ({ name, runs }) => {
    parentPort.postMessage(await timeCalls(() => CASES[name](faceapi, workerData.inputs), runs))
  })
  parentPort.postMessage({ threads, flavor: faceapi.wasmFlavor() })
}

export async function benchThreads ({ faceapi, image, face150, models, mtcnnModels, runs, warmupMs, only, threads = 2 }) {
  const names = Object.keys(CASES).filter((name) => (!only || only.some((w) => name.includes(w))) &&
    (name !== MTCNN_CASE || mtcnnModels))
  if (!names.length) return null
  const threaded = await startSide({ models, mtcnnModels, threads, inputs: { image, face150 } })
  // the single-thread forwards run beside this thread's, for the side-by-side gain
  const partner = await startSide({ models, mtcnnModels, threads: 1, inputs: { image, face150 } })
  if (partner.info.threads !== 1) throw new Error(`threads bench: the side-by-side worker runs ${partner.info.threads} threads, not 1`)
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
  const results = []
  for (const name of names) {
    const single = () => CASES[name](faceapi, { image, face150 })
    const warmupEnd = performance.now() + warmupMs
    const sideBySide = async () => {
      const theirs = partner.time(name, BATCH + 1)
      const [, ...ours] = await timeCalls(single, BATCH + 1)
      const [, ...others] = await theirs
      return [...ours, ...others]
    }
    for (let i = 0; i < 2 || performance.now() < warmupEnd; i++) {
      await timeCalls(single, BATCH + 1); await threaded.time(name, BATCH + 1); await sideBySide()
    }
    // `runs` timed forwards a side, in batches
    const one = []; const two = []; const afterIdle = []; const perRound = []; const pair = []; const gains = []
    for (let round = 0; round < Math.ceil(runs / BATCH); round++) {
      const [, ...ones] = await timeCalls(single, BATCH + 1)
      const [first, ...twos] = await threaded.time(name, BATCH + 1)
      const pairs = await sideBySide()
      one.push(...ones)
      two.push(...twos)
      pair.push(...pairs)
      afterIdle.push(first)
      perRound.push(median(ones) / median(twos))
      gains.push(2 * median(ones) / median(pairs))
    }
    results.push({
      name,
      single: { median: median(one), min: Math.min(...one) },
      threaded: { median: median(two), min: Math.min(...two) },
      ratio: median(one) / median(two),
      ratioMin: Math.min(...one) / Math.min(...two),
      ratioPerRound: { median: median(perRound), p25: quantile(perRound, 0.25), p75: quantile(perRound, 0.75) },
      afterIdle: { median: median(afterIdle), ratio: median(one) / median(afterIdle) },
      sideBySide: {
        median: median(pair),
        gain: { median: median(gains), p25: quantile(gains, 0.25), p75: quantile(gains, 0.75) },
        share: median(perRound.map((ratio, k) => ratio / gains[k]))
      }
    })
  }
  await Promise.all([threaded.worker.terminate(), partner.worker.terminate()])
  return { threads: threaded.info.threads, flavor: threaded.info.flavor, cases: results }
}

/** A worker_thread running the cases on `threads` threads: time(name, runs) resolves to its calls' times. */
async function startSide (workerData) {
  const worker = new Worker(new URL(import.meta.url), { execArgv: [], workerData: { threadsBench: true, ...workerData } })
  let pending = null // the reply awaited: one request at a time
  const settle = (how) => (value) => { const p = pending; pending = null; p?.[how](value) }
  worker.on('message', settle('resolve')).on('error', settle('reject'))
  const next = () => new Promise((resolve, reject) => { pending = { resolve, reject } })
  const info = await next()
  return { worker, info, time: (name, runs) => { const reply = next(); worker.postMessage({ name, runs }); return reply } }
}

/** The report's lines for benchThreads' result. */
export function threadsReport ({ threads, flavor, cases }) {
  const f = (x) => x.toFixed(2)
  const rows = [['case', '1T med', '1T min', `${threads}T med`, `${threads}T min`, `1T/${threads}T med`, 'min', 'per round med (p25-p75)',
    `${threads}T after idle`, '1T/that'],
  ...cases.map((c) => [c.name, f(c.single.median), f(c.single.min), f(c.threaded.median), f(c.threaded.min),
    `${f(c.ratio)}x`, `${f(c.ratioMin)}x`, `${f(c.ratioPerRound.median)}x (${f(c.ratioPerRound.p25)}-${f(c.ratioPerRound.p75)}x)`,
    f(c.afterIdle.median), `${f(c.afterIdle.ratio)}x`])]
  const lines = [`\nthreads: our ${flavor} build on ${threads} threads vs our single-thread build (wasm/facewasm.wasm), batches of ${BATCH} forwards in turn; ms`,
    ...table(rows),
    `(each batch's first forward untimed, after the other side's batch; "${threads}T after idle": that forward on ${threads} threads, the pool woken from sleep)`,
    '',
    ...table([['case', '1T side by side med', 'side-by-side gain per round', 'p25-p75', `1T/${threads}T per round, of that gain`],
      ...cases.map((c) => [c.name, f(c.sideBySide.median), `${f(c.sideBySide.gain.median)}x`,
        `${f(c.sideBySide.gain.p25)}-${f(c.sideBySide.gain.p75)}x`, `${(100 * c.sideBySide.share).toFixed(0)}%`])]),
    '(same rounds: a batch of single-thread forwards here and one in a second worker at once; a round\'s gain = 2 x its 1T med / its',
    ' side-by-side med: what the two cores gave at once then, about the most a forward split over two threads can gain on them; medians over rounds)']
  return lines
}

/** Rows of cells as aligned text, the first row a header. */
function table (rows) {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)))
  const lines = []
  rows.forEach((row, j) => {
    lines.push(row.map((cell, k) => k ? cell.padStart(widths[k]) : cell.padEnd(widths[k])).join('  '))
    if (j === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  })
  return lines
}
