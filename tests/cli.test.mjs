// The command line, run as a user runs it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { getCore } from '../js/wasm.mjs'
import { decodeInCore } from '../js/input.mjs'
import { modelsDir, repoRoot, sharedMissing, sharedPath } from './shared.mjs'

const cli = path.join(repoRoot, 'js', 'cli.mjs')
const run = (...args) => promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, FACEWASM_MODELS: modelsDir } })
  .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))

test('detect prints the six faces of faces.jpg as JSON and draws them', { skip: sharedMissing }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'facewasm-cli-'))
  try {
    const out = path.join(dir, 'annotated.png')
    const { code, stdout } = await run('detect', sharedPath('testdata', 'images', 'faces.jpg'), '--json', '--draw', out)
    assert.equal(code, 0)
    const [result] = JSON.parse(stdout)
    assert.equal(result.faces.length, 6)
    for (const face of result.faces) assert.ok(face.score > 0.5 && face.box.width > 50)
    const core = await getCore()
    const png = decodeInCore(core, readFileSync(out), out)
    assert.deepEqual([png.width, png.height], [710, 473])
    png.release()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an unreadable file is reported while the others are processed', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'facewasm-cli-'))
  try {
    const blank = path.join(dir, 'blank.png')
    const core = await getCore()
    // A plain grey 64x48 PNG made by the core's own encoder: no faces.
    const pixels = core.alloc(64 * 48 * 4)
    core.u8().fill(128, pixels, pixels + 64 * 48 * 4)
    const lengthPointer = core.alloc(4)
    const png = core.exports.fw_image_encode_png(pixels, 64, 48, lengthPointer)
    writeFileSync(blank, core.u8().slice(png, png + core.i32()[lengthPointer >> 2]))
    core.free(png); core.free(pixels); core.free(lengthPointer)
    const bad = path.join(dir, 'not-an-image.jpg')
    writeFileSync(bad, 'hello')
    const { code, stdout, stderr } = await run('detect', blank, bad)
    assert.equal(code, 0)
    assert.match(stdout, /blank\.png: 0 faces/)
    assert.match(stderr, /not-an-image\.jpg: unsupported image format/)
    const allBad = await run('detect', bad)
    assert.equal(allBad.code, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('bad options exit with status 2 and a message', async () => {
  const { code, stderr } = await run('detect', 'x.jpg', '--input-size', '100')
  assert.equal(code, 2)
  assert.match(stderr, /divisible by 32/)
  const unknown = await run('frobnicate')
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown command/)
})

test('--detector ssd finds the six faces of faces.jpg with SSD MobileNetV1', { skip: sharedMissing }, async () => {
  const { code, stdout } = await run('detect', sharedPath('testdata', 'images', 'faces.jpg'), '--detector', 'ssd', '--json')
  assert.equal(code, 0)
  const [result] = JSON.parse(stdout)
  assert.equal(result.faces.length, 6)
  const strict = await run('detect', sharedPath('testdata', 'images', 'faces.jpg'), '--detector', 'ssd', '--score-threshold', '0.7', '--json')
  assert.equal(JSON.parse(strict.stdout)[0].faces.length, 4)
})

test('bad --detector options exit with status 2 and a message', async () => {
  const unknown = await run('detect', 'x.jpg', '--detector', 'yolo')
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown detector 'yolo'/)
  const size = await run('detect', 'x.jpg', '--detector', 'ssd', '--input-size', '320')
  assert.equal(size.code, 2)
  assert.match(size.stderr, /--input-size applies only to --detector tiny/)
  const threshold = await run('detect', 'x.jpg', '--detector', 'ssd', '--score-threshold', '2')
  assert.equal(threshold.code, 2)
  assert.match(threshold.stderr, /minConfidence to be a number between 0 and 1/)
})
