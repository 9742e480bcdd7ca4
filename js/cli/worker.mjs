// A CLI worker thread: loads the nets once, then analyses the files the main
// thread hands it, one at a time.
//
//   main -> worker   { id, file, draw }
//   worker -> main   { type: 'ready' } | { type: 'fatal', message }
//                    | { type: 'result', id, result } | { type: 'result', id, error }

import { parentPort, workerData } from 'node:worker_threads'

import { analyzeFile, detectorOptions, loadNets } from './analyze.mjs'

const { config } = workerData

try {
  await loadNets(config)
} catch (error) {
  parentPort.postMessage({ type: 'fatal', message: error.message })
  process.exit(0)
}
const options = config.wholeImage ? null : detectorOptions(config)

parentPort.on('message', async ({ id, file, draw }) => {
  try {
    const result = await analyzeFile(config, options, file, draw)
    parentPort.postMessage({ type: 'result', id, result })
  } catch (error) {
    parentPort.postMessage({ type: 'result', id, error: error.message })
  }
})
parentPort.postMessage({ type: 'ready' })
