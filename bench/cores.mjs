// Each core's own speed: a single-thread forward in a process pinned to one
// CPU at a time (taskset), the CPUs taking turns round by round. On a virtual
// machine the cores need not run alike (one may share its physical core with
// another guest); a forward split over the cores can then at best be as fast
// as all of them working at their own speeds: sum over cores k of
// (time on the fastest core / time on core k) times faster than on the
// fastest core alone. The threads section of `make bench` prints this
// ceiling next to its two-thread speedups.
//
//   node bench/cores.mjs [--cases recognition,ssd] [--rounds 3]
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

import { syntheticImage } from './synthetic_image.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

// Per case: the net, its input, one forward, and the forwards a probe times.
const CASES = {
  recognition: { net: 'faceRecognitionNet', input: () => syntheticImage(150, 150), run: (n, x) => n.computeFaceDescriptor(x), runs: 150 },
  ssd: { net: 'ssdMobilenetv1', input: () => syntheticImage(640, 480), run: (n, x) => n.forward(x), runs: 12 }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

/** In the pinned child: the median time of a case's forwards after a warm-up, printed in ms. */
async function probe (name) {
  const faceapi = await import('../js/index.mjs')
  const { net, input, run, runs } = CASES[name]
  await faceapi.nets[net].loadFromDisk(`${root}models`)
  const x = input()
  for (let i = 0; i < Math.max(3, runs / 10); i++) await run(faceapi.nets[net], x)
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await run(faceapi.nets[net], x)
    times.push(performance.now() - t0)
  }
  process.stdout.write(`${median(times)}\n`)
}

/**
 * { cpus, cases: [{ name, ms: [median ms per CPU], ceiling }] }, or { unavailable: reason }
 * where processes cannot be pinned (no taskset, one CPU).
 */
export function measureCores ({ cases = Object.keys(CASES), rounds = 3 } = {}) {
  const cpus = os.availableParallelism()
  if (cpus < 2) return { unavailable: 'one CPU' }
  const results = []
  for (const name of cases) {
    const perCpu = Array.from({ length: cpus }, () => [])
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < cpus; k++) {
        const cpu = (k + r) % cpus
        const child = spawnSync('taskset', ['-c', String(cpu), process.execPath, fileURLToPath(import.meta.url), '--probe', name],
          { encoding: 'utf8', cwd: root, env: { ...process.env, FACEWASM_THREADS: '' } })
        if (child.error || child.status !== 0) {
          return { unavailable: `taskset -c ${cpu}: ${child.error?.message ?? child.stderr.trim().split('\n').pop()}` }
        }
        perCpu[cpu].push(Number(child.stdout.trim()))
      }
    }
    const ms = perCpu.map(median)
    const fastest = Math.min(...ms)
    results.push({ name, ms, ceiling: ms.reduce((sum, t) => sum + fastest / t, 0) })
  }
  return { cpus, rounds, cases: results }
}

/** The report's lines for measureCores' result. */
export function coresReport (cores) {
  if (cores.unavailable) return [`cores:   not measured (${cores.unavailable})`]
  const lines = [`\ncores:   a single-thread forward pinned to each CPU in turn (taskset; median of ${cores.rounds} rounds' medians), ` +
    'and the most a forward split over all of them can gain at those speeds']
  for (const c of cores.cases) {
    lines.push(`  ${c.name.padEnd(12)} ${c.ms.map((t, k) => `cpu${k} ${t.toFixed(2)} ms`).join(', ')}: ` +
      `at best ${c.ceiling.toFixed(2)}x the fastest core alone`)
  }
  return lines
}

if (process.argv[2] === '--probe') {
  await probe(process.argv[3])
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag, fallback) => { const i = process.argv.indexOf(flag); return i > 0 ? process.argv[i + 1] : fallback }
  const cases = arg('--cases', Object.keys(CASES).join(',')).split(',')
  for (const name of cases) if (!CASES[name]) throw new Error(`--cases: unknown case '${name}' (known: ${Object.keys(CASES).join(', ')})`)
  console.log(coresReport(measureCores({ cases, rounds: Number(arg('--rounds', '3')) })).join('\n'))
}
