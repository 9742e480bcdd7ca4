// What the face-crop nets (landmarks, recognition, expressions, age/gender)
// share: running the core on integer crops of pixels already in linear memory,
// and the low-level "whole input is the face" calls over one input or an
// array of them.

import { withInput } from './input.mjs'
import { FacewasmError } from './wasm.mjs'

/** Throws unless every crop is an integer rectangle { x, y, width, height }. */
function checkCrops (net, crops) {
  if (!Array.isArray(crops)) throw new FacewasmError(`${net._name} - expected an array of face crops`)
  for (const c of crops) {
    if (!c || ![c.x, c.y, c.width, c.height].every(Number.isInteger)) {
      throw new FacewasmError(`${net._name} - face crop must have integer x, y, width, height, got ${JSON.stringify(c)}`)
    }
  }
}

/** Writes the crops to linear memory at `rects`: x, y, width, height as int32 each. */
function writeCrops (core, rects, crops) {
  const view = core.i32()
  crops.forEach((c, i) => view.set([c.x, c.y, c.width, c.height], (rects >> 2) + 4 * i))
}

/**
 * Calls the core's `exportName(model, pointer, width, height, cropsPointer,
 * count)` and returns its results: `fields` doubles per crop (read from
 * fw_results), as a Float64Array. Synchronous: the chain calls it inside its
 * own withInput.
 */
export function runOnCrops (net, exportName, fields, core, pixels, crops) {
  const { model } = net._require()
  checkCrops(net, crops)
  if (!crops.length) return new Float64Array(0)
  return core.withAllocations([crops.length * 16], (rects) => {
    writeCrops(core, rects, crops)
    const count = core.exports[exportName](model, pixels.pointer, pixels.width, pixels.height, rects, crops.length)
    if (count < 0) core.fail(net._name)
    const start = core.exports.fw_results() / 8
    return core.f64().slice(start, start + count * fields)
  })
}

/**
 * Calls the core's `exportName(model, pointer, width, height, cropsPointer,
 * count, out)`, which writes `valuesPerCrop` floats per crop to `out`, and
 * returns them, a Float32Array per crop. Synchronous, as runOnCrops.
 */
export function runOnCropsInto (net, exportName, valuesPerCrop, core, pixels, crops) {
  const { model } = net._require()
  checkCrops(net, crops)
  if (!crops.length) return []
  return core.withAllocations([crops.length * 16, crops.length * valuesPerCrop * 4], (rects, out) => {
    writeCrops(core, rects, crops)
    if (core.exports[exportName](model, pixels.pointer, pixels.width, pixels.height, rects, crops.length, out) < 0) core.fail(net._name)
    const values = core.f32().slice(out >> 2, (out >> 2) + crops.length * valuesPerCrop)
    return crops.map((_, i) => values.subarray(i * valuesPerCrop, (i + 1) * valuesPerCrop))
  })
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
