// The package with a bundler, as a user gets it: `npm pack`, installed into
// the Vite sample app (examples/vite-app, `npm ci` from its lockfile), built
// with `vite build`, served from dist/ cross-origin isolated under the strict
// Content-Security-Policy and opened in Chromium. Vite must find the three
// .wasm builds through the library's `new URL('…wasm', import.meta.url)` and
// emit them as assets, and build the threads worker from the library's
// `new Worker(new URL(…))`; the page must fetch the wasm from there and detect
// what Node detects from the same pixels with the same wasm, on the page, in a
// module worker Vite bundles, and on two threads.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { modelsDir, repoRoot } from './shared.mjs'
import { STRICT_CSP } from '../tools/static_server.mjs'
import { imagePixels, noChromium, useChromium, watchedPage } from './chromium.mjs'
import { exec, installPackedApp, nodeDetections, plainDetections } from './packed_app.mjs'

const EXAMPLE = path.join(repoRoot, 'examples', 'vite-app')
const SAMPLES = path.join(repoRoot, 'demo', 'samples')
const APP = path.join(repoRoot, 'build', 'vite-app')
const DIST = path.join(APP, 'dist')
const TIMEOUT = 180_000
const skip = noChromium ||
  (!existsSync(path.join(SAMPLES, 'sample1.jpg')) ? 'demo/samples/ is empty: run make demo-samples' : false)

let buildLog = ''

// Builds the app before the server starts (hooks run in the order they are registered).
before(async () => {
  if (skip) return
  await installPackedApp(EXAMPLE, APP, ['public'])
  const { stdout: out, stderr } = await exec(path.join(APP, 'node_modules', '.bin', 'vite'), ['build'], { cwd: APP, env: { ...process.env, NO_COLOR: '1' } })
  buildLog = out + stderr
}, { timeout: TIMEOUT })

const env = useChromium({
  skip,
  mounts: { '/models/': modelsDir, '/samples/': SAMPLES, '/': DIST },
  headers: {
    'content-security-policy': STRICT_CSP,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp'
  }
})

const assets = () => readdirSync(path.join(DIST, 'assets'))
const WASM_BUILDS = { simd128: 'facewasm', scalar: 'facewasm-scalar', threads: 'facewasm-threads' }
// Vite names an asset name-[8-character hash].ext.
const assetOf = (flavor) => assets().find((f) => new RegExp(`^${WASM_BUILDS[flavor]}-[\\w-]{8}\\.wasm$`).test(f))

test('npm ci installs the packed tarball, and vite build emits the three wasm builds and the threads worker as assets', { skip, timeout: TIMEOUT }, (t) => {
  assert.match(buildLog, /built in/)
  // Node's built-ins are loaded only on Node paths (js/node.mjs), so Vite has none to stub.
  assert.doesNotMatch(buildLog, /externalized for browser compatibility/, buildLog)
  const bundle = assets().filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(DIST, 'assets', f), 'utf8')).join('\n')
  for (const flavor of Object.keys(WASM_BUILDS)) {
    const asset = assetOf(flavor)
    assert.ok(asset, `no ${WASM_BUILDS[flavor]} asset in dist/assets: ${assets().join(', ')}`)
    const source = path.join(repoRoot, 'wasm', `${WASM_BUILDS[flavor]}.wasm`)
    assert.ok(readFileSync(path.join(DIST, 'assets', asset)).equals(readFileSync(source)), `${asset} is not ${source}`)
    assert.ok(bundle.includes(asset), `the bundle does not refer to ${asset}`)
    t.diagnostic(`${flavor}: dist/assets/${asset}`)
  }
  const worker = assets().find((f) => /^threads_worker-[\w-]{8}\.js$/.test(f))
  assert.ok(worker, `no threads worker in dist/assets: ${assets().join(', ')}`)
  assert.ok(bundle.includes(worker), `the bundle does not refer to ${worker}`)
})

/** Opens the built app on a sample photo, waits for its detections; without SIMD, in its worker or on threads if asked. */
async function runApp (sample, { simd = true, worker = false, threads = false } = {}) {
  const { page, problems } = await watchedPage(env.browser, { viewport: { width: 1024, height: 800 }, cspViolations: true })
  if (!simd) {
    // An engine without SIMD128: the library's probe module (the only tiny module validated) fails.
    await page.addInitScript(() => {
      const validate = WebAssembly.validate
      WebAssembly.validate = (bytes) => (bytes.byteLength < 64 ? false : validate(bytes))
    })
  }
  const wasmFetched = []
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmFetched.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] }) })
  const response = await page.goto(`${env.server.url}/?models=/models/&image=/samples/${sample}${worker ? '&worker' : ''}${threads ? '&threads' : ''}`)
  assert.equal(response.headers()['content-security-policy'], STRICT_CSP)
  await page.waitForFunction(() => document.body.dataset.state, null, { timeout: TIMEOUT })
  const state = await page.evaluate(() => ({ state: document.body.dataset.state, status: document.getElementById('status').textContent }))
  assert.equal(state.state, 'done', state.status)
  const got = await page.evaluate(`(${plainDetections.toString()})(window.facewasmResults)`)
  const pixels = await imagePixels(page, 'photo')
  // The overlay holds the drawn boxes: some of its pixels are not transparent.
  const drawn = await page.evaluate(() => {
    const overlay = document.getElementById('overlay')
    const { data } = overlay.getContext('2d').getImageData(0, 0, overlay.width, overlay.height)
    let opaque = 0
    for (let i = 3; i < data.length; i += 4) if (data[i]) opaque++
    return opaque
  })
  const violations = await page.evaluate(() => window.cspViolations ?? [])
  return { page, problems: [...problems, ...violations.map((v) => `CSP violation: ${v}`)], status: state.status, got, pixels, wasmFetched, drawn }
}

const RUNS = [
  { sample: 'sample1.jpg', flavor: 'simd128' },
  { sample: 'sample2.jpg', flavor: 'simd128' },
  { sample: 'sample1.jpg', flavor: 'scalar' },
  { sample: 'sample2.jpg', flavor: 'simd128', worker: true },
  { sample: 'sample1.jpg', flavor: 'threads' }
]
for (const { sample, flavor, worker = false } of RUNS) {
  const where = worker ? 'in its module worker' : flavor === 'threads' ? 'on two threads' : 'on the page'
  test(`the built app fetches the ${flavor} wasm from its assets and detects in ${sample} what Node does, ${where}`, { skip, timeout: TIMEOUT }, async (t) => {
    const threads = flavor === 'threads'
    const run = await runApp(sample, { simd: flavor !== 'scalar', worker, threads })
    assert.deepEqual(run.wasmFetched, [{ url: `${env.server.url}/assets/${assetOf(flavor)}`, status: 200, type: 'application/wasm' }])
    assert.match(run.status, flavor === 'scalar' ? /scalar build/ : /WebAssembly SIMD/)
    assert.equal(/in a worker/.test(run.status), worker)
    assert.equal(/, 2 threads\)/.test(run.status), threads, run.status)
    // The threads build's results are the single-thread build's, bit for bit.
    const expected = await nodeDetections(APP, run.pixels, WASM_BUILDS[threads ? 'simd128' : flavor])
    assert.ok(expected.length > 0, `Node finds faces in ${sample}`)
    assert.deepEqual(run.got, expected)
    assert.ok(run.drawn > 0, 'nothing drawn on the overlay')
    assert.deepEqual(run.problems, [])
    t.diagnostic(`${sample} (${flavor}, ${where}): ${expected.length} faces with landmarks, equal to Node's; page says "${run.status}"`)
    if (sample === 'sample1.jpg' && flavor === 'simd128' && !worker) {
      mkdirSync(path.join(repoRoot, 'test-output'), { recursive: true })
      await run.page.screenshot({ path: path.join(repoRoot, 'test-output', 'vite-app.png') })
    }
    await run.page.close()
  })
}
