// Hands files out to worker threads, one file per idle worker, and reports
// each result as it arrives. Results can arrive in any order; callers order
// them by job index.

import { Worker } from 'node:worker_threads'

const WORKER_URL = new URL('./worker.mjs', import.meta.url)

export class FatalError extends Error {}

/**
 * Runs jobs [{ file, draw }] on `workers` threads that each load the nets for
 * config once. onResult(index, { result } | { error }) is called per job.
 * Resolves when every job is done; rejects with FatalError when a worker
 * cannot load the models.
 */
export function runPool ({ config, jobs, workers, onResult }) {
  return new Promise((resolve, reject) => {
    let next = 0
    let remaining = jobs.length
    let failed = false
    const threads = new Set()
    if (remaining === 0) { resolve(); return }

    const finish = (error) => {
      if (failed) return
      if (error) failed = true
      for (const thread of threads) thread.terminate()
      threads.clear()
      if (error) reject(error)
      else resolve()
    }

    const done = (index, outcome) => {
      onResult(index, outcome)
      if (--remaining === 0) finish()
    }

    const start = () => {
      const worker = new Worker(WORKER_URL, { workerData: { config } })
      threads.add(worker)
      let current = -1
      let ready = false
      const feed = () => {
        if (next >= jobs.length) { current = -1; return }
        current = next++
        worker.postMessage({ id: current, file: jobs[current].file, draw: jobs[current].draw ?? null })
      }
      worker.on('message', (message) => {
        if (message.type === 'fatal') { finish(new FatalError(message.message)); return }
        if (message.type === 'ready') ready = true
        if (message.type === 'result') {
          current = -1
          done(message.id, message.error !== undefined ? { error: message.error } : { result: message.result })
        }
        if (!failed && remaining > 0) feed()
      })
      // A worker that dies (out of memory, a crash in the core) fails its file;
      // a fresh worker takes its place for the rest.
      const lost = (reason) => {
        if (!threads.has(worker) || failed) return
        threads.delete(worker)
        if (!ready) { finish(new FatalError(`a worker thread stopped while loading the models: ${reason}`)); return }
        if (current >= 0) {
          const index = current
          current = -1
          done(index, { error: `worker stopped: ${reason}` })
        }
        if (!failed && next < jobs.length) start()
      }
      worker.on('error', (error) => lost(error.message))
      worker.on('exit', (code) => lost(`exit code ${code}`))
    }

    for (let i = 0; i < Math.min(workers, jobs.length); i++) start()
  })
}
