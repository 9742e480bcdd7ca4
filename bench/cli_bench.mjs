// Wall time of the command line over a folder of 200 photos with 1 and with 2
// worker threads, and the speedup. The folder is made in a temporary directory
// from the demo photos of the models package (`make models`) and removed after.
//
//   node bench/cli_bench.mjs [--images 200] [--rounds 2] [--command detect|describe]
//
// Runs alternate (1 worker, 2 workers, 1, 2, ...) so a busy machine slows
// both sides alike; the best round of each is reported.

import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'

const repo = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
    command: { type: 'string', default: 'detect' }
  }
})
const imageCount = Number(values.images)
const rounds = Number(values.rounds)

const samplesDir = path.join(repo, 'models', 'node_modules', '@vladmandic', 'face-api', 'demo')
if (!existsSync(samplesDir)) {
  console.error(`cli_bench: ${samplesDir} not found; run 'make models' first`)
  process.exit(1)
}
const samples = readdirSync(samplesDir).filter((f) => /^sample\d+\.jpg$/.test(f)).sort()

/** How many cores `threads` busy-looping threads actually get for a second: what the machine has free. */
async function coresAvailable (threads) {
  const code = 'const end = Date.now() + 1000; let x = 0; while (Date.now() < end) x++; require("node:worker_threads").parentPort.postMessage(x)'
  const start = Date.now()
  const before = process.cpuUsage()
  await Promise.all(Array.from({ length: threads }, () => new Promise((resolve) => new Worker(code, { eval: true }).once('message', resolve))))
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1e6 / ((Date.now() - start) / 1000)
}

const dir = mkdtempSync(path.join(tmpdir(), 'facewasm-cli-bench-'))
try {
  for (let i = 0; i < imageCount; i++) {
    copyFileSync(path.join(samplesDir, samples[i % samples.length]), path.join(dir, `photo${String(i).padStart(4, '0')}.jpg`))
  }
  const cli = path.join(repo, 'js', 'cli.mjs')
  // GNU time, when installed, adds the CPU time of all the run's threads: CPU
  // seconds per wall second is how many cores the run kept busy.
  const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null
  const timeRun = (workers) => {
    const args = [cli, values.command, dir, '--json', '--workers', String(workers)]
    const cpuFile = path.join(dir, 'cpu.txt')
    const start = process.hrtime.bigint()
    const out = gnuTime
      ? execFileSync(gnuTime, ['-o', cpuFile, '-f', '%U %S', process.execPath, ...args], { cwd: repo, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] })
      : execFileSync(process.execPath, args, { cwd: repo, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] })
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const lines = out.toString().trim().split('\n').length
    if (lines !== imageCount) throw new Error(`expected ${imageCount} results, got ${lines}`)
    const cpu = gnuTime ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) : null
    return { seconds, cpu }
  }
  const free = await coresAvailable(2)
  const best = { 1: null, 2: null }
  for (let round = 0; round < rounds; round++) {
    for (const workers of [1, 2]) {
      const run = timeRun(workers)
      if (!best[workers] || run.seconds < best[workers].seconds) best[workers] = run
    }
  }
  console.log(`\nfacewasm ${values.command} over ${imageCount} photos (${samples.length} demo photos repeated; ` +
    `tiny detector; ${availableParallelism()} cores; best of ${rounds}):`)
  for (const workers of [1, 2]) {
    const { seconds, cpu } = best[workers]
    const busy = cpu === null ? '' : `, ${cpu.toFixed(1)} s CPU = ${(cpu / seconds).toFixed(2)} cores busy`
    console.log(`  --workers ${workers}: ${seconds.toFixed(2)} s  (${(imageCount / seconds).toFixed(1)} photos/s${busy})`)
  }
  console.log(`  speedup with 2 workers: ${(best[1].seconds / best[2].seconds).toFixed(2)}x`)
  console.log(`  machine load average at the end: ${loadavg().map((v) => v.toFixed(1)).join(' ')}; ` +
    `two busy-looping threads got ${free.toFixed(2)} cores just before (the most 2 workers can use)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
