#!/usr/bin/env node
// facewasm command line: faces, landmarks, descriptors and matches for image
// files and folders, on worker threads (one per core by default). See USAGE in
// cli/args.mjs, or `facewasm --help`.
//
// The main thread lists the files, hands them to the workers (cli/pool.mjs,
// cli/worker.mjs), puts the results back in input order and writes them
// (cli/output.mjs); `match` labels the faces with the known people
// (cli/match.mjs) once every known photo is described.

import { existsSync, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { parseCommandLine, UsageError, USAGE } from './cli/args.mjs'
import { detectorOptions, MODEL_FILES, netsFor } from './cli/analyze.mjs'
import { collectInputs, drawTargets, fileKey, IMAGE_EXTENSIONS } from './cli/inputs.mjs'
import { bestFace, KnownPeople, knownPhotos } from './cli/match.mjs'
import { createWriter } from './cli/output.mjs'
import { FatalError, runPool } from './cli/pool.mjs'
import { createProgress } from './cli/progress.mjs'

const EXIT_NOTHING_PROCESSED = 1
const EXIT_USAGE = 2
const WRITTEN = { written: true }

const defaultModels = () => process.env.FACEWASM_MODELS || fileURLToPath(new URL('../models/', import.meta.url))

const isDirectory = (p) => { try { return statSync(p).isDirectory() } catch { return false } }

function usageError (message) {
  console.error(`facewasm: ${message}\n\n${USAGE}`)
  return EXIT_USAGE
}

function fatal (message) {
  console.error(`facewasm: ${message}`)
  return EXIT_NOTHING_PROCESSED
}

/** A message saying which weights are missing and how to get them, or null. */
function missingModels (config) {
  const missing = netsFor(config)
    .map((net) => `${MODEL_FILES[net]}-weights_manifest.json`)
    .filter((manifest) => !existsSync(path.join(config.models, manifest)))
  if (missing.length === 0) return null
  const where = isDirectory(config.models) ? `the models folder ${config.models} has no ${missing.join(', ')}` : `no models folder at ${config.models}`
  const mtcnn = missing.includes(`${MODEL_FILES.mtcnn}-weights_manifest.json`)
    ? '\nMTCNN\'s weights are not in @vladmandic/face-api: take mtcnn_model-weights_manifest.json and mtcnn_model-shard1 from face-api.js\'s weights/ folder (github.com/justadudewhohacks/face-api.js).'
    : ''
  return `${where}.\nGet face-api.js's weights with 'make models' in a facewasm checkout, or from the npm package @vladmandic/face-api (its model/ folder), and pass --models DIR or set FACEWASM_MODELS.${mtcnn}`
}

const withoutDescriptors = (faces) => faces.map(({ descriptor, ...face }) => face)

async function main () {
  let args
  try {
    args = parseCommandLine(process.argv.slice(2), { defaultModels })
    if (args.help) {
      console.log(USAGE)
      return 0
    }
    // face-api.js's own option checks, before any work starts.
    if (!args.config.wholeImage) detectorOptions(args.config)
  } catch (error) {
    return usageError(error.message)
  }
  const { command, config } = args
  if (command === 'match' && !isDirectory(args.known)) return usageError(`--known ${args.known}: not a folder`)

  let progress = null
  const warn = (line) => (progress ? progress.message(`facewasm: ${line}`) : console.error(`facewasm: ${line}`))

  const queries = collectInputs(args.inputs, { onWarning: warn })
  if (queries.length === 0) return fatal(`no images (${IMAGE_EXTENSIONS.join(', ')}) found in ${args.inputs.join(', ')}`)
  const known = command === 'match' ? knownPhotos(args.known, warn) : []
  if (command === 'match' && known.length === 0) return fatal(`no photos in ${args.known}/<name>/ folders (expected one folder of photos per person)`)

  const modelProblem = missingModels(config)
  if (modelProblem) return fatal(modelProblem)

  // One job per distinct file: a photo that is both known and a query is analysed once.
  const jobs = []
  const jobOf = new Map()
  const jobFor = (file, key) => {
    if (!jobOf.has(key)) { jobOf.set(key, jobs.length); jobs.push({ file, draw: null }) }
    return jobOf.get(key)
  }
  const knownJobs = known.map((photo) => jobFor(photo.file, photo.key))
  const queryJobs = queries.map((q) => jobFor(q.file, q.key))
  if (args.draw) {
    const targets = drawTargets(queries, args.draw, args.inputs.length)
    // An annotated copy never replaces a photo of the run (--draw on the input
    // folder, a.jpg's copy a.png beside an a.png).
    const clash = targets.findIndex((target) => jobOf.has(fileKey(target)))
    if (clash >= 0) {
      return usageError(`--draw ${args.draw}: the annotated copy of ${queries[clash].file} would replace the image ${targets[clash]}; choose a folder outside the inputs`)
    }
    const folder = targets.length === 1 && targets[0] === args.draw ? path.dirname(args.draw) : args.draw
    try {
      mkdirSync(folder, { recursive: true })
    } catch (error) {
      const why = error.code === 'EEXIST' || error.code === 'ENOTDIR' ? 'a file is in the way' : error.code ?? error.message
      return fatal(`--draw ${args.draw}: cannot create the folder ${folder} (${why})`)
    }
    targets.forEach((target, i) => { jobs[queryJobs[i]].draw = target })
  }

  progress = createProgress(jobs.length)
  runningProgress = progress
  // Results on the terminal the bar is drawn on go above the bar, as messages do.
  const writeOut = (text) => process.stdout.write(text)
  const writer = createWriter(args.output, command, {
    write: process.stdout.isTTY ? (text) => progress.above(() => writeOut(text)) : writeOut,
    warn: (line) => progress.message(`facewasm: ${line}`)
  })

  const outcomes = new Array(jobs.length)
  const knownJobSet = new Set(knownJobs)
  let knownLeft = knownJobSet.size
  let people = null
  let emitted = 0
  let processed = 0

  const buildPeople = () => {
    people = new KnownPeople(args.threshold)
    known.forEach((photo, i) => {
      const outcome = outcomes[knownJobs[i]]
      if (outcome.error !== undefined) warn(`known photo ${photo.file}: ${outcome.error}; left out`)
      else if (outcome.result.faces.length === 0) warn(`known photo ${photo.file}: no face found; left out`)
      else people.add(photo.label, photo.key, bestFace(outcome.result.faces).descriptor)
    })
    if (people.size === 0) warn(`no face found in any known photo under ${args.known}: every face is 'unknown'`)
  }

  // Writes every query whose result (and, for match, every known photo) is in.
  const emitReady = () => {
    if (knownLeft > 0) return
    if (command === 'match' && !people) buildPeople()
    while (emitted < queries.length && outcomes[queryJobs[emitted]]) {
      const query = queries[emitted]
      const job = queryJobs[emitted]
      const outcome = outcomes[job]
      outcomes[job] = WRITTEN // a long run keeps no results it has written
      emitted++
      if (outcome.error !== undefined) {
        writer.write({ file: query.file, error: outcome.error })
        continue
      }
      processed++
      let faces = outcome.result.faces
      if (command === 'match') {
        faces = withoutDescriptors(faces.map((face) => ({ ...face, match: people.match(face.descriptor, query.key) })))
      }
      writer.write({ file: query.file, faces, draw: jobs[job].draw })
    }
  }

  try {
    await runPool({
      config,
      jobs,
      workers: args.workers,
      onResult (index, outcome) {
        outcomes[index] = outcome
        if (knownJobSet.has(index)) knownLeft--
        progress.tick()
        emitReady()
      }
    })
  } catch (error) {
    progress.end()
    if (error instanceof FatalError) return fatal(`cannot load the models from ${config.models}: ${error.message}`)
    throw error
  }
  writer.end()
  progress.end()
  // Unreadable images are reported and skipped; fail only when nothing worked.
  return processed === 0 ? EXIT_NOTHING_PROCESSED : 0
}

let runningProgress = null

// `facewasm detect photos | head`: stop quietly when the reader goes away; a
// full disk or another write error ends the run with one line, not a trace.
process.stdout.on('error', (error) => {
  runningProgress?.end()
  if (error.code === 'EPIPE') process.exit(0)
  console.error(`facewasm: cannot write the output (${error.code ?? error.message})`)
  process.exit(EXIT_NOTHING_PROCESSED)
})

// Ctrl-C: take the progress bar away, so the shell's prompt starts on a clean line, then die of
// the signal as without this handler (a shell loop running facewasm stops only then).
process.once('SIGINT', () => {
  runningProgress?.end()
  process.kill(process.pid, 'SIGINT')
})

process.exitCode = await main()
