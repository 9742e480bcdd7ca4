#!/usr/bin/env node
// Produces face-api.js's answers for the labelled expression photos in
// ../shared/testdata/scenes that have no file in ../shared/reference, by running
// the reference harness (face-api.js 0.22.2 on tfjs-core 1.7, CPU) on them.
// The output stays local to the build: build/reference/scenes/<name>.json (the
// harness's JSON) and <name>.ppm (the RGB pixels it decoded, so our nets see
// exactly the same pixels). tests/face_expression_age_gender.test.mjs reads them.
//
//   node tools/scene-reference.mjs [--harness DIR] [--force] [--only LABEL[,LABEL...]]
//
// DIR is an installed copy of ../shared/reference/harness (default: $FACEAPI_HARNESS,
// else build/harness, installed on first use by tools/harness.mjs). Slow: about a minute per photo. Photos already done are skipped
// unless --force. --only limits the run to some labels (e.g. --only fearful).

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { ensureHarness, ROOT, SHARED } from './harness.mjs'

const OUT = path.join(ROOT, 'build', 'reference', 'scenes')
export const EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised']

const argv = process.argv.slice(2)
const harnessArg = argv.includes('--harness') ? argv[argv.indexOf('--harness') + 1] : process.env.FACEAPI_HARNESS
const force = argv.includes('--force')
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : null
const die = (message) => { console.error(`scene-reference: ${message}`); process.exit(1) }

if (!existsSync(path.join(SHARED, 'testdata', 'scenes'))) die(`no ${SHARED}/testdata/scenes`)
let harness
try { harness = ensureHarness(harnessArg) } catch (error) { die(error.message) }

// Photos byte-identical to a test image already have face-api.js's answers in ../shared/reference.
const images = readdirSync(path.join(SHARED, 'testdata', 'images'))
const sameAsTestImage = (bytes) => images.some((f) => readFileSync(path.join(SHARED, 'testdata', 'images', f)).equals(bytes))

mkdirSync(OUT, { recursive: true })
for (const label of EXPRESSION_LABELS) {
  const photo = path.join(SHARED, 'testdata', 'scenes', `${label}.jpg`)
  if (!existsSync(photo) || (only && !only.includes(label))) continue
  if (sameAsTestImage(readFileSync(photo))) { console.log(`${label}.jpg: same bytes as a test image, covered by ../shared/reference`); continue }
  const json = path.join(OUT, `${label}.json`)
  const ppm = path.join(OUT, `${label}.ppm`)
  if (!force && existsSync(json) && existsSync(ppm)) { console.log(`${label}.jpg: already done`); continue }
  console.log(`${label}.jpg: running face-api.js (about a minute)`)
  const models = path.join(SHARED, 'models')
  execFileSync(process.execPath, ['ref.mjs', '--models', models, '--out', OUT, photo], { cwd: harness, stdio: 'inherit' })
  execFileSync(process.execPath, ['ref.mjs', '--rgb', photo, ppm], { cwd: harness, stdio: 'inherit' })
}
