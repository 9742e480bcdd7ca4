// The other side of the MTCNN benchmark: the original face-api.js 0.22.2 on tfjs-core 1.7's
// CPU backend, the only runtime that still runs its MTCNN (@vladmandic/face-api dropped it).
// It runs in a worker thread (see faceapi_cpu_worker.mjs); each call is one full
// nets.mtcnn.forward on a canvas made once from the image.
//
//   const r = await createFaceapiCpuRunner({ modelDir, rgba, width, height })
//   await r.mtcnnDetect()        // [{ score, box }] as face-api.js returns them
//   await r.dispose()

import { Worker } from 'node:worker_threads'

export async function createFaceapiCpuRunner ({ modelDir, rgba, width, height }) {
  const worker = new Worker(new URL('./faceapi_cpu_worker.mjs', import.meta.url))
  const pending = new Map()
  let nextId = 0
  worker.on('message', ({ id, value, error, tensors }) => {
    const { resolve, reject } = pending.get(id)
    pending.delete(id)
    if (error) reject(new Error(`face-api.js worker: ${error}`))
    else resolve({ value, tensors })
  })
  worker.on('error', (error) => { for (const { reject } of pending.values()) reject(error); pending.clear() })
  const call = (type, args) => new Promise((resolve, reject) => {
    const id = nextId++
    pending.set(id, { resolve, reject })
    worker.postMessage({ id, type, args })
  })
  const { value: info } = await call('init', { modelDir, rgba: Uint8Array.from(rgba), width, height })
  let tensors = 0
  return {
    info,
    async mtcnnDetect (options = {}) {
      const r = await call('mtcnn', options)
      tensors = r.tensors
      return r.value
    },
    get numTensors () { return tensors },
    dispose: () => worker.terminate()
  }
}
