// Where the test material lives. ../shared (beside the repository) holds the
// reference outputs and test images; it is absent on a user's fresh clone, so
// tests that need it skip with this reason.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

export const repoRoot = fileURLToPath(new URL('..', import.meta.url))
export const sharedDir = process.env.FACEWASM_SHARED || path.join(repoRoot, '..', 'shared')
export const hasShared = existsSync(path.join(sharedDir, 'reference'))
export const sharedMissing = hasShared ? false : `../shared not present (looked in ${sharedDir}); reference tests skipped`
export const modelsDir = process.env.FACEWASM_MODELS || path.join(repoRoot, 'models')

export const sharedPath = (...parts) => path.join(sharedDir, ...parts)
export const readReference = (name) => JSON.parse(readFileSync(sharedPath('reference', `${name}.json`), 'utf8'))
