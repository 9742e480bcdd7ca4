// The command line, run as a user runs it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import * as faceapi from '../js/index.mjs'
import { getCore } from '../js/wasm.mjs'
import { decodeInCore, encodePngInCore } from '../js/input.mjs'
import { createProgress } from '../js/cli/progress.mjs'
import { assertSameDetections, modelsDir, readReference, repoRoot, sharedMissing, sharedPath } from './shared.mjs'

const cli = path.join(repoRoot, 'js', 'cli.mjs')
const run = (...args) => promisify(execFile)(process.execPath, [cli, ...args], {
  env: { ...process.env, FACEWASM_MODELS: modelsDir },
  maxBuffer: 64 * 1024 * 1024
}).then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))

const jsonLines = (stdout) => stdout.trim().split('\n').map((line) => JSON.parse(line))

// The demo's sample photos (from the models package; `make demo-samples`).
const samplesDir = path.join(repoRoot, 'demo', 'samples')
const samplesMissing = existsSync(path.join(samplesDir, 'sample1.jpg')) ? false : `${samplesDir} not present (run 'make demo-samples')`
const sample = (n) => path.join(samplesDir, `sample${n}.jpg`)

const decoded = (name) => sharedPath('testdata', 'decoded', `${name}.png`)
const peopleDir = sharedPath('testdata', 'people')

function withTempDir (fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'facewasm-cli-'))
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }))
}

/** A plain grey PNG made by the core's own encoder: no faces. */
async function writeBlankPng (file, width = 64, height = 48) {
  const core = await getCore()
  const pixels = core.alloc(width * height * 4)
  core.u8().fill(128, pixels, pixels + width * height * 4)
  writeFileSync(file, encodePngInCore(core, pixels, width, height))
  core.free(pixels)
}

async function pngSize (file) {
  const core = await getCore()
  const png = decodeInCore(core, readFileSync(file), file)
  png.release()
  return [png.width, png.height]
}

/** CSV as the CLI writes it (fields with commas, quotes or newlines are quoted). */
function parseCsv (text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = '' } else field += c
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row) }
  const [header, ...body] = rows
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])))
}

// ---- each detector against face-api.js's reference detections ----

for (const [detector, pick, extra] of [
  ['tiny', (ref) => ref.tiny[416], []],
  ['ssd', (ref) => ref.ssd, []],
  ['mtcnn', (ref) => ref.mtcnn, ['--models', sharedPath('models')]]
]) {
  test(`detect --detector ${detector} finds face-api.js's faces in faces.png`, { skip: sharedMissing }, async () => {
    const { code, stdout, stderr } = await run('detect', decoded('faces'), '--detector', detector, '--json', ...extra)
    assert.equal(code, 0, stderr)
    const [result] = jsonLines(stdout)
    assertSameDetections(result.faces, pick(readReference('faces')), `cli ${detector}`)
  })
}

test('detector options reach the detector', { skip: sharedMissing }, async () => {
  const image = decoded('faces')
  const mtcnnModels = ['--models', sharedPath('models')]
  const cases = [
    [['--input-size', '320', '--score-threshold', '0.6'], new faceapi.TinyFaceDetectorOptions({ inputSize: 320, scoreThreshold: 0.6 })],
    [['--detector', 'ssd', '--min-confidence', '0.7'], new faceapi.SsdMobilenetv1Options({ minConfidence: 0.7 })],
    [['--detector', 'ssd', '--max-results', '2'], new faceapi.SsdMobilenetv1Options({ maxResults: 2 })],
    [['--detector', 'mtcnn', ...mtcnnModels, '--min-face-size', '120', '--scale-factor', '0.6', '--max-num-scales', '4'],
      new faceapi.MtcnnOptions({ minFaceSize: 120, scaleFactor: 0.6, maxNumScales: 4 })],
    [['--detector', 'mtcnn', ...mtcnnModels, '--score-thresholds', '0.6,0.7,0.9999'], new faceapi.MtcnnOptions({ scoreThresholds: [0.6, 0.7, 0.9999] })],
    [['--detector', 'mtcnn', ...mtcnnModels, '--scale-steps', '0.3,0.1'], new faceapi.MtcnnOptions({ scaleSteps: [0.3, 0.1] })]
  ]
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir)
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir)
  await faceapi.nets.mtcnn.loadFromDisk(sharedPath('models'))
  for (const [args, options] of cases) {
    const { code, stdout, stderr } = await run('detect', image, '--json', ...args)
    assert.equal(code, 0, stderr)
    const expected = (await faceapi.detectAllFaces(image, options)).map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }))
    assert.deepEqual(jsonLines(stdout)[0].faces, expected, args.join(' '))
  }
})

// ---- the commands on the demo photos ----

test('detect, landmarks and describe: text, JSON Lines and CSV agree', { skip: samplesMissing }, async () => {
  const files = [sample(1), sample(2)]
  const detect = jsonLines((await run('detect', ...files, '--json')).stdout)
  assert.deepEqual(detect.map((r) => r.file), files)
  assert.ok(detect.every((r) => r.faces.length > 0))

  const landmarks = await run('landmarks', ...files, '--json')
  assert.equal(landmarks.code, 0)
  const landmarkResults = jsonLines(landmarks.stdout)
  for (const [i, r] of landmarkResults.entries()) {
    assert.equal(r.faces.length, detect[i].faces.length)
    for (const face of r.faces) {
      assert.equal(face.landmarks.length, 68)
      // the points lie around the detected face
      const { x, y, width, height } = face.box
      const inside = face.landmarks.filter((p) => p.x >= x - width / 2 && p.x <= x + 1.5 * width && p.y >= y - height / 2 && p.y <= y + 1.5 * height)
      assert.equal(inside.length, 68)
    }
  }
  const tiny = jsonLines((await run('landmarks', '--tiny', sample(2), '--json')).stdout)[0]
  assert.equal(tiny.faces[0].landmarks.length, 68)
  assert.notDeepEqual(tiny.faces[0].landmarks, landmarkResults[1].faces[0].landmarks)

  const describe = await run('describe', ...files, '--csv')
  assert.equal(describe.code, 0)
  const rows = parseCsv(describe.stdout)
  assert.equal(rows.length, detect[0].faces.length + detect[1].faces.length)
  for (const row of rows) {
    assert.equal(row.status, 'face')
    const descriptor = Array.from({ length: 128 }, (_, i) => Number(row[`d${i}`]))
    assert.ok(descriptor.every(Number.isFinite))
    const norm = Math.hypot(...descriptor)
    assert.ok(norm > 0.1 && norm < 10, `descriptor norm ${norm}`)
  }
  assert.equal(Number(rows[0].score), detect[0].faces[0].score)

  const text = await run('landmarks', sample(2))
  assert.match(text.stdout, /sample2\.jpg: 1 face\n {2}face 1 {2}score 0\.\d{3} {2}x [\d.]+/)
  assert.match(text.stdout, /landmarks( [\d.]+,[\d.]+){68}\n/)
  assert.equal(text.stderr, '', 'no progress bar when stderr is not a terminal')
})

test('--workers 1 and --workers 2 give identical output, in input order', { skip: samplesMissing }, async () => {
  await withTempDir(async (dir) => {
    mkdirSync(path.join(dir, 'b'))
    for (let n = 1; n <= 6; n++) copyFileSync(sample(n), path.join(dir, n % 2 ? 'b' : '', `photo${n}.jpg`))
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image')
    symlinkSync(dir, path.join(dir, 'b', 'loop')) // walked once, not forever
    const one = await run('describe', dir, '--json', '--workers', '1')
    const two = await run('describe', dir, '--json', '--workers', '2')
    assert.equal(one.code, 0)
    assert.equal(two.stdout, one.stdout)
    const files = jsonLines(one.stdout).map((r) => path.relative(dir, r.file))
    assert.deepEqual(files, ['b/photo1.jpg', 'b/photo3.jpg', 'b/photo5.jpg', 'photo2.jpg', 'photo4.jpg', 'photo6.jpg'])
  })
})

test('--draw writes annotated PNGs mirroring the input folders', { skip: samplesMissing }, async () => {
  await withTempDir(async (dir) => {
    const input = path.join(dir, 'in')
    mkdirSync(path.join(input, 'sub'), { recursive: true })
    copyFileSync(sample(2), path.join(input, 'sub', 'two.jpg'))
    await writeBlankPng(path.join(input, 'blank.png'))
    const out = path.join(dir, 'out')
    const { code, stdout } = await run('landmarks', input, '--draw', out)
    assert.equal(code, 0)
    assert.match(stdout, /annotated copy: .*sub\/two\.png/)
    assert.deepEqual(await pngSize(path.join(out, 'sub', 'two.png')), await pngSize(sample(2)))
    assert.deepEqual(await pngSize(path.join(out, 'blank.png')), [64, 48])
    // one file and a .png path: that file
    const single = path.join(dir, 'single.png')
    assert.equal((await run('detect', sample(2), '--draw', single)).code, 0)
    assert.ok(existsSync(single))
  })
})

test('--draw never replaces an input photo, and a folder it cannot create is named before any work', { skip: samplesMissing }, async () => {
  await withTempDir(async (dir) => {
    const input = path.join(dir, 'in')
    mkdirSync(input)
    copyFileSync(sample(2), path.join(input, 'a.jpg'))
    await writeBlankPng(path.join(input, 'a.png'))
    const before = readFileSync(path.join(input, 'a.png'))
    // the input folder itself: a.jpg's copy would be a.png
    const onInputs = await run('detect', input, '--draw', input)
    assert.equal(onInputs.code, 2)
    assert.match(onInputs.stderr, /--draw .*in: the annotated copy of .*a\.jpg would replace the image .*a\.png; choose a folder outside the inputs/)
    // one image named as its own copy
    const onItself = await run('detect', path.join(input, 'a.png'), '--draw', path.join(input, 'a.png'))
    assert.equal(onItself.code, 2)
    assert.match(onItself.stderr, /would replace the image/)
    assert.deepEqual(readFileSync(path.join(input, 'a.png')), before)
    assert.deepEqual(readdirSync(input).sort(), ['a.jpg', 'a.png'])
    // a file where the folder should be
    const inTheWay = path.join(dir, 'a-file')
    writeFileSync(inTheWay, 'hello')
    const blocked = await run('detect', input, '--draw', inTheWay, '--json')
    assert.equal(blocked.code, 1)
    assert.equal(blocked.stdout, '')
    assert.match(blocked.stderr, /--draw .*a-file: cannot create the folder .*a-file \(a file is in the way\)/)
    // a copy from an earlier run is not an input: it is replaced
    const out = path.join(dir, 'out')
    assert.equal((await run('detect', input, '--draw', out)).code, 0)
    assert.equal((await run('detect', input, '--draw', out)).code, 0)
    assert.deepEqual(readdirSync(out).sort(), ['a-2.png', 'a.png'])
  })
})

// ---- errors ----

test('a corrupt image is reported while the others are processed; only corrupt images exit 1', { skip: samplesMissing }, async () => {
  await withTempDir(async (dir) => {
    const mixed = path.join(dir, 'mixed')
    mkdirSync(mixed)
    await writeBlankPng(path.join(mixed, 'a-blank.png'))
    writeFileSync(path.join(mixed, 'b-not-an-image.jpg'), 'hello')
    writeFileSync(path.join(mixed, 'c-truncated.jpg'), readFileSync(sample(2)).subarray(0, 2000))
    copyFileSync(sample(2), path.join(mixed, 'd-photo.jpg'))

    const text = await run('detect', mixed, '--workers', '2')
    assert.equal(text.code, 0)
    assert.match(text.stdout, /a-blank\.png: 0 faces/)
    assert.match(text.stdout, /d-photo\.jpg: 1 face/)
    assert.match(text.stderr, /b-not-an-image\.jpg: .*unsupported image format/)
    assert.match(text.stderr, /c-truncated\.jpg: /)

    const json = jsonLines((await run('detect', mixed, '--json')).stdout)
    assert.deepEqual(json.map((r) => [path.basename(r.file), r.error === undefined ? r.faces.length : 'error']),
      [['a-blank.png', 0], ['b-not-an-image.jpg', 'error'], ['c-truncated.jpg', 'error'], ['d-photo.jpg', 1]])
    assert.match(json[1].error, /unsupported image format/)

    const csv = parseCsv((await run('detect', mixed, '--csv')).stdout)
    assert.deepEqual(csv.map((r) => [path.basename(r.file), r.status]),
      [['a-blank.png', 'no face'], ['b-not-an-image.jpg', 'error'], ['c-truncated.jpg', 'error'], ['d-photo.jpg', 'face']])
    assert.match(csv[1].error, /unsupported image format/)
    assert.equal(Number(csv[3].score), json[3].faces[0].score)

    const bad = path.join(dir, 'bad')
    mkdirSync(bad)
    writeFileSync(path.join(bad, 'one.jpg'), 'hello')
    writeFileSync(path.join(bad, 'two.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))
    const allBad = await run('describe', bad, '--json')
    assert.equal(allBad.code, 1)
    assert.equal(jsonLines(allBad.stdout).filter((r) => r.error).length, 2)
    const missing = await run('detect', path.join(dir, 'nope.jpg'))
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /nope\.jpg: no such file/)
    // a device given by name is reported (it would never end); in a folder, links to nothing
    // and devices named like images are skipped with a warning
    const device = await run('detect', '/dev/zero')
    assert.equal(device.code, 1)
    assert.match(device.stderr, /\/dev\/zero: not a regular file/)
    const odd = path.join(dir, 'odd')
    mkdirSync(odd)
    symlinkSync(path.join(dir, 'nothing-here'), path.join(odd, 'dangling.jpg'))
    symlinkSync('/dev/zero', path.join(odd, 'zero.jpg'))
    copyFileSync(sample(2), path.join(odd, 'photo.jpg'))
    const skipped = await run('detect', odd)
    assert.equal(skipped.code, 0)
    assert.match(skipped.stdout, /photo\.jpg: 1 face/)
    assert.match(skipped.stderr, /dangling\.jpg: skipped, a link to nothing/)
    assert.match(skipped.stderr, /zero\.jpg: skipped, not a regular file/)
    const empty = path.join(dir, 'empty')
    mkdirSync(empty)
    const none = await run('detect', empty)
    assert.equal(none.code, 1)
    assert.match(none.stderr, /no images \(\.jpg, \.jpeg, \.png\) found/)
  })
})

test('usage errors exit 2 with a message and the usage', async () => {
  const cases = [
    [['detect', 'x.jpg', '--input-size', '100'], /divisible by 32/],
    [['detect', 'x.jpg', '--input-size', '2048'], /inputSize 2048 is outside the supported range 32 to 1024/],
    [['frobnicate', 'x.jpg'], /unknown command 'frobnicate'/],
    [['detect'], /no images or folders given/],
    [['detect', 'x.jpg', '--detector', 'yolo'], /unknown detector 'yolo'/],
    [['detect', 'x.jpg', '--detector', 'ssd', '--input-size', '320'], /--input-size applies only to --detector tiny/],
    [['detect', 'x.jpg', '--min-confidence', '0.3'], /--min-confidence applies only to --detector ssd/],
    [['detect', 'x.jpg', '--detector', 'ssd', '--min-confidence', '2'], /minConfidence to be a number between 0 and 1/],
    [['detect', 'x.jpg', '--detector', 'mtcnn', '--score-thresholds', '0.5,0.5'], /three numbers/],
    [['detect', 'x.jpg', '--detector', 'mtcnn', '--scale-steps', '0.5,,0.2'], /--scale-steps expects numbers separated by commas/],
    [['detect', 'x.jpg', '--detector', 'mtcnn', '--scale-factor', '1.5'], /scaleFactor to be a number between 0 and 1/],
    [['detect', 'x.jpg', '--workers', '0'], /--workers expects a whole number >= 1/],
    [['detect', 'x.jpg', '--workers', '-1'], /--workers expects a whole number >= 1, got '-1'/],
    [['detect', 'x.jpg', '--detector', 'ssd', '--min-confidence', '-0.5'], /minConfidence to be a number between 0 and 1/],
    [['detect', 'x.jpg', '--score-threshold', 'high'], /--score-threshold expects a number/],
    [['detect', 'x.jpg', '--whole-image'], /--whole-image skips detection/],
    [['detect', 'x.jpg', '--tiny'], /--tiny chooses the tiny landmark net/],
    [['detect', 'x.jpg', '--json', '--csv'], /choose one of --json and --csv/],
    [['detect', 'x.jpg', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['match', 'x.jpg'], /match needs --known DIR/],
    [['match', 'x.jpg', '--known', '/nonexistent-folder'], /--known \/nonexistent-folder: not a folder/],
    [['describe', 'x.jpg', '--threshold', '0.5'], /--threshold applies only to match/]
  ]
  for (const [args, message] of cases) {
    const { code, stderr } = await run(...args)
    assert.equal(code, 2, args.join(' '))
    assert.match(stderr, message, args.join(' '))
    assert.match(stderr, /usage: facewasm detect\|landmarks\|describe/, args.join(' '))
  }
  const help = await run('--help')
  assert.equal(help.code, 0)
  for (const flag of ['--detector', '--min-confidence', '--max-results', '--input-size', '--score-threshold', '--min-face-size',
    '--scale-factor', '--max-num-scales', '--score-thresholds', '--scale-steps', '--json', '--csv', '--draw', '--models', '--workers', '--known', '--threshold', '--tiny', '--whole-image']) {
    assert.ok(help.stdout.includes(flag), `--help mentions ${flag}`)
  }
})

test('a missing models folder says how to get the weights', async () => {
  await withTempDir(async (dir) => {
    await writeBlankPng(path.join(dir, 'blank.png'))
    const { code, stderr } = await run('describe', dir, '--models', path.join(dir, 'no-models'))
    assert.equal(code, 1)
    assert.match(stderr, /no models folder at .*no-models/)
    assert.match(stderr, /make models/)
    assert.match(stderr, /@vladmandic\/face-api/)
    const mtcnn = await run('detect', dir, '--detector', 'mtcnn', '--models', dir)
    assert.equal(mtcnn.code, 1)
    assert.match(mtcnn.stderr, /has no mtcnn_model-weights_manifest\.json/)
    assert.match(mtcnn.stderr, /face-api\.js's weights\/ folder/)
  })
})

test('weights that fail to load: one message, and nothing on stdout (not even the CSV header)', async () => {
  await withTempDir(async (dir) => {
    await writeBlankPng(path.join(dir, 'blank.png'))
    const models = path.join(dir, 'models')
    mkdirSync(models)
    const name = 'tiny_face_detector_model'
    copyFileSync(path.join(modelsDir, `${name}-weights_manifest.json`), path.join(models, `${name}-weights_manifest.json`))
    writeFileSync(path.join(models, `${name}.bin`), readFileSync(path.join(modelsDir, `${name}.bin`)).subarray(0, 1000))
    for (const format of ['--csv', '--json']) {
      const { code, stdout, stderr } = await run('detect', path.join(dir, 'blank.png'), '--models', models, format)
      assert.equal(code, 1)
      assert.equal(stdout, '', format)
      assert.match(stderr, /cannot load the models from/)
    }
  })
})

test('a file whose name is not UTF-8 is skipped with a warning, not reported missing', { skip: process.platform !== 'linux' && 'file names as bytes: Linux only' }, async () => {
  await withTempDir(async (dir) => {
    await writeBlankPng(path.join(dir, 'blank.png'))
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/latin1-`), Buffer.from([0xe9]), Buffer.from('.png')]), readFileSync(path.join(dir, 'blank.png')))
    copyFileSync(path.join(dir, 'blank.png'), path.join(dir, '\uFEFFbom.png')) // valid UTF-8, kept as it is
    const { code, stdout, stderr } = await run('detect', dir, '--json')
    assert.equal(code, 0)
    assert.deepEqual(jsonLines(stdout).map((r) => [path.basename(r.file), r.error]), [['blank.png', undefined], ['\uFEFFbom.png', undefined]])
    assert.match(stderr, /latin1-.*\.png: skipped, its name is not valid UTF-8 \(rename it\)/)
  })
})

test('a full disk on stdout: one line on stderr and exit 1, no stack trace', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async () => {
  await withTempDir(async (dir) => {
    await writeBlankPng(path.join(dir, 'blank.png'))
    const full = openSync('/dev/full', 'w')
    const child = spawn(process.execPath, [cli, 'detect', dir, '--json'], { stdio: ['ignore', full, 'pipe'], env: { ...process.env, FACEWASM_MODELS: modelsDir } })
    let stderr = ''
    child.stderr.on('data', (chunk) => { stderr += chunk })
    const code = await new Promise((resolve) => child.on('close', resolve))
    closeSync(full)
    assert.equal(code, 1)
    assert.equal(stderr.trim(), 'facewasm: cannot write the output (ENOSPC)')
  })
})

test('Ctrl-C: the CLI dies of SIGINT, so that a shell loop running it stops too', async () => {
  await withTempDir(async (dir) => {
    await writeBlankPng(path.join(dir, 'blank.png'))
    for (let i = 0; i < 400; i++) copyFileSync(path.join(dir, 'blank.png'), path.join(dir, `copy${i}.png`))
    const child = spawn(process.execPath, [cli, 'detect', dir, '--workers', '1'], { env: { ...process.env, FACEWASM_MODELS: modelsDir } })
    child.stdout.once('data', () => child.kill('SIGINT'))
    const [code, signal] = await new Promise((resolve) => child.on('close', (...outcome) => resolve(outcome)))
    assert.deepEqual([code, signal], [null, 'SIGINT'])
  })
})

test('progress bar: results written to the same terminal and messages go above it', () => {
  const written = []
  const terminal = { isTTY: true, write: (text) => written.push(text) }
  const progress = createProgress(3, terminal)
  progress.tick()
  progress.above(() => terminal.write('a.jpg: 1 face\n'))
  progress.message('facewasm: b.jpg: corrupt')
  progress.end()
  const bar = (text) => text.startsWith('\r\x1b[K[')
  const clear = '\r\x1b[K'
  assert.ok(bar(written[0]), JSON.stringify(written))
  assert.deepEqual(written.slice(1, 3), [clear, 'a.jpg: 1 face\n'])
  assert.ok(bar(written[3]))
  assert.deepEqual(written.slice(4, 6), [clear, 'facewasm: b.jpg: corrupt\n'])
  assert.ok(bar(written[6]))
  assert.deepEqual(written.slice(7), [clear])
})

// ---- match --known against face-api.js's FaceMatcher ----

/**
 * face-api.js's labels for the people photos, leave-one-out: each photo's
 * whole-image descriptor from the reference, matched by FaceMatcher's rule
 * (the label with the smallest mean euclidean distance; 'unknown' at or
 * beyond the threshold) against every other photo.
 */
function faceApiLabels (threshold, { isKnown = () => true, isQuery = () => true } = {}) {
  const photos = []
  for (const person of readdirSync(peopleDir).sort()) {
    for (const image of readdirSync(path.join(peopleDir, person)).sort()) {
      const reference = readReference(path.join('people', path.parse(image).name))
      photos.push({ person, file: path.join(peopleDir, person, image), descriptor: reference.wholeImage.descriptor })
    }
  }
  const distance = (a, b) => Math.sqrt(a.reduce((sum, v, i) => sum + (v - b[i]) ** 2, 0))
  return photos.filter(isQuery).map((query) => {
    const byPerson = new Map()
    for (const other of photos.filter(isKnown)) {
      if (other === query) continue
      if (!byPerson.has(other.person)) byPerson.set(other.person, [])
      byPerson.get(other.person).push(distance(query.descriptor, other.descriptor))
    }
    let best = { label: 'unknown', distance: Infinity }
    for (const [person, distances] of byPerson) {
      const mean = distances.reduce((a, b) => a + b, 0) / distances.length
      if (mean < best.distance) best = { label: person, distance: mean }
    }
    return { file: query.file, label: best.distance < threshold ? best.label : 'unknown', distance: best.distance }
  })
}

test('match --known people people labels each photo as face-api.js does (leave-one-out)', { skip: sharedMissing }, async () => {
  const expected = faceApiLabels(0.6)
  const { code, stdout, stderr } = await run('match', '--known', peopleDir, peopleDir, '--whole-image', '--json')
  assert.equal(code, 0, stderr)
  const results = jsonLines(stdout)
  assert.deepEqual(results.map((r) => r.file), expected.map((e) => e.file))
  for (const [i, result] of results.entries()) {
    assert.equal(result.faces.length, 1)
    const { match } = result.faces[0]
    assert.equal(match.label, expected[i].label, `${result.file}: ${match.label} (${match.distance}), face-api.js ${expected[i].label} (${expected[i].distance})`)
    assert.ok(Math.abs(match.distance - expected[i].distance) < 0.01, `${result.file}: distance ${match.distance} vs ${expected[i].distance}`)
  }
  // A stricter threshold turns the far matches into 'unknown', as face-api.js's would.
  const strict = faceApiLabels(0.45)
  const csv = parseCsv((await run('match', '--known', peopleDir, peopleDir, '--whole-image', '--csv', '--threshold', '0.45', '--workers', '1')).stdout)
  assert.deepEqual(csv.map((r) => r.label), strict.map((e) => e.label))
  assert.ok(strict.some((e) => e.label === 'unknown') && strict.some((e) => e.label !== 'unknown'))
})

test('match: a photo not among the known ones is matched against all of them', { skip: sharedMissing }, async () => {
  await withTempDir(async (dir) => {
    const known = path.join(dir, 'known')
    for (const person of readdirSync(peopleDir)) {
      mkdirSync(path.join(known, person), { recursive: true })
      for (const n of [1, 2, 3, 4]) copyFileSync(path.join(peopleDir, person, `${person}${n}.png`), path.join(known, person, `${person}${n}.png`))
    }
    const queries = readdirSync(peopleDir).sort().map((person) => path.join(peopleDir, person, `${person}5.png`))
    const { code, stdout } = await run('match', '--known', known, ...queries, '--whole-image')
    assert.equal(code, 0)
    const expected = faceApiLabels(0.6, { isKnown: (p) => !p.file.endsWith('5.png'), isQuery: (p) => p.file.endsWith('5.png') })
    assert.deepEqual(expected.map((e) => e.file), queries)
    for (const { file, label } of expected) {
      assert.match(stdout, new RegExp(`${path.basename(file).replace('.', '\\.')}: 1 face\\n {2}face 1 {2}${label} \\(distance 0\\.\\d{3}\\)  whole image`))
    }
  })
})

test('match with a detector: the best face of each known photo; a query never matches itself', { skip: samplesMissing }, async () => {
  await withTempDir(async (dir) => {
    const known = path.join(dir, 'known')
    mkdirSync(path.join(known, 'someone'), { recursive: true })
    const original = path.join(known, 'someone', 'photo.jpg')
    copyFileSync(sample(2), original)
    const copy = path.join(dir, 'copy.jpg')
    copyFileSync(sample(2), copy)
    const { code, stdout } = await run('match', '--known', known, copy, original, '--json')
    assert.equal(code, 0)
    const [ofCopy, ofOriginal] = jsonLines(stdout)
    assert.deepEqual(ofCopy.faces.map((f) => f.match), [{ label: 'someone', distance: 0 }])
    // leave-one-out: the only known face is the query's own, so nothing is left to match
    assert.deepEqual(ofOriginal.faces.map((f) => f.match), [{ label: 'unknown', distance: null }])
    assert.equal(ofCopy.faces[0].descriptor, undefined, 'match prints labels, not descriptors')
  })
})
