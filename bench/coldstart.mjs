// Cold start of one side, in a fresh process (bench.mjs spawns it):
//   node bench/coldstart.mjs ours|tfjs OUR_MODELS TFJS_MODELS
// Times importing the library, instantiating its wasm and loading every model both sides
// share (Tiny, SSD, landmarks full and tiny, recognition, expressions, age/gender), then one
// warm-up forward of the Tiny Face Detector; prints JSON on stdout.
const [side, ourModels, tfjsModels] = process.argv.slice(2)
const NETS = ['tinyFaceDetector', 'ssdMobilenetv1', 'faceLandmark68Net', 'faceLandmark68TinyNet',
  'faceRecognitionNet', 'faceExpressionNet', 'ageGenderNet']
const t0 = performance.now()
let firstForward
if (side === 'ours') {
  const faceapi = await import('../js/index.mjs')
  for (const net of NETS) await faceapi.nets[net].loadFromDisk(ourModels)
  const loaded = performance.now()
  await faceapi.nets.tinyFaceDetector.forward({ data: new Uint8Array(416 * 416 * 4).fill(128), width: 416, height: 416 }, 416)
  firstForward = performance.now() - loaded
} else {
  const { createTfjsWasmRunner } = await import('./tfjs_wasm.mjs')
  const tfjs = await createTfjsWasmRunner({ modelDir: tfjsModels }) // loads the same seven nets
  const loaded = performance.now()
  const img = tfjs.prepareImage(new Uint8Array(416 * 416 * 4).fill(128), 416, 416)
  await tfjs.tinyForward(img, 416)
  firstForward = performance.now() - loaded
}
const total = performance.now() - t0
console.log(JSON.stringify({ side, loadMs: total - firstForward, firstForwardMs: firstForward, rss: process.memoryUsage().rss }))
