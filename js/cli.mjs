#!/usr/bin/env node
// facewasm command line: detect faces in image files.
//
//   node js/cli.mjs detect photo.jpg [more.jpg ...] [--json] [--draw out.png|DIR]
//        [--detector tiny|ssd] [--input-size 416] [--score-threshold 0.5] [--models DIR]

import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import * as faceapi from './index.mjs'
import { drawDetectionsToPng } from './annotate.mjs'

const USAGE = `usage: facewasm detect IMAGE... [options]

Detects faces with the Tiny Face Detector (or SSD MobileNetV1) and prints each
face's score and box (x, y, width, height in pixels).

options:
  --json                 print JSON instead of text
  --draw PATH            write an annotated PNG (a file for one image, else a folder)
  --detector NAME        tiny (Tiny Face Detector, default) or ssd (SSD MobileNetV1)
  --input-size N         tiny only: input size, a multiple of 32 (default 416)
  --score-threshold X    minimum score, between 0 and 1 (default 0.5; ssd's minConfidence)
  --models DIR           folder with the weights (default: $FACEWASM_MODELS or the package's models/)
  -h, --help             show this help`

function fail (message) {
  console.error(`facewasm: ${message}`)
  process.exit(2)
}

function parse (argv) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        draw: { type: 'string' },
        detector: { type: 'string' },
        'input-size': { type: 'string' },
        'score-threshold': { type: 'string' },
        models: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    fail(`${error.message}\n\n${USAGE}`)
  }
}

function defaultModels () {
  return process.env.FACEWASM_MODELS || fileURLToPath(new URL('../models/', import.meta.url))
}

function drawTarget (drawPath, file, fileCount) {
  if (fileCount === 1 && !isDirectory(drawPath)) return drawPath
  mkdirSync(drawPath, { recursive: true })
  return path.join(drawPath, `${path.parse(file).name}.png`)
}

function isDirectory (p) {
  try { return statSync(p).isDirectory() } catch { return false }
}

const round = (v) => Math.round(v * 10) / 10

async function detect (files, values) {
  const detector = values.detector ?? 'tiny'
  if (detector !== 'tiny' && detector !== 'ssd') fail(`unknown detector '${detector}' (expected tiny or ssd)`)
  if (detector === 'ssd' && values['input-size'] !== undefined) fail('--input-size applies only to --detector tiny (ssd always runs at 512)')
  const threshold = values['score-threshold'] === undefined ? undefined : Number(values['score-threshold'])
  let options
  try {
    options = detector === 'ssd'
      ? new faceapi.SsdMobilenetv1Options({ minConfidence: threshold })
      : new faceapi.TinyFaceDetectorOptions({
        inputSize: values['input-size'] === undefined ? undefined : Number(values['input-size']),
        scoreThreshold: threshold
      })
  } catch (error) {
    fail(error.message)
  }
  const models = values.models ?? defaultModels()
  try {
    await (detector === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector).loadFromDisk(models)
  } catch (error) {
    fail(`${error.message}\n(run 'make models' in the repository, or pass --models DIR)`)
  }

  const results = []
  let failures = 0
  for (const file of files) {
    try {
      const faces = await faceapi.detectAllFaces(file, options)
      results.push({ file, faces: faces.map((f) => ({ score: f.score, box: { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height } })) })
      if (!values.json) {
        console.log(`${file}: ${faces.length} face${faces.length === 1 ? '' : 's'}`)
        for (const f of faces) {
          console.log(`  score ${f.score.toFixed(3)}  x ${round(f.box.x)}  y ${round(f.box.y)}  width ${round(f.box.width)}  height ${round(f.box.height)}`)
        }
      }
      if (values.draw) {
        const target = drawTarget(values.draw, file, files.length)
        writeFileSync(target, await drawDetectionsToPng(file, faces))
        if (!values.json) console.log(`  annotated copy: ${target}`)
      }
    } catch (error) {
      failures++
      console.error(`facewasm: ${file}: ${error.message}`)
      results.push({ file, error: error.message })
    }
  }
  if (values.json) console.log(JSON.stringify(results, null, 2))
  // Unreadable files are reported and skipped; fail only when nothing worked.
  return failures === files.length ? 1 : 0
}

async function main () {
  const { values, positionals } = parse(process.argv.slice(2))
  const [command, ...files] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  if (command !== 'detect') fail(`unknown command '${command}'\n\n${USAGE}`)
  if (files.length === 0) fail(`no images given\n\n${USAGE}`)
  return detect(files, values)
}

process.exitCode = await main()
