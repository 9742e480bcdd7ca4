#!/usr/bin/env node
// face-api.js's answers for images derived from the test images, where the
// test images themselves leave a behaviour unexercised: faces.png mirrored left
// to right, on which an O-Net candidate before a kept face fails stage 3's
// threshold (tests/mtcnn.test.mjs). Runs the reference harness (face-api.js
// 0.22.2 on tfjs-core 1.7, CPU) like tools/scene-reference.mjs; the output stays
// local to the build: build/reference/derived/<name>.png (the image, a lossless
// PNG, so both sides see the same pixels) and <name>.json (the harness's JSON).
//
//   node tools/derived-reference.mjs [--harness DIR] [--force]

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { ensureHarness, ROOT, SHARED } from './harness.mjs'
import { decodeInCore, encodePngInCore } from '../js/input.mjs'
import { getCore } from '../js/wasm.mjs'

const OUT = path.join(ROOT, 'build', 'reference', 'derived')

const argv = process.argv.slice(2)
const harnessArg = argv.includes('--harness') ? argv[argv.indexOf('--harness') + 1] : process.env.FACEAPI_HARNESS
const force = argv.includes('--force')
const die = (message) => { console.error(`derived-reference: ${message}`); process.exit(1) }

/** The RGBA pixels of a width x height image mirrored left to right. */
function mirrored (rgba, width, height) {
  const out = new Uint8Array(rgba.length)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4
      out.set(rgba.subarray(from, from + 4), (y * width + width - 1 - x) * 4)
    }
  }
  return out
}

const source = path.join(SHARED, 'testdata', 'decoded', 'faces.png')
if (!existsSync(source)) die(`no ${source}`)
const name = 'faces-mirrored'
const png = path.join(OUT, `${name}.png`)
const json = path.join(OUT, `${name}.json`)
if (!force && existsSync(png) && existsSync(json)) {
  console.log(`${name}: already done`)
} else {
  let harness
  try { harness = ensureHarness(harnessArg) } catch (error) { die(error.message) }
  const core = await getCore()
  const image = decodeInCore(core, readFileSync(source), source)
  const rgba = core.u8().slice(image.pointer, image.pointer + image.width * image.height * 4)
  const { width, height } = image
  image.release()
  mkdirSync(OUT, { recursive: true })
  const pixels = core.copyIn(mirrored(rgba, width, height))
  writeFileSync(png, encodePngInCore(core, pixels, width, height))
  core.free(pixels)
  console.log(`${name}.png: running face-api.js (about a minute)`)
  execFileSync(process.execPath, ['ref.mjs', '--models', path.join(SHARED, 'models'), '--out', OUT, png], { cwd: harness, stdio: 'inherit' })
}
