// What every net shares: loading face-api.js weight folders (from a URL with
// fetch, or from disk in Node), the model handle in the core, dispose.

import { FaceDetection } from './classes.mjs'
import { FacewasmError, getCore, isNode } from './wasm.mjs'
import { loadModel, parseManifest } from './weights.mjs'

const manifestFile = (modelName) => `${modelName}-weights_manifest.json`

async function fetchBytes (url) {
  let response
  try {
    response = await fetch(url)
  } catch (error) {
    throw new FacewasmError(`cannot fetch ${url}: ${error.message}`)
  }
  if (!response.ok) throw new FacewasmError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`)
  return new Uint8Array(await response.arrayBuffer())
}

export class NeuralNetwork {
  /** kind: the core's fw_net_kind; modelName: the weight files' prefix. */
  constructor (name, kind, modelName) {
    this._name = name
    this._kind = kind
    this._modelName = modelName
    this._model = 0
    this._core = null
  }

  get isLoaded () { return this._model > 0 }

  /** The folder (or manifest) URL, as face-api.js's loadFromUri takes it. */
  async loadFromUri (uri) {
    if (typeof uri !== 'string') throw new FacewasmError(`${this._name}.loadFromUri - expected model uri`)
    const base = globalThis.location?.href
    const manifestUrl = new URL(uri.endsWith('.json') ? uri : `${uri.replace(/\/+$/, '')}/${manifestFile(this._modelName)}`, base)
    const text = new TextDecoder().decode(await fetchBytes(manifestUrl))
    const manifestName = manifestUrl.pathname.split('/').pop()
    const groups = parseManifest(text, manifestName)
    await this._load(manifestName, groups, (path) => fetchBytes(new URL(path, manifestUrl)))
  }

  /** Node: a folder holding `<model>-weights_manifest.json` and its shards, or the manifest's path. */
  async loadFromDisk (path) {
    if (!isNode) throw new FacewasmError(`${this._name}.loadFromDisk - only available in Node; use loadFromUri`)
    if (typeof path !== 'string') throw new FacewasmError(`${this._name}.loadFromDisk - expected model path`)
    const { readFile } = await import('node:fs/promises')
    const nodePath = await import('node:path')
    const manifestPath = path.endsWith('.json') ? path : nodePath.join(path, manifestFile(this._modelName))
    const read = async (file) => {
      try {
        return await readFile(file)
      } catch (error) {
        throw new FacewasmError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
      }
    }
    const manifestName = nodePath.basename(manifestPath)
    const groups = parseManifest((await read(manifestPath)).toString('utf8'), manifestName)
    const folder = nodePath.dirname(manifestPath)
    await this._load(manifestName, groups, (shard) => read(nodePath.join(folder, shard)))
  }

  /** A URL loads with fetch; in Node, anything else is a path on disk. */
  async load (uriOrPath) {
    if (isNode && typeof uriOrPath === 'string' && !/^https?:\/\//.test(uriOrPath)) return this.loadFromDisk(uriOrPath)
    return this.loadFromUri(uriOrPath)
  }

  async _load (manifestName, groups, readShard) {
    const core = await getCore()
    const model = await loadModel(core, this._kind, this._modelName, manifestName, groups, readShard)
    this.dispose()
    this._core = core
    this._model = model
  }

  dispose () {
    if (this._model > 0) this._core.exports.fw_model_destroy(this._model)
    this._model = 0
  }

  /** The core and model handle, or face-api.js's error when not loaded. */
  _require () {
    if (!this.isLoaded) throw new FacewasmError(`${this._name} - load model before inference`)
    return { core: this._core, model: this._model }
  }
}

const DETECTION_RECORD = 5 // score, x, y, width, height in image pixels (FW_DETECTION_FIELDS)

/** A detector's `count` records at fw_results() as FaceDetections of a width x height image. */
export function readDetections (core, count, width, height) {
  const start = core.exports.fw_results() / 8
  const records = core.f64().slice(start, start + count * DETECTION_RECORD)
  const faces = []
  for (let i = 0; i < count; i++) {
    const [score, x, y, w, h] = records.subarray(i * DETECTION_RECORD, (i + 1) * DETECTION_RECORD)
    faces.push(new FaceDetection(score, { x: x / width, y: y / height, width: w / width, height: h / height }, { width, height }))
  }
  return faces
}
