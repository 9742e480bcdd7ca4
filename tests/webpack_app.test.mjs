// The package with webpack 5, as a user gets it: `npm pack`, installed into a
// small app (tests/webpack-app, `npm ci` from its lockfile) and bundled with
// `webpack --mode production`. The library must not make webpack resolve
// Node's built-in modules (js/node.mjs), and webpack must find the three wasm
// builds and the threads worker through `new URL('…', import.meta.url)` and
// emit them as assets. The page itself runs in the Vite test.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { repoRoot } from './shared.mjs'
import { exec, installPackedApp } from './packed_app.mjs'

const SOURCE = path.join(repoRoot, 'tests', 'webpack-app')
const APP = path.join(repoRoot, 'build', 'webpack-app')
const DIST = path.join(APP, 'dist')

test('webpack bundles the packed library without errors or warnings and emits every wasm build', { timeout: 180_000 }, async (t) => {
  await installPackedApp(SOURCE, APP)
  // A failed build rejects with webpack's output on the error: show it either way.
  const { stdout, stderr } = await exec(path.join(APP, 'node_modules', '.bin', 'webpack'),
    ['--mode', 'production', '--entry', './src/index.js', '--output-path', 'dist', '--no-color'], { cwd: APP })
    .catch((error) => error)
  const log = stdout + stderr
  assert.match(log, /compiled successfully/, log)
  const files = readdirSync(DIST)
  const bundle = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(DIST, f), 'utf8')).join('\n')
  for (const build of ['facewasm', 'facewasm-scalar', 'facewasm-threads']) {
    const original = readFileSync(path.join(repoRoot, 'wasm', `${build}.wasm`))
    const asset = files.find((f) => f.endsWith('.wasm') && readFileSync(path.join(DIST, f)).equals(original))
    assert.ok(asset, `no asset in dist/ is wasm/${build}.wasm: ${files.join(', ')}`)
    assert.ok(bundle.includes(asset), `the bundle does not refer to ${asset}`)
    t.diagnostic(`${build}.wasm: dist/${asset}`)
  }
  // The threads worker is copied as it is, so it must import nothing relative to itself.
  const workers = files.filter((f) => f.endsWith('.mjs'))
  assert.equal(workers.length, 1, `threads worker modules in dist/: ${files.join(', ')}`)
  const worker = readFileSync(path.join(DIST, workers[0]), 'utf8')
  assert.doesNotMatch(worker, /(from|import)\s*\(?\s*["']\./, `dist/${workers[0]} imports a module beside it`)
})
