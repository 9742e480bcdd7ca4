// A page script using facewasm, for tests/webpack_app.test.mjs: only bundled, never run there.
import * as faceapi from 'facewasm'

await faceapi.nets.tinyFaceDetector.loadFromUri('/models')
const detections = await faceapi.detectAllFaces(document.querySelector('img'), new faceapi.TinyFaceDetectorOptions())
console.log(detections.length)
