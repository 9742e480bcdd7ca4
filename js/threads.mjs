// The thread pool of the threads build (wasm/facewasm-threads.wasm): thread 0
// is the caller's thread, threads 1 .. n-1 are workers (worker_threads in
// Node, module Web Workers in browsers), each with its own instance of the
// same module on the shared memory and its own stack. C splits the heavy
// layers of a forward across them (csrc/core/parallel.h); between forwards
// the workers sleep. Workers never keep a Node process alive (unref).

import { isNode, nodeBuiltin } from './node.mjs'
import { FacewasmError } from './wasm.mjs'

const STACK_BYTES = 256 * 1024 // kernels use a few KiB

export class ThreadPool {
  constructor (core, module, memory) {
    this.core = core
    this.module = module
    this.memory = memory
    this.workers = [] // { worker, stack }
    this.threads = 1
    this._resizes = Promise.resolve() // the resizes asked for, one after another
  }

  /**
   * Runs forks on `threads` threads from now on; resolves when every worker is
   * serving. Calls run in turn (two at once would both stop the pool and both
   * start workers): the last one asked for wins.
   */
  resize (threads) {
    const done = this._resizes.then(() => this._resize(threads))
    this._resizes = done.catch(() => {})
    return done
  }

  async _resize (threads) {
    if (threads === this.threads) return threads
    await this.close()
    if (threads === 1) return 1
    // Thread 0 may block while workers finish, except on a browser page's main thread.
    const mayWait = isNode || typeof globalThis.WorkerGlobalScope !== 'undefined'
    if (this.core.exports.fw_threads_start(threads, mayWait ? 1 : 0) !== 0) this.core.fail('')
    this.threads = threads
    const started = []
    for (let index = 1; index < threads; index++) started.push(this.spawn(index))
    try {
      await Promise.all(started)
    } catch (error) {
      await this.close()
      throw error
    }
    return threads
  }

  async spawn (index) {
    const stack = this.core.alloc(STACK_BYTES)
    const data = { module: this.module, memory: this.memory, stackTop: (stack + STACK_BYTES) & ~15, index }
    // In browsers the worker is created in the form bundlers recognise (new Worker(new URL(…)))
    // so that they build it as a worker of its own rather than inline it as a data: URL,
    // which a Content-Security-Policy or cross-origin isolation would refuse.
    const worker = isNode
      ? new (await nodeBuiltin('worker_threads')).Worker(new URL('./threads_worker.mjs', import.meta.url), { workerData: data, execArgv: [] }) // not the parent's -e or --input-type
      : new Worker(new URL('./threads_worker.mjs', import.meta.url), { type: 'module' })
    this.workers.push({ worker, stack })
    // Node: listeners keep a worker referenced, so they go once it serves.
    const listen = isNode
      ? (type, fn) => { worker.on(type, fn); return () => worker.off(type, fn) }
      : (type, fn) => { worker.addEventListener(type, fn); return () => worker.removeEventListener(type, fn) }
    await new Promise((resolve, reject) => {
      const failed = (error) => { stop(); reject(new FacewasmError(`thread ${index} failed to start: ${error?.message ?? error}`)) }
      const stops = [
        listen('message', (event) => {
          const m = isNode ? event : event.data
          if (m.ready === index) { stop(); resolve() } else if (m.error) failed(m.error)
        }),
        listen('error', failed),
        ...(isNode ? [listen('exit', () => failed('exited'))] : [])
      ]
      const stop = () => stops.forEach((f) => f())
      if (!isNode) worker.postMessage(data)
    })
    if (isNode) worker.unref()
  }

  /** Back to one thread: every worker leaves C, is terminated, and its stack freed. */
  async close () {
    this.core.exports.fw_threads_stop()
    this.threads = 1
    const workers = this.workers.splice(0)
    await Promise.all(workers.map(({ worker }) => worker.terminate()))
    for (const { stack } of workers) this.core.free(stack)
  }
}
