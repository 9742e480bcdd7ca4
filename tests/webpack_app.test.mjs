// The package with webpack 5, as a user gets it: `npm pack`, installed into a
// small app (tests/webpack-app, `npm ci` from its lockfile) and bundled with
// `webpack --mode production`. The library must not make webpack resolve
// Node's built-in modules (js/node.mjs), and webpack must find the three wasm
// builds through `new URL('…', import.meta.url)` and build the threads worker
// from `new Worker(new URL(…))`. The bundle then runs in Chromium, served
// cross-origin isolated under the strict Content-Security-Policy, on one thread
// and on two, and must detect what Node detects from the same pixels.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { modelsDir, repoRoot } from './shared.mjs'
import { STRICT_CSP } from '../tools/static_server.mjs'
import { imagePixels, noChromium, useChromium, watchedPage } from './chromium.mjs'
import { exec, installPackedApp, nodeDetections, plainDetections } from './packed_app.mjs'

const SOURCE = path.join(repoRoot, 'tests', 'webpack-app')
const APP = path.join(repoRoot, 'build', 'webpack-app')
const DIST = path.join(APP, 'dist')
const SAMPLES = path.join(repoRoot, 'demo', 'samples')
const TIMEOUT = 180_000
const noPage = noChromium ||
  (!existsSync(path.join(SAMPLES, 'sample1.jpg')) ? 'demo/samples/ is empty: run make demo-samples' : false)

let buildLog = ''

// Builds the app before the server starts (hooks run in the order they are registered).
before(async () => {
  await installPackedApp(SOURCE, APP)
  // A failed build rejects with webpack's output on the error: keep it either way.
  const { stdout, stderr } = await exec(path.join(APP, 'node_modules', '.bin', 'webpack'),
    ['--mode', 'production', '--entry', './src/index.js', '--output-path', 'dist', '--no-color'], { cwd: APP })
    .catch((error) => error)
  buildLog = stdout + stderr
  if (existsSync(DIST)) copyFileSync(path.join(APP, 'index.html'), path.join(DIST, 'index.html'))
}, { timeout: TIMEOUT })

const env = useChromium({
  skip: noPage,
  mounts: { '/models/': modelsDir, '/samples/': SAMPLES, '/': DIST },
  headers: {
    'content-security-policy': STRICT_CSP,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp'
  }
})

const WASM_BUILDS = ['facewasm', 'facewasm-scalar', 'facewasm-threads']
const assetOf = (build) => {
  const original = readFileSync(path.join(repoRoot, 'wasm', `${build}.wasm`))
  return readdirSync(DIST).find((f) => f.endsWith('.wasm') && readFileSync(path.join(DIST, f)).equals(original))
}

test('webpack bundles the packed library without errors or warnings and emits every wasm build', { timeout: TIMEOUT }, (t) => {
  assert.match(buildLog, /compiled successfully/, buildLog)
  const files = readdirSync(DIST)
  const bundle = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(DIST, f), 'utf8')).join('\n')
  for (const build of WASM_BUILDS) {
    const asset = assetOf(build)
    assert.ok(asset, `no asset in dist/ is wasm/${build}.wasm: ${files.join(', ')}`)
    assert.ok(bundle.includes(asset), `the bundle does not refer to ${asset}`)
    t.diagnostic(`${build}.wasm: dist/${asset}`)
  }
})

for (const threads of [false, true]) {
  const where = threads ? 'on two threads (the threads build and the worker webpack built)' : 'on one thread'
  test(`the bundled page detects what Node does, ${where}`, { skip: noPage, timeout: TIMEOUT }, async (t) => {
    const { page, problems } = await watchedPage(env.browser, { cspViolations: true })
    const wasmFetched = []
    page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmFetched.push(`${r.url().replace(env.server.url, '')} ${r.status()}`) })
    await page.goto(`${env.server.url}/index.html${threads ? '?threads' : ''}`)
    await page.waitForFunction(() => document.body.dataset.state, null, { timeout: TIMEOUT })
    const status = await page.evaluate(() => document.getElementById('status').textContent)
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'done', status)
    assert.match(status, threads ? /\(threads, 2 threads\)/ : /\(simd128, 1 threads\)/)
    assert.deepEqual(wasmFetched, [`/${assetOf(threads ? 'facewasm-threads' : 'facewasm')} 200`])
    const got = await page.evaluate(`(${plainDetections.toString()})(window.facewasmResults)`)
    // The threads build's results are the single-thread build's, bit for bit.
    const expected = await nodeDetections(APP, await imagePixels(page, 'photo'), 'facewasm')
    assert.ok(expected.length > 0, 'Node finds faces in sample1.jpg')
    assert.deepEqual(got, expected)
    const violations = await page.evaluate(() => window.cspViolations ?? [])
    assert.deepEqual([...problems, ...violations.map((v) => `CSP violation: ${v}`)], [])
    t.diagnostic(`${expected.length} faces with landmarks, equal to Node's; page says "${status}"`)
    await page.close()
  })
}
