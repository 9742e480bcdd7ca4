// A page script using facewasm, bundled by webpack for tests/webpack_app.test.mjs,
// which serves it cross-origin isolated with index.html: with ?threads it runs on
// every core the browser allows (the threads build and its worker, as webpack
// emitted them), else on one. It detects faces with landmarks in the page's photo.
import * as faceapi from 'facewasm'

const params = new URLSearchParams(location.search)

async function run () {
  if (params.has('threads')) await faceapi.setThreads('auto')
  await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
  await faceapi.nets.faceLandmark68Net.loadFromUri('/models')
  const photo = document.getElementById('photo')
  await photo.decode()
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 })
  window.facewasmResults = await faceapi.detectAllFaces(photo, options).withFaceLandmarks()
  document.getElementById('status').textContent = `${window.facewasmResults.length} faces (${faceapi.wasmFlavor()}, ${faceapi.threadCount()} threads)`
  document.body.dataset.state = 'done'
}

run().catch((error) => {
  document.getElementById('status').textContent = `Error: ${error.message}`
  document.body.dataset.state = 'error'
})
