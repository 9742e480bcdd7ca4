// face-api.js's weight format: `<model>-weights_manifest.json` (tfjs's
// manifest: groups of shard paths and tensor entries) plus binary shards.
// This module checks the manifest's structure and the shards' bytes, then
// feeds each entry to the core, which dequantizes, checks names and shapes,
// and packs. Every error names the file (and tensor) at fault.

import { FacewasmError } from './wasm.mjs'

// Codes of enum fw_weight_dtype in csrc/core/weights.h.
export const DTYPE_CODES = {
  'float32/': 1,
  'int32/': 2,
  'float32/uint8': 3,
  'float32/uint16': 4,
  'int32/uint8': 5,
  'int32/uint16': 6
}
const MAX_RANK = 4

function describeStart (bytes) {
  const text = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ')
  return JSON.stringify(text)
}

/** Parses and checks a manifest's text; returns its groups. */
export function parseManifest (text, manifestName) {
  text = text.replace(/^\uFEFF/, '') // a byte order mark, as some editors save JSON
  let groups
  try {
    groups = JSON.parse(text)
  } catch {
    const start = describeStart(new TextEncoder().encode(text))
    const hint = /^\s*</.test(text) ? ' (an HTML page? check the URL or folder)' : ''
    throw new FacewasmError(`${manifestName} is not valid JSON${hint}; it starts with ${start}`)
  }
  const bad = (what) => new FacewasmError(`${manifestName}: ${what}`)
  if (!Array.isArray(groups) || groups.length === 0) throw bad('expected a non-empty array of weight groups')
  const names = new Set()
  for (const [g, group] of groups.entries()) {
    if (!group || !Array.isArray(group.paths) || group.paths.length === 0 || !group.paths.every((p) => typeof p === 'string' && p)) {
      throw bad(`group ${g} has no list of shard paths`)
    }
    if (!Array.isArray(group.weights)) throw bad(`group ${g} has no list of weights`)
    for (const entry of group.weights) {
      const name = entry?.name
      if (typeof name !== 'string' || !name) throw bad(`group ${g} has an entry without a name`)
      if (names.has(name)) throw bad(`tensor '${name}' appears twice`)
      names.add(name)
      const { shape, dtype, quantization } = entry
      if (Array.isArray(shape) && shape.length > MAX_RANK) {
        throw bad(`tensor '${name}' has rank ${shape.length}; at most ${MAX_RANK} is supported`)
      }
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31)) {
        throw bad(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`)
      }
      const key = `${dtype}/${quantization ? quantization.dtype : ''}`
      if (!(key in DTYPE_CODES)) {
        throw bad(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)}` +
          (quantization ? ` with quantization ${JSON.stringify(quantization.dtype)}` : ''))
      }
      if (quantization && !(Number.isFinite(quantization.scale) && Number.isFinite(quantization.min))) {
        throw bad(`tensor '${name}' has quantization without a numeric scale and min`)
      }
    }
  }
  return groups
}

/** Rejects bytes that are clearly not weight data, naming the file. */
function checkShard (bytes, path) {
  if (bytes.length === 0) throw new FacewasmError(`weight shard ${path} is empty`)
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase()
  if (start.startsWith('<!doctype') || start.startsWith('<html') || start.startsWith('<?xml')) {
    throw new FacewasmError(`weight shard ${path} is an HTML page, not weight data (check the URL or the server's folder)`)
  }
  if (start.startsWith('version https://git-lfs')) {
    throw new FacewasmError(`weight shard ${path} is a Git LFS pointer, not the weights (run 'git lfs pull')`)
  }
}

/**
 * Creates a model of `kind` in the core from a parsed manifest (named
 * `manifestName` in messages), reading shards with
 * `readShard(path) -> Promise<Uint8Array>`. Returns the model handle.
 */
export async function loadModel (core, kind, modelName, manifestName, groups, readShard) {
  const shardSets = []
  for (const group of groups) {
    const shards = []
    for (const path of group.paths) {
      const bytes = await readShard(path)
      checkShard(bytes, path)
      shards.push({ path, bytes })
    }
    shardSets.push(shards)
  }

  const { exports: fw } = core
  const model = fw.fw_model_create(kind)
  if (model < 0) core.fail(modelName)
  let data = 0
  const namePointer = core.alloc(256)
  try {
    for (const [g, group] of groups.entries()) {
      const shards = shardSets[g]
      const total = shards.reduce((sum, s) => sum + s.bytes.length, 0)
      data = core.alloc(Math.max(1, total))
      let at = data
      for (const s of shards) { core.u8().set(s.bytes, at); at += s.bytes.length }
      const shardAt = (offset) => {
        let start = 0
        for (const s of shards) {
          if (offset < start + s.bytes.length) return s.path
          start += s.bytes.length
        }
        return shards[shards.length - 1].path
      }
      let offset = 0
      for (const entry of group.weights) {
        const name = new TextEncoder().encode(entry.name)
        if (name.length > 255) throw new FacewasmError(`${modelName}: tensor name '${entry.name.slice(0, 40)}...' is too long`)
        core.u8().set(name, namePointer)
        const dims = [...entry.shape, 0, 0, 0, 0]
        const q = entry.quantization
        const used = fw.fw_model_add_tensor(model, namePointer, name.length,
          DTYPE_CODES[`${entry.dtype}/${q ? q.dtype : ''}`], entry.shape.length,
          dims[0], dims[1], dims[2], dims[3], q ? q.scale : 0, q ? q.min : 0, data + offset, total - offset)
        if (used < 0) core.fail(`${modelName}: ${shardAt(offset)}`)
        offset += used
      }
      if (offset < total) {
        throw new FacewasmError(`${modelName}: ${shards[shards.length - 1].path} holds ${total - offset} bytes more ` +
          'than the manifest declares (shard and manifest do not belong together?)')
      }
      core.free(data)
      data = 0
    }
    if (fw.fw_model_finish(model) < 0) core.fail(manifestName)
    return model
  } catch (error) {
    fw.fw_model_destroy(model)
    throw error
  } finally {
    core.free(data)
    core.free(namePointer)
  }
}

const QUANTIZED_BYTES = { uint8: 1, uint16: 2 }

function dequantize (code, q, dtype) {
  const v = code * q.scale + q.min
  return dtype === 'int32' ? Math.trunc(v) : Math.fround(v)
}

/** The quantization of a loadWeightMap tensor, when its values are still its codes' values. */
function unchangedQuantization (tensor, values, dtype) {
  const q = tensor?.quantization
  if (!q || !(q.codes instanceof (q.dtype === 'uint8' ? Uint8Array : Uint16Array)) || q.codes.length !== values.length) return null
  for (let i = 0; i < values.length; i++) if (dequantize(q.codes[i], q, dtype) !== values[i]) return null
  return q
}

/**
 * The tensors of parsed manifest groups, read with readShard(path), as
 * { [name]: { data, shape, dtype, quantization? } }: float32 as Float32Array,
 * int32 as Int32Array, dequantized as value * scale + min (int32 truncated, as
 * the core); quantized tensors keep { dtype, scale, min, codes }.
 */
export async function decodeWeights (groups, readShard) {
  const weightMap = {}
  for (const group of groups) {
    const parts = []
    for (const path of group.paths) {
      const bytes = await readShard(path)
      checkShard(bytes, path)
      parts.push(bytes)
    }
    const all = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
    parts.reduce((at, p) => { all.set(p, at); return at + p.length }, 0)
    const view = new DataView(all.buffer)
    let offset = 0
    for (const { name, shape, dtype, quantization: q } of group.weights) {
      const count = shape.reduce((a, b) => a * b, 1)
      const width = q ? QUANTIZED_BYTES[q.dtype] : 4
      if (offset + count * width > all.length) {
        throw new FacewasmError(`tensor '${name}' needs ${count * width} bytes at offset ${offset}; the shards hold ${all.length}`)
      }
      const data = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count)
      const codes = q ? (q.dtype === 'uint8' ? new Uint8Array(count) : new Uint16Array(count)) : null
      for (let i = 0; i < count; i++) {
        const at = offset + i * width
        if (!q) {
          data[i] = dtype === 'int32' ? view.getInt32(at, true) : view.getFloat32(at, true)
        } else {
          codes[i] = q.dtype === 'uint8' ? all[at] : view.getUint16(at, true)
          data[i] = dequantize(codes[i], q, dtype)
        }
      }
      weightMap[name] = { data, shape: [...shape], dtype }
      // The codes travel with the values, so that loadFromWeightMap can give the
      // core the same quantized tensor a weight folder gives (its integer paths
      // use the 8-bit codes themselves).
      if (q) weightMap[name].quantization = { dtype: q.dtype, scale: q.scale, min: q.min, codes }
      offset += count * width
    }
  }
  return weightMap
}

/**
 * A weight map { [name]: tf.Tensor | { data, shape, dtype? } } as one
 * manifest group and its bytes, for loadModel: float32/int32 values, or the
 * 8/16-bit codes of a loadWeightMap tensor whose values were left unchanged.
 */
export function encodeWeightMap (weightMap, callee) {
  const entries = weightMap && typeof weightMap === 'object' ? Object.entries(weightMap) : []
  if (!entries.length) throw new FacewasmError(`${callee} - expected a non-empty weight map { [tensorName]: tensor }`)
  const weights = []
  const arrays = []
  for (const [name, tensor] of entries) {
    const values = typeof tensor?.dataSync === 'function' ? tensor.dataSync() : (tensor?.data ?? tensor?.values)
    const shape = tensor?.shape
    if (!ArrayBuffer.isView(values) && !Array.isArray(values)) {
      throw new FacewasmError(`${callee} - tensor '${name}' has no data (expected a tf.Tensor or { data, shape })`)
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new FacewasmError(`${callee} - tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`)
    }
    const count = shape.reduce((a, b) => a * b, 1)
    if (values.length !== count) {
      throw new FacewasmError(`${callee} - tensor '${name}' has ${values.length} values; shape ${JSON.stringify(shape)} needs ${count}`)
    }
    const dtype = tensor.dtype ?? (values instanceof Int32Array ? 'int32' : 'float32')
    if (dtype !== 'float32' && dtype !== 'int32') throw new FacewasmError(`${callee} - tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)}`)
    const q = unchangedQuantization(tensor, values, dtype)
    if (q) {
      arrays.push(q.codes)
      weights.push({ name, shape: [...shape], dtype, quantization: { dtype: q.dtype, scale: q.scale, min: q.min } })
    } else {
      arrays.push(dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values))
      weights.push({ name, shape: [...shape], dtype })
    }
  }
  const bytes = new Uint8Array(arrays.reduce((sum, a) => sum + a.byteLength, 0))
  arrays.reduce((at, a) => { bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at); return at + a.byteLength }, 0)
  const groups = parseManifest(JSON.stringify([{ paths: ['weight map'], weights }]), 'weight map')
  return { groups, bytes }
}
