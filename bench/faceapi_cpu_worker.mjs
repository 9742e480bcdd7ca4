// Worker side of faceapi_cpu.mjs: face-api.js 0.22.2 on tfjs-core 1.7's pure-JS CPU backend.
// It lives in a worker because tfjs-core 1.7 and the bench's tfjs 4.22 would share one
// global engine (globalThis._tfengine) in a single realm.

import { createRequire } from 'node:module'
import { parentPort } from 'node:worker_threads'
import { NodeCanvas, NodeImage, NodeImageData, NodeVideo } from './node_canvas.mjs'

const require = createRequire(import.meta.url)
const faceapi = require('face-api.js')
const tf = faceapi.tf // the tfjs-core instance face-api.js uses (1.7.0, nested under it)

faceapi.env.monkeyPatch({
  Canvas: NodeCanvas,
  Image: NodeImage,
  ImageData: NodeImageData,
  Video: NodeVideo,
  createCanvasElement: () => new NodeCanvas(),
  createImageElement: () => new NodeImage()
})

let canvas = null

async function init ({ modelDir, rgba, width, height }) {
  const quiet = (fn) => async (...a) => { const warn = console.warn; console.warn = () => {}; try { return await fn(...a) } finally { console.warn = warn } }
  await quiet(async () => { await tf.setBackend('cpu'); await tf.ready() })()
  if (tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${tf.getBackend()}, expected cpu`)
  await quiet(() => faceapi.nets.mtcnn.loadFromDisk(modelDir))() // silences "mtcnn is deprecated"
  canvas = NodeCanvas.fromRgba(rgba, width, height)
  return {
    faceapiVersion: require('face-api.js/package.json').version,
    tfjsCoreVersion: tf.version_core,
    backend: tf.getBackend()
  }
}

async function mtcnn (options) {
  const results = await faceapi.nets.mtcnn.forward(canvas, new faceapi.MtcnnOptions(options))
  return results.map((r) => ({ score: r.detection.score, box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height } }))
}

parentPort.on('message', async ({ id, type, args }) => {
  try {
    const value = type === 'init' ? await init(args) : type === 'mtcnn' ? await mtcnn(args) : null
    if (value === null) throw new Error(`unknown request ${type}`)
    parentPort.postMessage({ id, value, tensors: tf.memory().numTensors })
  } catch (error) {
    parentPort.postMessage({ id, error: error.stack || String(error) })
  }
})
