// Detects the faces in a photo and draws them, with facewasm bundled by Vite.
// Vite finds the library's .wasm through its `new URL('…wasm', import.meta.url)`
// and emits it as an asset; nothing here refers to it.
//
// The weights are fetched from `models` (copy the weight files into public/models/
// to serve them with the app) and the photo from `image`; both can be overridden
// in the address: ?models=/path/to/models&image=/path/to/photo.jpg
// With ?worker the nets run in a module Web Worker (worker.js) instead of on the page.
// With ?threads the page runs each forward on every core where the browser allows
// it (a page served cross-origin isolated, with the COOP and COEP headers), else on one.
import * as faceapi from 'facewasm'
import { FaceApiWorker } from 'facewasm/worker'

const params = new URLSearchParams(location.search)
const modelsUrl = params.get('models') ?? './models'
const imageUrl = params.get('image') ?? './photo.jpg'
const inWorker = params.has('worker')
const onEveryCore = params.has('threads')

const status = document.getElementById('status')
const photo = document.getElementById('photo')
const overlay = document.getElementById('overlay')

const options = { inputSize: 416, scoreThreshold: 0.5 }

async function detectOnPage () {
  if (onEveryCore) await faceapi.setThreads('auto') // before the first model loads
  await Promise.all([
    faceapi.nets.tinyFaceDetector.loadFromUri(modelsUrl),
    faceapi.nets.faceLandmark68Net.loadFromUri(modelsUrl)
  ])
  await photo.decode()
  const started = performance.now()
  const results = await faceapi.detectAllFaces(photo, new faceapi.TinyFaceDetectorOptions(options)).withFaceLandmarks()
  return { results, milliseconds: performance.now() - started, flavor: faceapi.wasmFlavor(), threads: faceapi.threadCount() }
}

async function detectInWorker () {
  const worker = new FaceApiWorker(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }))
  await Promise.all([worker.load('tinyFaceDetector', modelsUrl), worker.load('faceLandmark68Net', modelsUrl)])
  await photo.decode()
  const started = performance.now()
  const results = await worker.run(photo, { detector: 'tinyFaceDetector', options, landmarks: 'full' })
  return { results, milliseconds: performance.now() - started, flavor: await worker.wasmFlavor(), threads: 1 }
}

async function run () {
  photo.src = imageUrl
  const { results, milliseconds, flavor, threads } = await (inWorker ? detectInWorker() : detectOnPage())

  // Results are in the photo's own pixels: the overlay has the same pixels,
  // and style.css stretches it over the photo however large that is shown.
  overlay.width = photo.naturalWidth
  overlay.height = photo.naturalHeight
  faceapi.draw.drawDetections(overlay, results)
  faceapi.draw.drawFaceLandmarks(overlay, results)

  status.textContent = `${results.length} face${results.length === 1 ? '' : 's'} in ${milliseconds.toFixed(0)} ms ` +
    `(${flavor === 'scalar' ? 'scalar build' : 'WebAssembly SIMD'}${inWorker ? ', in a worker' : ''}` +
    `${threads > 1 ? `, ${threads} threads` : ''})`
  // For scripts driving the page (the repository's browser test reads these).
  window.facewasmResults = results
  document.body.dataset.state = 'done'
}

run().catch((error) => {
  status.textContent = `Error: ${error.message}`
  document.body.dataset.state = 'error'
  console.error(error)
})
