// The face-api.js reference harness (../shared/reference/harness), installed
// once per checkout in build/harness, for tools that derive more reference data
// from face-api.js itself (raw SSD outputs, the labelled scene photos).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SHARED = process.env.FACEWASM_SHARED || path.join(ROOT, '..', 'shared')

/** A folder with ref.mjs and its node_modules: `explicit`, else build/harness (installed on first use). */
export function ensureHarness (explicit) {
  const harness = path.resolve(explicit || path.join(ROOT, 'build', 'harness'))
  if (!explicit && !fs.existsSync(path.join(harness, 'node_modules', 'face-api.js'))) {
    const source = path.join(SHARED, 'reference', 'harness')
    if (!fs.existsSync(path.join(source, 'ref.mjs'))) throw new Error(`no reference harness at ${source}`)
    console.error(`installing the reference harness in ${harness} (npm ci)`)
    fs.cpSync(source, harness, { recursive: true })
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: harness, stdio: 'inherit' })
  }
  if (!fs.existsSync(path.join(harness, 'ref.mjs')) || !fs.existsSync(path.join(harness, 'node_modules', 'face-api.js'))) {
    throw new Error(`${harness} is not an installed harness (needs ref.mjs and node_modules/face-api.js)`)
  }
  return harness
}
