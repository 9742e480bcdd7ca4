// MTCNN in a real browser (Debian's Chromium through playwright-core): weights with
// loadFromUri, an <img> and an ImageBitmap as input, and the very results Node computes.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import * as faceapi from '../js/index.mjs'
import { repoRoot, sharedDir, sharedMissing, sharedPath } from './shared.mjs'
import { noChromium, openTestPage, useChromium } from './chromium.mjs'

const skip = sharedMissing || noChromium
const env = useChromium({ skip, mounts: { '/shared/': sharedDir, '/': repoRoot } })

const plain = (results) => results.map(({ detection: d, landmarks }) => ({
  score: d.score,
  box: [d.box.x, d.box.y, d.box.width, d.box.height],
  landmarks: landmarks.positions.map((p) => [p.x, p.y])
}))

// Runs in the page.
async function mtcnnInBrowser (src) {
  const { faceapi } = window
  await faceapi.nets.mtcnn.loadFromUri('/shared/models')
  const img = await window.loadImage(src)
  const out = {}
  for (const [kind, input] of Object.entries({ img, bitmap: await createImageBitmap(img) })) {
    out[kind] = (await faceapi.nets.mtcnn.forward(input, new faceapi.MtcnnOptions())).map(({ detection: d, landmarks }) => ({
      score: d.score,
      box: [d.box.x, d.box.y, d.box.width, d.box.height],
      landmarks: landmarks.positions.map((p) => [p.x, p.y])
    }))
  }
  out.single = (await faceapi.detectSingleFace(img, new faceapi.MtcnnOptions())).score
  return out
}

test('MTCNN in the browser gives the results Node gives', { skip }, async () => {
  const { page, errors } = await openTestPage(env)
  await faceapi.nets.mtcnn.loadFromDisk(sharedPath('models'))
  const expected = plain(await faceapi.nets.mtcnn.forward(sharedPath('testdata', 'decoded', 'faces.png')))
  assert.equal(expected.length, 6)
  const got = await page.evaluate(mtcnnInBrowser, '/shared/testdata/decoded/faces.png')
  assert.deepEqual(got.img, expected)
  assert.deepEqual(got.bitmap, expected)
  assert.equal(got.single, Math.max(...expected.map((r) => r.score)))
  assert.deepEqual(errors, [])
  await page.close()
})
