// What the demo runs, identically on the main thread and in its worker: a
// task (js/worker.mjs's runTask) with the time spent in each net, and a plain
// summary of the results (shown as JSON; compared with Node by the tests).

import * as faceapi from '../js/index.mjs'
import { runTask } from '../js/worker.mjs'

/** The stage each net's time counts towards, in display order. */
export const STAGE_OF_NET = {
  ssdMobilenetv1: 'detect',
  tinyFaceDetector: 'detect',
  mtcnn: 'detect',
  faceLandmark68Net: 'landmarks',
  faceLandmark68TinyNet: 'landmarks',
  faceRecognitionNet: 'descriptors',
  faceExpressionNet: 'expressions',
  ageGenderNet: 'age and gender'
}

// Methods that do no inference.
const NOT_TIMED = new Set(['constructor', 'load', 'loadFromUri', 'loadFromDisk', 'loadFromWeightMap', 'dispose'])

let running = null // { stage: ms } of the task in progress

/**
 * Times every net by wrapping, on the instance, each method of its class
 * (the outermost call only, so a method calling another counts once). The
 * chain calls whatever methods it needs; the time lands on the net's stage.
 */
function instrument (net, stage) {
  let depth = 0
  const add = (start) => { running[stage] = (running[stage] ?? 0) + performance.now() - start }
  const names = new Set()
  for (let proto = Object.getPrototypeOf(net); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!NOT_TIMED.has(name) && typeof Object.getOwnPropertyDescriptor(proto, name).value === 'function') names.add(name)
    }
  }
  for (const name of names) {
    const method = net[name]
    net[name] = function (...args) {
      if (!running || depth > 0) return method.apply(this, args)
      const start = performance.now()
      depth++
      let result
      try {
        result = method.apply(this, args)
      } catch (error) {
        depth--
        throw error
      }
      if (typeof result?.then !== 'function') {
        depth--
        add(start)
        return result
      }
      return result.finally(() => { depth--; add(start) })
    }
  }
}

for (const [key, net] of Object.entries(faceapi.nets)) instrument(net, STAGE_OF_NET[key] ?? key)

/** Runs a task; resolves to { results, timings: { stage: ms, total: ms } }. */
export async function runTimed (input, task) {
  running = {}
  const start = performance.now()
  try {
    const results = await runTask(input, task)
    return { results, timings: { ...running, total: performance.now() - start } }
  } finally {
    running = null
  }
}

const plainBox = ({ x, y, width, height }) => ({ x, y, width, height })

/** The results as plain data: every number face-api.js gives, nothing rounded. */
export function summarize (results) {
  const list = Array.isArray(results) ? results : (results ? [results] : [])
  return list.map((r) => {
    const detection = r instanceof faceapi.FaceDetection ? r : r.detection
    const face = {
      score: detection.score,
      box: plainBox(detection.box),
      imageWidth: detection.imageWidth,
      imageHeight: detection.imageHeight
    }
    if (r.landmarks) face.landmarks = r.landmarks.positions.map(({ x, y }) => [x, y])
    if (r.alignedRect) face.alignedBox = plainBox(r.alignedRect.box)
    if (r.expressions) {
      face.expressions = Object.fromEntries(Object.entries(r.expressions).filter(([, p]) => typeof p === 'number'))
    }
    if (r.age !== undefined) Object.assign(face, { age: r.age, gender: r.gender, genderProbability: r.genderProbability })
    if (r.descriptor) face.descriptor = Array.from(r.descriptor)
    return face
  })
}
