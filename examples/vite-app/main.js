// Detects the faces in a photo and draws them, with facewasm bundled by Vite.
// Vite finds the library's .wasm through its `new URL('…wasm', import.meta.url)`
// and emits it as an asset; nothing here refers to it.
//
// The weights are fetched from `models` (copy the weight files into public/models/
// to serve them with the app) and the photo from `image`; both can be overridden
// in the address: ?models=/path/to/models&image=/path/to/photo.jpg
import * as faceapi from 'facewasm'

const params = new URLSearchParams(location.search)
const modelsUrl = params.get('models') ?? './models'
const imageUrl = params.get('image') ?? './photo.jpg'

const status = document.getElementById('status')
const photo = document.getElementById('photo')
const overlay = document.getElementById('overlay')

async function run () {
  await Promise.all([
    faceapi.nets.tinyFaceDetector.loadFromUri(modelsUrl),
    faceapi.nets.faceLandmark68Net.loadFromUri(modelsUrl)
  ])
  photo.src = imageUrl
  await photo.decode()

  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 })
  const started = performance.now()
  const results = await faceapi.detectAllFaces(photo, options).withFaceLandmarks()
  const milliseconds = performance.now() - started

  // Results are in the photo's own pixels: the overlay has the same pixels,
  // and style.css stretches it over the photo however large that is shown.
  overlay.width = photo.naturalWidth
  overlay.height = photo.naturalHeight
  faceapi.draw.drawDetections(overlay, results)
  faceapi.draw.drawFaceLandmarks(overlay, results)

  status.textContent = `${results.length} face${results.length === 1 ? '' : 's'} in ${milliseconds.toFixed(0)} ms ` +
    `(${faceapi.wasmFlavor() === 'scalar' ? 'scalar build' : 'WebAssembly SIMD'})`
  // For scripts driving the page (the repository's browser test reads these).
  window.facewasmResults = results
  document.body.dataset.state = 'done'
}

run().catch((error) => {
  status.textContent = `Error: ${error.message}`
  document.body.dataset.state = 'error'
  console.error(error)
})
