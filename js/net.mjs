// What every net shares: loading face-api.js weight folders (from a URL with
// fetch, or from disk in Node), the model handle in the core, dispose.

import { FaceDetection } from './classes.mjs'
import { withInput } from './input.mjs'
import { isNode, nodeBuiltin, readWholeFile } from './node.mjs'
import { FacewasmError, getCore } from './wasm.mjs'
import { decodeWeights, encodeWeightMap, loadModel, parseManifest } from './weights.mjs'

const manifestFile = (modelName) => `${modelName}-weights_manifest.json`

/** fetch's error with its reason: Node's says only "fetch failed" and puts why in cause. */
function fetchFailure (error) {
  const reason = error.cause?.message || error.cause?.code
  return reason && !error.message.includes(reason) ? `${error.message} (${reason})` : error.message
}

async function fetchBytes (url) {
  let response
  try {
    response = await fetch(url)
  } catch (error) {
    throw new FacewasmError(`cannot fetch ${url}: ${fetchFailure(error)}`, { cause: error })
  }
  if (!response.ok) throw new FacewasmError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`)
  try {
    return new Uint8Array(await response.arrayBuffer())
  } catch (error) {
    // the connection closed before the whole body came (undici: "terminated")
    const reason = error.cause?.message ?? error.message
    throw new FacewasmError(`cannot fetch ${url}: the response was cut off (${reason})`, { cause: error })
  }
}

/**
 * The manifest's URL for a folder or manifest URL, as face-api.js's
 * getModelUris: a path ending in .json is the manifest, anything else the
 * folder (no URL: the page's own folder). A query (?v=2, a signed URL's
 * token) stays on the manifest and goes on to the shards.
 */
function manifestUrlOf (uri, modelName) {
  const base = globalThis.location?.href
  let url
  try {
    url = new URL(uri || manifestFile(modelName), base)
  } catch {
    const hint = isNode ? ' (in Node, give loadFromDisk a folder, or use an http(s): or file: URL)' : ''
    throw new FacewasmError(`cannot load weights from '${uri}': not a valid URL${hint}`)
  }
  if (uri && !url.pathname.endsWith('.json')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/${manifestFile(modelName)}`
  return url
}

/**
 * A shard's URL: its manifest path against the manifest's URL, kept inside
 * the manifest's folder on the same server (as face-api.js joins folder and
 * path), so that a manifest cannot send the loader to another host.
 */
function shardUrlOf (path, manifestUrl, manifestName) {
  let url
  try {
    url = new URL(path, manifestUrl)
  } catch {
    throw new FacewasmError(`${manifestName}: shard path '${path}' has no URL relative to ${manifestUrl.protocol} ` +
      'URLs; give the shards with loadFromManifest(manifest, shards)')
  }
  const folder = manifestUrl.pathname.slice(0, manifestUrl.pathname.lastIndexOf('/') + 1)
  if (url.protocol !== manifestUrl.protocol || url.host !== manifestUrl.host || !url.pathname.startsWith(folder)) {
    throw new FacewasmError(`${manifestName}: shard path '${path}' leads outside the manifest's folder`)
  }
  if (!url.search) url.search = manifestUrl.search
  return url
}

/** A weight folder (or manifest) at a URL: { manifestName, groups, readShard(path) }. */
async function uriSource (uri, modelName) {
  const manifestUrl = manifestUrlOf(uri, modelName)
  const fileUrl = isNode && manifestUrl.protocol === 'file:'
  const read = fileUrl ? (url) => readDiskFile(url) : fetchBytes
  const text = new TextDecoder().decode(await read(manifestUrl))
  // a blob: or data: URL has no file name to speak of
  const manifestName = /^(https?|file):$/.test(manifestUrl.protocol) ? manifestUrl.pathname.split('/').pop() : manifestFile(modelName)
  return {
    manifestName,
    groups: parseManifest(text, manifestName),
    readShard: (path) => read(shardUrlOf(path, manifestUrl, manifestName))
  }
}

async function readDiskFile (file) {
  try {
    return await readWholeFile(file)
  } catch (error) {
    throw new FacewasmError(`cannot read ${file}: ${error.message}`)
  }
}

/** Node: a weight folder (or manifest) on disk, as uriSource. */
async function diskSource (path, modelName) {
  const nodePath = await nodeBuiltin('path')
  const manifestPath = path.endsWith('.json') ? path : nodePath.join(path, manifestFile(modelName))
  const manifestName = nodePath.basename(manifestPath)
  const groups = parseManifest((await readDiskFile(manifestPath)).toString('utf8'), manifestName)
  const folder = nodePath.resolve(nodePath.dirname(manifestPath))
  const readShard = (shard) => {
    const file = nodePath.resolve(folder, shard)
    const inside = nodePath.relative(folder, file)
    if (inside === '..' || inside.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(inside)) {
      throw new FacewasmError(`${manifestName}: shard path '${shard}' leads outside the manifest's folder`)
    }
    return readDiskFile(file)
  }
  return { manifestName, groups, readShard }
}

const isUrl = (s) => /^(https?|file|blob|data):/.test(s)

/**
 * face-api.js's loadWeightMap(uri, defaultModelName): the weights of a model
 * folder (or manifest) as { [tensorName]: { data, shape, dtype } }, dequantized
 * (float32 as Float32Array, int32 as Int32Array). In Node a path that is not a
 * URL is read from disk.
 */
export async function loadWeightMap (uri, defaultModelName) {
  if (uri instanceof URL) uri = uri.href
  if (typeof uri !== 'string') throw new FacewasmError('loadWeightMap - expected model uri')
  const source = isNode && !isUrl(uri) ? await diskSource(uri, defaultModelName) : await uriSource(uri, defaultModelName)
  return decodeWeights(source.groups, source.readShard)
}

// A net that becomes unreachable without dispose() gives its model back to
// the core when collected (the core holds a fixed number of models).
const droppedNets = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((loaded) => { if (loaded.model > 0) loaded.core.exports.fw_model_destroy(loaded.model) })
  : null

export class NeuralNetwork {
  /** kind: the core's fw_net_kind; modelName: the weight files' prefix. */
  constructor (name, kind, modelName) {
    this._name = name
    this._kind = kind
    this._modelName = modelName
    this._loaded = { core: null, model: 0 } // no reference back to the net, so that it can be collected
    droppedNets?.register(this, this._loaded)
  }

  get _model () { return this._loaded.model }
  get _core () { return this._loaded.core }

  get isLoaded () { return this._model > 0 }

  /** The folder (or manifest) URL, as face-api.js's loadFromUri takes it (none: the page's folder). */
  async loadFromUri (uri) {
    if (uri instanceof URL) uri = uri.href
    if (uri === undefined && globalThis.location) uri = '' // face-api.js: the page's own folder
    if (typeof uri !== 'string') throw new FacewasmError(`${this._name}.loadFromUri - expected model uri`)
    const { manifestName, groups, readShard } = await uriSource(uri, this._modelName)
    await this._load(manifestName, groups, readShard)
  }

  /** Node: a folder holding `<model>-weights_manifest.json` and its shards, or the manifest's path. */
  async loadFromDisk (path) {
    if (!isNode) throw new FacewasmError(`${this._name}.loadFromDisk - only available in Node; use loadFromUri`)
    if (path instanceof URL && path.protocol === 'file:') path = (await nodeBuiltin('url')).fileURLToPath(path)
    if (typeof path !== 'string') throw new FacewasmError(`${this._name}.loadFromDisk - expected model path`)
    const { manifestName, groups, readShard } = await diskSource(path, this._modelName)
    await this._load(manifestName, groups, readShard)
  }

  /** A URL loads with fetch; in Node, anything else is a path on disk. */
  async load (uriOrPath) {
    if (isNode && typeof uriOrPath === 'string' && !isUrl(uriOrPath)) return this.loadFromDisk(uriOrPath)
    return this.loadFromUri(uriOrPath)
  }

  /**
   * Weights already in memory, in the published format: the manifest (its
   * parsed array or JSON text) and the shard files' bytes, as an object
   * { [shard path]: ArrayBuffer | Uint8Array } or an array in the manifest's
   * path order.
   */
  async loadFromManifest (manifest, shards) {
    const manifestName = `${this._modelName}-weights_manifest.json`
    if (manifest === undefined || manifest === null) {
      throw new FacewasmError(`${this._name}.loadFromManifest - expected the manifest (its JSON text or parsed array)`)
    }
    const groups = parseManifest(typeof manifest === 'string' ? manifest : JSON.stringify(manifest), manifestName)
    const paths = groups.flatMap((g) => g.paths)
    const byPath = Array.isArray(shards) ? Object.fromEntries(paths.map((p, i) => [p, shards[i]])) : (shards || {})
    await this._load(manifestName, groups, async (path) => {
      const bytes = byPath[path]
      if (bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && bytes instanceof SharedArrayBuffer)) return new Uint8Array(bytes)
      if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      throw new FacewasmError(`${this._name}.loadFromManifest - no ArrayBuffer or Uint8Array for shard '${path}'`)
    })
  }

  /**
   * face-api.js's loadFromWeightMap: { [tensorName]: tensor }, each tensor a
   * tf.Tensor (shape, dtype, dataSync()) or { data, shape, dtype? } as
   * loadWeightMap gives. Names and shapes are checked as for a weight folder.
   */
  async loadFromWeightMap (weightMap) {
    const { groups, bytes } = encodeWeightMap(weightMap, `${this._name}.loadFromWeightMap`)
    await this._load('weight map', groups, async () => bytes)
  }

  async _load (manifestName, groups, readShard) {
    const core = await getCore()
    const model = await loadModel(core, this._kind, this._modelName, manifestName, groups, readShard)
    this.dispose()
    this._loaded.core = core
    this._loaded.model = model
  }

  dispose () {
    if (this._model > 0) this._core.exports.fw_model_destroy(this._model)
    this._loaded.model = 0
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

/**
 * fn(pixels) on the input's pixels; for an array of inputs, on each in turn,
 * giving an array of results (face-api.js's batch input; its detectors
 * answer for the first image only, facewasm for each).
 */
export async function eachInput (net, core, input, fn) {
  if (!Array.isArray(input)) return withInput(core, input, fn)
  if (!input.length) throw new FacewasmError(`${net._name} - empty array passed as input`)
  const results = []
  for (const item of input) results.push(await withInput(core, item, fn))
  return results
}
