// What the face-crop nets (expressions, age/gender) share: running the core on
// integer crops of pixels already in linear memory, and the low-level
// "whole input is the face" calls over one input or an array of them.

import { withInput } from './input.mjs'
import { FacewasmError } from './wasm.mjs'

/**
 * Calls `fn(model, pointer, width, height, cropsPointer, count)` of the core
 * and returns its results: `fields` doubles per crop, as a Float64Array.
 * Synchronous: the chain calls it inside its own withInput.
 */
export function runOnCrops (net, exportName, fields, core, pixels, crops) {
  const { model } = net._require()
  if (!Array.isArray(crops)) throw new FacewasmError(`${net._name} - expected an array of face crops`)
  for (const c of crops) {
    if (!c || ![c.x, c.y, c.width, c.height].every(Number.isInteger)) {
      throw new FacewasmError(`${net._name} - face crop must have integer x, y, width, height, got ${JSON.stringify(c)}`)
    }
  }
  if (!crops.length) return new Float64Array(0)
  const rects = core.alloc(crops.length * 16)
  try {
    const view = core.i32()
    crops.forEach((c, i) => view.set([c.x, c.y, c.width, c.height], (rects >> 2) + 4 * i))
    const count = core.exports[exportName](model, pixels.pointer, pixels.width, pixels.height, rects, crops.length)
    if (count < 0) core.fail(net._name)
    const start = core.exports.fw_results() / 8
    return core.f64().slice(start, start + count * fields)
  } finally {
    core.free(rects)
  }
}

/**
 * face-api.js's low-level predict on whole images: `input` is one face image
 * (result: one prediction) or an array of them (result: an array).
 * `predict(core, pixels)` runs on one image's pixels.
 */
export async function predictWholeImages (net, input, predict) {
  const { core } = net._require()
  if (!Array.isArray(input)) return withInput(core, input, (pixels) => predict(core, pixels))
  if (!input.length) throw new FacewasmError(`${net._name} - empty array passed as input`)
  const results = []
  for (const item of input) results.push(await withInput(core, item, (pixels) => predict(core, pixels)))
  return results
}

export const wholeImage = (pixels) => ({ x: 0, y: 0, width: pixels.width, height: pixels.height })
