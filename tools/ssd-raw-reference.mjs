#!/usr/bin/env node
// Makes the reference for the SSD raw-output test (tests/ssd_mobilenetv1.test.mjs):
// face-api.js's own SSD MobileNetV1 outputs before non-max suppression, from the
// reference harness's `--raw ssd_mobilenetv1` dump, for a few test images.
//
//   node tools/ssd-raw-reference.mjs [--harness DIR] [--out DIR] [IMAGE...]
//
// --harness: a folder with the harness installed (ref.mjs + node_modules), default
//   $FACEAPI_HARNESS, else build/harness (tools/harness.mjs installs it once).
// Images already dumped are kept.
// --out: default build/reference (gitignored; the test reads it from there, or
//   from $FACEWASM_SSD_RAW_DIR).
// IMAGE: names in ../shared/testdata/images (default faces.jpg angry.jpg).
//
// Each image takes the harness about a minute (tfjs-core 1.7's CPU backend),
// which is why the test does not run it. The dump keeps the four tensors the
// test compares: boxPredictions, classPredictions, boxes, scores.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { ensureHarness, ROOT, SHARED } from './harness.mjs'

const argv = process.argv.slice(2)
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const value = argv[i + 1]
  argv.splice(i, 2)
  return value
}
const harnessArg = option('harness', process.env.FACEAPI_HARNESS)
const outDir = option('out', path.join(ROOT, 'build', 'reference'))
const images = argv.length ? argv : ['faces.jpg', 'angry.jpg']
const die = (message) => { console.error(`ssd-raw-reference: ${message}`); process.exit(1) }

if (!fs.existsSync(path.join(SHARED, 'reference'))) die(`${SHARED} has no reference/ folder`)
let harness
try { harness = ensureHarness(harnessArg) } catch (error) { die(error.message) }

fs.mkdirSync(outDir, { recursive: true })
for (const image of images) {
  const imagePath = path.join(SHARED, 'testdata', 'images', image)
  if (!fs.existsSync(imagePath)) die(`no image ${imagePath}`)
  const file = path.join(outDir, `ssd_mobilenetv1-raw-${path.parse(image).name}.json`)
  if (fs.existsSync(file)) { console.error(`${image}: already done`); continue }
  console.error(`${image}: running face-api.js (about a minute)`)
  const text = execFileSync('node', ['ref.mjs', '--models', path.join(SHARED, 'models'), '--raw', 'ssd_mobilenetv1', imagePath],
    { cwd: harness, maxBuffer: 1 << 28, encoding: 'utf8' })
  const dump = JSON.parse(text)
  const keep = ['boxPredictions', 'classPredictions', 'boxes', 'scores']
  const outputs = Object.fromEntries(keep.map((name) => {
    const t = dump.outputs[name]
    if (!t) die(`${image}: the dump has no '${name}'`)
    return [name, { shape: t.shape, values: t.values.flat(Infinity) }]
  }))
  const result = { model: dump.model, image: dump.image, width: dump.width, height: dump.height, rgbSha256: dump.rgbSha256, preprocess: dump.preprocess, outputs }
  fs.writeFileSync(file, JSON.stringify(result))
  console.error(`wrote ${file}`)
}
