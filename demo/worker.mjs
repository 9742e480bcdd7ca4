// The demo's module worker: the library's request handler (load, run,
// wasmFlavor) plus runTimed, which also returns the time spent in each net.
import { serveFaceApi } from '../js/worker.mjs'
import { runTimed } from './pipeline.mjs'

serveFaceApi({ runTimed })
