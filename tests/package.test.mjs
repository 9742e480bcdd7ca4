// The npm package as a user gets it: `npm pack`, installed offline into an
// empty project, used from Node and from TypeScript (tsc --noEmit on its types).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { modelsDir, repoRoot } from './shared.mjs'

const exec = promisify(execFile)
let dir

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'facewasm-package-'))
  await exec('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { cwd: repoRoot })
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`], { cwd: dir })
})

after(() => rmSync(dir, { recursive: true, force: true }))

test('the tarball holds the library, the wasm builds and the types, and no weights', async () => {
  const { stdout } = await exec('tar', ['-tzf', path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')))])
  const files = stdout.split('\n').filter(Boolean)
  for (const f of ['package/js/index.mjs', 'package/js/index.d.ts', 'package/js/cli.mjs', 'package/wasm/facewasm.wasm', 'package/wasm/facewasm-scalar.wasm',
    'package/wasm/facewasm-threads.wasm']) {
    assert.ok(files.includes(f), `${f} missing from the tarball`)
  }
  assert.ok(!files.some((f) => f.includes('models/') || f.endsWith('.bin')), 'weights must not be packed')
  assert.ok(!files.some((f) => f.startsWith('package/csrc/') || f.startsWith('package/tests/')))
})

test('the installed package detects from Node, offline, with a local weight folder', async () => {
  writeFileSync(path.join(dir, 'use.mjs'), `
    import * as faceapi from 'facewasm'
    await faceapi.nets.tinyFaceDetector.loadFromDisk(process.argv[2])
    const pixels = { data: new Uint8Array(64 * 48 * 4).fill(200), width: 64, height: 48 }
    const faces = await faceapi.detectAllFaces(pixels, new faceapi.TinyFaceDetectorOptions())
    console.log(JSON.stringify({ faces: faces.length, flavor: faceapi.wasmFlavor() }))
  `)
  const { stdout } = await exec(process.execPath, ['use.mjs', modelsDir], { cwd: dir })
  assert.deepEqual(JSON.parse(stdout), { faces: 0, flavor: 'simd128' })
})

test('CommonJS: require(\'facewasm\') works where Node can require ES modules', {
  skip: process.features.require_module ? false : `Node ${process.version} cannot require ES modules (20.19+ and 22.12+ can); use await import('facewasm')`
}, async () => {
  writeFileSync(path.join(dir, 'use.cjs'), `
    const faceapi = require('facewasm')
    faceapi.nets.tinyFaceDetector.loadFromDisk(process.argv[2])
      .then(() => faceapi.tinyFaceDetector({ data: new Uint8Array(64 * 48 * 4), width: 64, height: 48 }))
      .then((faces) => console.log(JSON.stringify({ faces: faces.length, isClass: typeof faceapi.FaceMatcher })))
  `)
  const { stdout } = await exec(process.execPath, ['use.cjs', modelsDir], { cwd: dir })
  assert.deepEqual(JSON.parse(stdout), { faces: 0, isClass: 'function' })
})

test('the installed CLI runs', async () => {
  const { stdout } = await exec(path.join(dir, 'node_modules', '.bin', 'facewasm'), ['--help'], { cwd: dir })
  assert.match(stdout, /usage: facewasm detect/)
})

test('the example TypeScript programs (tests/types) type-check against the published types', async () => {
  const programs = readdirSync(path.join(repoRoot, 'tests', 'types')).filter((f) => f.endsWith('.ts'))
  assert.ok(programs.includes('face_api_program.ts'))
  for (const file of programs) copyFileSync(path.join(repoRoot, 'tests', 'types', file), path.join(dir, file))
  const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc')
  await exec(tsc, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,dom', '--types', '', ...programs], { cwd: dir })
    .catch((error) => assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`))
  // Without the DOM's lib the declarations compile too (skipLibCheck off): in a Web Worker's lib, where
  // ImageBitmap and OffscreenCanvas are inputs, and with the plain ES lib (Node without its types).
  for (const [file, lib] of [['worker_program.ts', 'es2022,webworker'], ['node_program.ts', 'es2022']]) {
    copyFileSync(path.join(repoRoot, 'tests', 'types', 'no_dom', file), path.join(dir, file))
    await exec(tsc, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--lib', lib, '--types', '', file], { cwd: dir })
      .catch((error) => assert.fail(`tsc (lib ${lib}) found errors:\n${error.stdout}${error.stderr}`))
  }
})
