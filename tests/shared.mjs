// Where the test material lives. ../shared (beside the repository) holds the
// reference outputs and test images; it is absent on a user's fresh clone, so
// tests that need it skip with this reason.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import assert from 'node:assert/strict'

export const repoRoot = fileURLToPath(new URL('..', import.meta.url))
export const sharedDir = process.env.FACEWASM_SHARED || path.join(repoRoot, '..', 'shared')
export const hasShared = existsSync(path.join(sharedDir, 'reference'))
export const sharedMissing = hasShared ? false : `../shared not present (looked in ${sharedDir}); reference tests skipped`
export const modelsDir = process.env.FACEWASM_MODELS || path.join(repoRoot, 'models')

export const sharedPath = (...parts) => path.join(sharedDir, ...parts)
export const readReference = (name) => JSON.parse(readFileSync(sharedPath('reference', `${name}.json`), 'utf8'))

const edges = (b) => [b.x, b.y, b.x + b.width, b.y + b.height]

/** Largest difference between the four edges of two boxes, in pixels. */
export const edgeError = (a, b) => Math.max(...edges(a).map((v, k) => Math.abs(v - edges(b)[k])))

/**
 * Pairs each reference face with the closest unused one of ours (near-equal
 * scores may swap order), closeness by boxError of their boxes. Gives
 * [reference face, index into ourBoxes, box error] in reference order.
 */
export function pairFaces (ourBoxes, reference, boxError = edgeError) {
  const unused = new Set(ourBoxes.keys())
  return reference.map((ref) => {
    let best = -1
    let bestError = Infinity
    for (const i of unused) {
      const error = boxError(ourBoxes[i], ref.box)
      if (error < bestError) { best = i; bestError = error }
    }
    unused.delete(best)
    return [ref, best, bestError]
  })
}

/**
 * Asserts our detections are face-api.js's: the same count, and each reference
 * face paired with one of ours (pairFaces) within the box and score
 * tolerances. Returns the largest differences.
 */
export function assertSameDetections (ours, reference, label, { boxTolerance = 1.0, scoreTolerance = 0.01 } = {}) {
  assert.equal(ours.length, reference.length, `${label}: ${ours.length} faces, face-api.js found ${reference.length}`)
  let worstBox = 0
  let worstScore = 0
  for (const [ref, best, boxError] of pairFaces(ours.map((d) => d.box), reference)) {
    const scoreError = Math.abs(ours[best].score - ref.score)
    assert.ok(boxError <= boxTolerance,
      `${label}: face at (${ref.box.x.toFixed(1)}, ${ref.box.y.toFixed(1)}) box edges off by ${boxError.toFixed(3)} px`)
    assert.ok(scoreError <= scoreTolerance, `${label}: score ${ours[best].score} vs face-api.js ${ref.score}`)
    worstBox = Math.max(worstBox, boxError)
    worstScore = Math.max(worstScore, scoreError)
  }
  return { worstBox, worstScore }
}
