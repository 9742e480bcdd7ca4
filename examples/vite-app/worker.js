// The worker side of ?worker: answers the page's FaceApiWorker (load, run, wasmFlavor).
// Vite bundles it, and the .wasm it loads, through `new URL('./worker.js', import.meta.url)` in main.js.
import { serveFaceApi } from 'facewasm/worker'

serveFaceApi()
