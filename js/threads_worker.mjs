// One thread of the pool (js/threads.mjs): instantiates the threads build on
// the shared memory, moves its stack pointer to the stack thread 0 allocated
// for it, and serves forks in C (fw_threads_worker) until the pool stops.
// It never allocates and never runs the start-up code (_initialize): the
// memory's data and the heap belong to thread 0.

// It stands alone (no import of the library's modules, no top-level await):
// in Node threads.mjs starts it by its URL, and bundlers (Vite, webpack) build
// it as a worker entry of its own, which Vite emits as a classic script by
// default. Its import of Node's worker_threads is made at run time, so that
// no bundler follows it.
const isNode = typeof process !== 'undefined' && !!process.versions?.node
// The profiling builds' clock (csrc/core/profile.h), as in js/wasm.mjs.
const profileClock = () => performance.timeOrigin + performance.now()

async function serve ({ module, memory, stackTop, index }, post) {
  const instance = await WebAssembly.instantiate(module, { env: { memory, emscripten_notify_memory_growth () {}, fw_profile_clock: profileClock } })
  instance.exports.stackRestore(stackTop)
  post({ ready: index })
  instance.exports.fw_threads_worker(index) // returns after fw_threads_stop()
  post({ done: index })
}

const report = (post) => (error) => post({ error: String(error?.stack ?? error) })

if (isNode) {
  const builtin = 'node:worker_threads'
  import(/* @vite-ignore */ /* webpackIgnore: true */ builtin).then(({ parentPort, workerData }) => {
    const post = (message) => parentPort.postMessage(message)
    return serve(workerData, post).catch(report(post))
  })
} else {
  const post = (message) => self.postMessage(message)
  self.onmessage = (event) => serve(event.data, post).catch(report(post))
}
