// Our threads build on 2 threads vs our single-thread build, in one Node process:
// the single-thread build runs on this thread (the bench's own instance), the threads
// build in a worker_thread (its own realm, so its own core) that calls setThreads(2)
// and so adds one pool worker. Each round times one call on each side, back to back,
// so the machine's load hits both alike; the worker times its own call (no message
// latency in it).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'

const CASES = {
  'recognition forward 150x150': (faceapi, { face150 }) => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face150),
  'landmarks forward 150x150': (faceapi, { face150 }) => faceapi.nets.faceLandmark68Net.detectLandmarks(face150),
  'ssd forward @512': (faceapi, { image }) => faceapi.nets.ssdMobilenetv1.forward(image),
  'tiny forward @416': (faceapi, { image }) => faceapi.nets.tinyFaceDetector.forward(image, 416),
  'tiny@416 + landmarks + descriptors': (faceapi, { image }) =>
    faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
      .withFaceLandmarks().withFaceDescriptors()
}

// The worker's side (this module, started as a worker_thread): the threads build on
// `threads` threads, timing cases on request.
if (!isMainThread && workerData?.threadsBench) {
  const faceapi = await import('../js/index.mjs')
  const threads = await faceapi.setThreads(workerData.threads)
  for (const net of ['faceRecognitionNet', 'ssdMobilenetv1', 'tinyFaceDetector', 'faceLandmark68Net']) {
    await faceapi.nets[net].loadFromDisk(workerData.models)
  }
  parentPort.on('message', async (name) => {
    const t0 = performance.now()
    await CASES[name](faceapi, workerData.inputs)
    parentPort.postMessage(performance.now() - t0)
  })
  parentPort.postMessage({ threads, flavor: faceapi.wasmFlavor() })
}

export async function benchThreads ({ faceapi, image, face150, models, runs, warmupMs, only, threads = 2 }) {
  const names = Object.keys(CASES).filter((name) => !only || only.some((w) => name.includes(w)))
  if (!names.length) return null
  const worker = new Worker(new URL(import.meta.url), {
    execArgv: [],
    workerData: { threadsBench: true, models, threads, inputs: { image, face150 } }
  })
  let pending = null // the reply awaited: one request at a time
  const settle = (how) => (value) => { const p = pending; pending = null; p?.[how](value) }
  worker.on('message', settle('resolve')).on('error', settle('reject'))
  const next = () => new Promise((resolve, reject) => { pending = { resolve, reject } })
  const info = await next()
  const timeThreaded = (name) => { const reply = next(); worker.postMessage(name); return reply }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
  const results = []
  for (const name of names) {
    const single = () => CASES[name](faceapi, { image, face150 })
    const warmupEnd = performance.now() + warmupMs
    for (let i = 0; i < 5 || performance.now() < warmupEnd; i++) { await single(); await timeThreaded(name) }
    const one = []; const two = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now(); await single(); one.push(performance.now() - t0)
      two.push(await timeThreaded(name))
    }
    const perRound = one.map((t, i) => t / two[i])
    results.push({
      name,
      single: { median: median(one), min: Math.min(...one) },
      threaded: { median: median(two), min: Math.min(...two) },
      ratio: median(one) / median(two),
      ratioMin: Math.min(...one) / Math.min(...two),
      ratioPerRound: { median: median(perRound), p25: quantile(perRound, 0.25), p75: quantile(perRound, 0.75) }
    })
  }
  await worker.terminate()
  return { threads: info.threads, flavor: info.flavor, cases: results }
}

/** The report's lines for benchThreads' result. */
export function threadsReport ({ threads, flavor, cases }) {
  const f = (x) => x.toFixed(2)
  const rows = [['case', '1T med', '1T min', `${threads}T med`, `${threads}T min`, '1T/2T med', 'min', 'per round p25-p75'],
    ...cases.map((c) => [c.name, f(c.single.median), f(c.single.min), f(c.threaded.median), f(c.threaded.min),
      `${f(c.ratio)}x`, `${f(c.ratioMin)}x`, `${f(c.ratioPerRound.p25)}-${f(c.ratioPerRound.p75)}x`])]
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)))
  const lines = [`\nthreads: our ${flavor} build on ${threads} threads vs our single-thread build (wasm/facewasm.wasm), interleaved; ms`]
  rows.forEach((row, j) => {
    lines.push(row.map((cell, k) => k ? cell.padStart(widths[k]) : cell.padEnd(widths[k])).join('  '))
    if (j === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  })
  return lines
}
