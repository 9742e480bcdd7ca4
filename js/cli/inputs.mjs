// Which files the command line works on, in a stable order, and where their
// annotated copies go.

import { readdirSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png']

export const isImageName = (name) => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())

// fatal: a name that is not UTF-8 throws; ignoreBOM: a name starting with U+FEFF keeps it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// Code-point order, not locale order: the same on every machine.
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A folder's entries (Dirents) with their names, sorted by name. Names are read
 * as bytes: one that is not UTF-8 would come back with U+FFFD in it, a path
 * that does not exist, so it is reported and left out. Throws as readdirSync.
 */
export function namedEntries (dir, onWarning) {
  const named = []
  for (const entry of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    try {
      named.push({ entry, name: utf8.decode(entry.name) })
    } catch {
      onWarning(`${path.join(dir, entry.name.toString())}: skipped, its name is not valid UTF-8 (rename it)`)
    }
  }
  return named.sort((a, b) => byName(a.name, b.name))
}

/** Image files under folder, recursively, sorted by path (entries of each folder by name). */
export function imagesIn (folder, onWarning = () => {}) {
  const found = []
  const visited = new Set() // real paths of the folders walked: a symlink loop is walked once
  const walk = (dir) => {
    let real
    try { real = realpathSync(dir) } catch { real = path.resolve(dir) }
    if (visited.has(real)) return
    visited.add(real)
    let named
    try {
      named = namedEntries(dir, onWarning)
    } catch (error) {
      onWarning(`${dir}: cannot read folder (${error.code ?? error.message})`)
      return
    }
    for (const { entry, name } of named) {
      const full = path.join(dir, name)
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        try {
          const s = statSync(full)
          isDir = s.isDirectory()
          isFile = s.isFile()
        } catch (error) {
          if (isImageName(name)) onWarning(`${full}: skipped, a link to nothing (${error.code ?? error.message})`)
          continue
        }
      }
      if (isDir) walk(full)
      else if (isFile && isImageName(name)) found.push(full)
      else if (!isFile && isImageName(name)) onWarning(`${full}: skipped, not a regular file`)
    }
  }
  walk(folder)
  return found
}

/**
 * The command line's IMAGE|FOLDER arguments -> [{ file, root }] in argument
 * order (a folder's images sorted), each file once. root: the folder argument
 * it was found under (null for a file given by name). A path that does not
 * exist stays in the list, so it is reported like an unreadable image.
 */
export function collectInputs (args, { onWarning }) {
  const seen = new Set()
  const inputs = []
  const add = (file, root) => {
    let key
    try { key = realpathSync(file) } catch { key = path.resolve(file) }
    if (seen.has(key)) return
    seen.add(key)
    inputs.push({ file, root, key })
  }
  for (const arg of args) {
    let stats
    try {
      stats = statSync(arg)
    } catch {
      add(arg, null)
      continue
    }
    if (stats.isDirectory()) {
      for (const file of imagesIn(arg, onWarning)) add(file, arg)
    } else {
      add(arg, null)
    }
  }
  return inputs
}

/** realpath, or the absolute path when the file cannot be resolved. */
export function fileKey (file) {
  try { return realpathSync(file) } catch { return path.resolve(file) }
}

/**
 * Where each input's annotated copy goes. A file found in a folder argument
 * keeps its path below that folder; with several arguments, each folder's
 * copies go below a subfolder named after it. The copy is a PNG named after
 * the image; clashes (a.jpg and a.png) get -2, -3... .
 */
export function drawTargets (inputs, drawPath, argCount) {
  if (inputs.length === 1 && inputs[0].root === null && argCount === 1 && drawPath.toLowerCase().endsWith('.png')) {
    return [drawPath]
  }
  const used = new Set()
  return inputs.map(({ file, root }) => {
    const relative = root === null
      ? path.basename(file)
      : path.join(argCount > 1 ? path.basename(path.resolve(root)) : '', path.relative(root, file))
    const parsed = path.parse(relative)
    const stem = path.join(drawPath, parsed.dir, parsed.name)
    let target = `${stem}.png`
    for (let n = 2; used.has(target); n++) target = `${stem}-${n}.png`
    used.add(target)
    return target
  })
}
