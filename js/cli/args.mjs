// The command line's words: usage text, flag parsing, and the checks that turn
// flags into a plain, structured-cloneable config for the worker threads.

import os from 'node:os'
import { parseArgs } from 'node:util'

export const USAGE = `usage: facewasm detect|landmarks|describe [options] IMAGE|FOLDER...
       facewasm match --known DIR [options] IMAGE|FOLDER...

commands:
  detect      faces: score and box (x, y, width, height in pixels)
  landmarks   faces with their 68 landmark points
  describe    faces with their 128-number descriptor (face recognition)
  match       faces labelled with the person they look like (--known DIR)

Folders are searched recursively for .jpg, .jpeg and .png files, in sorted
order; results come out in input order whatever the number of workers.

detector:
  --detector NAME        tiny (Tiny Face Detector, default), ssd (SSD MobileNetV1) or mtcnn
  tiny:   --input-size N           multiple of 32, 32 to 1024 (default 416)
          --score-threshold X      0..1 (default 0.5)
  ssd:    --min-confidence X       0..1 (default 0.5)
          --max-results N          (default 100)
  mtcnn:  --min-face-size N        pixels (default 20)
          --scale-factor X         0..1 (default 0.709)
          --max-num-scales N       (default 10)
          --score-thresholds A,B,C one per stage (default 0.6,0.7,0.7)
          --scale-steps A,B,...    the pyramid's scales (instead of the three above)
  --whole-image          each photo is already a face crop: skip detection and run the
                         landmark and recognition nets on the whole photo (landmarks,
                         describe, match)

landmarks, describe, match:
  --tiny                 use the tiny 68-point landmark net

match:
  --known DIR            the people to recognise: DIR/<name>/ holds photos of <name>
                         (each photo's best-scoring face); a photo that is both a query
                         and a known photo is left out of the known faces for that query
  --threshold X          largest mean descriptor distance for a match (default 0.6);
                         beyond it the face is 'unknown'

output (default: readable text on stdout; errors on stderr):
  --json                 JSON Lines: one JSON object per image, in input order
  --csv                  CSV: a header, then one row per face (a row for images with no
                         face or an error)
  --draw DIR             annotated PNG copies in DIR, mirroring the input folders
                         (one image and DIR ending in .png: that file)

  --models DIR           the weights (default: $FACEWASM_MODELS or the package's models/)
  --workers N            worker threads (default: one per core)
  -h, --help             show this help

exit status: 0 when at least one image was processed, 1 when none could be,
2 for a usage error.`

export const COMMANDS = ['detect', 'landmarks', 'describe', 'match']

const DETECTOR_FLAGS = {
  tiny: ['input-size', 'score-threshold'],
  ssd: ['min-confidence', 'max-results'],
  mtcnn: ['min-face-size', 'scale-factor', 'max-num-scales', 'score-thresholds', 'scale-steps']
}

export class UsageError extends Error {}

const usage = (message) => { throw new UsageError(message) }

const FLAGS = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  draw: { type: 'string' },
  detector: { type: 'string' },
  'input-size': { type: 'string' },
  'score-threshold': { type: 'string' },
  'min-confidence': { type: 'string' },
  'max-results': { type: 'string' },
  'min-face-size': { type: 'string' },
  'scale-factor': { type: 'string' },
  'max-num-scales': { type: 'string' },
  'score-thresholds': { type: 'string' },
  'scale-steps': { type: 'string' },
  'whole-image': { type: 'boolean' },
  tiny: { type: 'boolean' },
  known: { type: 'string' },
  threshold: { type: 'string' },
  models: { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
}

function number (values, flag) {
  const text = values[flag]
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) usage(`--${flag} expects a number, got '${text}'`)
  return value
}

function integer (values, flag, min) {
  const value = number(values, flag)
  if (value !== undefined && (!Number.isInteger(value) || value < min)) usage(`--${flag} expects a whole number >= ${min}, got '${values[flag]}'`)
  return value
}

function numberList (values, flag) {
  const text = values[flag]
  if (text === undefined) return undefined
  const list = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)))
  if (list.some((v) => !Number.isFinite(v))) usage(`--${flag} expects numbers separated by commas, got '${text}'`)
  return list
}

/** The detector's options as the fields of face-api.js's options class (undefined: its default). */
function detectorOptions (detector, values) {
  if (detector === 'tiny') {
    return { inputSize: integer(values, 'input-size', 1), scoreThreshold: number(values, 'score-threshold') }
  }
  if (detector === 'ssd') {
    return { minConfidence: number(values, 'min-confidence'), maxResults: integer(values, 'max-results', 1) }
  }
  const scoreThresholds = numberList(values, 'score-thresholds')
  if (scoreThresholds && scoreThresholds.length !== 3) usage(`--score-thresholds expects three numbers a,b,c (one per MTCNN stage), got '${values['score-thresholds']}'`)
  const scaleSteps = numberList(values, 'scale-steps')
  if (scaleSteps && scaleSteps.some((v) => !(v > 0))) usage(`--scale-steps expects scales above 0, got '${values['scale-steps']}'`)
  return {
    minFaceSize: number(values, 'min-face-size'),
    scaleFactor: number(values, 'scale-factor'),
    maxNumScales: integer(values, 'max-num-scales', 1),
    scoreThresholds,
    scaleSteps
  }
}

export const defaultWorkers = () => (os.availableParallelism ? os.availableParallelism() : os.cpus().length) || 1

/**
 * `--workers -1` as `--workers=-1`: parseArgs takes a value that starts with a
 * dash for another option, and its message says so; joined, the value gets
 * the option's own check ("expects a whole number >= 1").
 */
function joinNegativeValues (argv) {
  const joined = []
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null
    const next = argv[i + 1]
    if (argv[i] === '--') return joined.concat(argv.slice(i))
    if (FLAGS[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${argv[i]}=${next}`)
      i++
    } else {
      joined.push(argv[i])
    }
  }
  return joined
}

/**
 * argv -> { help } or { command, inputs, config, output, draw, known, threshold, workers }.
 * Throws UsageError with a message for the user.
 */
export function parseCommandLine (argv, { defaultModels }) {
  let parsed
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), allowPositionals: true, options: FLAGS })
  } catch (error) {
    usage(error.message)
  }
  const { values, positionals } = parsed
  if (values.help) return { help: true }
  const [command, ...inputs] = positionals
  if (!command) usage('no command given')
  if (!COMMANDS.includes(command)) usage(`unknown command '${command}' (expected ${COMMANDS.join(', ')})`)
  if (inputs.length === 0) usage('no images or folders given')

  const detector = values.detector ?? 'tiny'
  if (!DETECTOR_FLAGS[detector]) usage(`unknown detector '${detector}' (expected tiny, ssd or mtcnn)`)
  for (const [other, flags] of Object.entries(DETECTOR_FLAGS)) {
    if (other === detector) continue
    for (const flag of flags) {
      if (values[flag] !== undefined) usage(`--${flag} applies only to --detector ${other}${detector === 'tiny' && !values.detector ? ' (the default detector is tiny)' : ''}`)
    }
  }
  if (values['whole-image']) {
    if (command === 'detect') usage('--whole-image skips detection; use it with landmarks, describe or match')
    if (values.detector !== undefined || Object.values(DETECTOR_FLAGS).flat().some((f) => values[f] !== undefined)) {
      usage('--whole-image skips detection, so detector options do not apply')
    }
  }
  if (values.tiny && command === 'detect') usage('--tiny chooses the tiny landmark net; detect does not use landmarks')
  if (command === 'match') {
    if (values.known === undefined) usage('match needs --known DIR (a folder with one subfolder of photos per person)')
  } else {
    for (const flag of ['known', 'threshold']) if (values[flag] !== undefined) usage(`--${flag} applies only to match`)
  }
  const threshold = number(values, 'threshold') ?? 0.6
  if (!(threshold > 0)) usage(`--threshold expects a distance > 0, got '${values.threshold}'`)
  if (values.json && values.csv) usage('choose one of --json and --csv')

  const config = {
    command,
    detector,
    detectorOptions: detectorOptions(detector, values),
    wholeImage: !!values['whole-image'],
    tinyLandmarks: !!values.tiny,
    models: values.models ?? defaultModels()
  }
  return {
    command,
    inputs,
    config,
    output: values.json ? 'json' : values.csv ? 'csv' : 'text',
    draw: values.draw,
    known: values.known,
    threshold,
    workers: integer(values, 'workers', 1) ?? defaultWorkers()
  }
}
