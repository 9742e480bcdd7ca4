// `facewasm match --known DIR`: the known people, one LabeledFaceDescriptors
// per subfolder of DIR, and face-api.js's FaceMatcher over them.
//
// Leave-one-out: when a query photo is itself one of the known photos, its own
// descriptor is left out of the matcher for that query (its person keeps the
// other photos), so `match --known people people` measures recognition of
// each photo from the others instead of finding the photo itself at distance 0.

import { statSync } from 'node:fs'
import path from 'node:path'

import { FaceMatcher, LabeledFaceDescriptors } from '../index.mjs'
import { fileKey, imagesIn, namedEntries } from './inputs.mjs'

/** [{ file, key, label }] for DIR/<label>/**, people and photos in sorted order. */
export function knownPhotos (dir, onWarning) {
  const photos = []
  for (const { name } of namedEntries(dir, onWarning)) {
    const full = path.join(dir, name)
    let stats
    try { stats = statSync(full) } catch { continue }
    if (!stats.isDirectory()) {
      onWarning(`${full}: ignored; --known expects one folder per person (${path.join(dir, '<name>')}/)`)
      continue
    }
    for (const file of imagesIn(full, onWarning)) photos.push({ file, key: fileKey(file), label: name })
  }
  return photos
}

/** The highest-scoring face, the first on ties (face-api.js's detectSingleFace). */
export function bestFace (faces) {
  let best = faces[0]
  for (const face of faces) if (face.score > best.score) best = face
  return best
}

export class KnownPeople {
  constructor (threshold) {
    this._threshold = threshold
    this._entries = [] // { label, key, descriptor }
    this._full = null
  }

  add (label, key, descriptor) {
    this._entries.push({ label, key, descriptor: Float32Array.from(descriptor) })
    this._full = null
  }

  get size () { return this._entries.length }
  get labels () { return [...new Set(this._entries.map((e) => e.label))] }

  _matcher (excludeKey) {
    const byLabel = new Map()
    for (const { label, key, descriptor } of this._entries) {
      if (key === excludeKey) continue
      if (!byLabel.has(label)) byLabel.set(label, [])
      byLabel.get(label).push(descriptor)
    }
    if (byLabel.size === 0) return null
    return new FaceMatcher([...byLabel].map(([label, descriptors]) => new LabeledFaceDescriptors(label, descriptors)), this._threshold)
  }

  /** { label, distance } for a face of the photo with key queryKey (leave-one-out). */
  match (descriptor, queryKey) {
    const isKnown = this._entries.some((e) => e.key === queryKey)
    const matcher = isKnown ? this._matcher(queryKey) : (this._full ??= this._matcher(null))
    if (!matcher) return { label: 'unknown', distance: null }
    const best = matcher.findBestMatch(Float32Array.from(descriptor))
    return { label: best.label, distance: best.distance }
  }
}
