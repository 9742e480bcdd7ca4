// A small app as a user builds it: its files copied from the repository into
// build/, this checkout packed with `npm pack` as facewasm.tgz (the app depends
// on "file:facewasm.tgz"), and `npm ci` from the app's lockfile. node_modules
// is kept between runs, so that npm's cache makes the install quick and offline.
// The lockfile must not record an integrity for facewasm: npm would then
// install the tarball it cached under that integrity, an older checkout.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { modelsDir, repoRoot } from './shared.mjs'

export const exec = promisify(execFile)
const npm = (args, cwd) => exec('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 1 << 24 })

/** Copies `source` (but `leaveOut` entries) to `app`, packs this checkout into it and runs npm ci. */
export async function installPackedApp (source, app, leaveOut = []) {
  mkdirSync(app, { recursive: true })
  for (const entry of readdirSync(app)) if (entry !== 'node_modules') rmSync(path.join(app, entry), { recursive: true, force: true })
  for (const entry of readdirSync(source)) {
    if (!['node_modules', 'dist', 'facewasm.tgz', '.gitignore', ...leaveOut].includes(entry)) cpSync(path.join(source, entry), path.join(app, entry), { recursive: true })
  }
  const { stdout } = await npm(['pack', repoRoot, '--pack-destination', app], app)
  renameSync(path.join(app, stdout.trim().split('\n').pop()), path.join(app, 'facewasm.tgz'))
  await npm(['ci', '--prefer-offline'], app).catch((error) => {
    throw new Error(`npm ci of ${path.relative(repoRoot, source)} in ${app} failed (it needs the npm registry, or npm's cache from an earlier run):\n${error.stderr}`)
  })
  for (const file of ['js/wasm.mjs', 'js/index.mjs', 'js/node.mjs', 'js/threads.mjs', 'js/threads_worker.mjs',
    'wasm/facewasm.wasm', 'wasm/facewasm-scalar.wasm', 'wasm/facewasm-threads.wasm']) {
    if (!readFileSync(path.join(app, 'node_modules', 'facewasm', file)).equals(readFileSync(path.join(repoRoot, file)))) {
      throw new Error(`the facewasm installed in ${app} is not this checkout's: its ${file} differs`)
    }
  }
}

/** The apps' detections (Tiny Face Detector @416 + landmarks) as plain values, on a page or in Node. */
export const plainDetections = (results) => results.map(({ detection: d, landmarks }) => ({
  score: d.score,
  box: [d.box.x, d.box.y, d.box.width, d.box.height],
  landmarks: landmarks.positions.map((p) => [p.x, p.y])
}))

/**
 * What the library in Node gives for a page's pixels ({ width, height, base64 },
 * as chromium.mjs's imagePixels reads them) with a wasm build of this checkout,
 * in a process of its own; `app` is where the pixels are written for it.
 */
export async function nodeDetections (app, { width, height, base64 }, wasmBuild) {
  const pixelsFile = path.join(app, 'pixels.rgba')
  writeFileSync(pixelsFile, Buffer.from(base64, 'base64'))
  const script = `
    import { readFileSync } from 'node:fs'
    import * as faceapi from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'js', 'index.mjs')).href)}
    const [models, file, width, height] = process.argv.slice(1)
    await faceapi.nets.tinyFaceDetector.loadFromDisk(models)
    await faceapi.nets.faceLandmark68Net.loadFromDisk(models)
    const input = { data: new Uint8ClampedArray(readFileSync(file)), width: Number(width), height: Number(height) }
    const results = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 })).withFaceLandmarks()
    console.log(JSON.stringify((${plainDetections.toString()})(results)))`
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script, modelsDir, pixelsFile, width, height],
    { env: { ...process.env, FACEWASM_WASM: path.join(repoRoot, 'wasm', `${wasmBuild}.wasm`) }, maxBuffer: 1 << 24 })
  return JSON.parse(stdout)
}
