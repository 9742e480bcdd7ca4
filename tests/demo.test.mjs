// The demo page in Debian's Chromium (playwright-core), served with the
// strict Content-Security-Policy it is written for: it loads without errors,
// gives what Node computes from the same pixels (every detector and per-face
// net this build has, on the main thread and in the worker), runs on
// Chromium's fake webcam, takes uploads and drops, matches faces, and writes
// screenshots to test-output/.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import * as faceapi from '../js/index.mjs'
import { runTask } from '../js/worker.mjs'
import { summarize } from '../demo/pipeline.mjs'
import { hasShared, modelsDir, repoRoot, sharedDir, sharedPath } from './shared.mjs'
import { STRICT_CSP } from '../tools/static_server.mjs'
import { FAKE_CAMERA_FLAGS, imagePixels, launchChromium, noChromium, useChromium, watchedPage } from './chromium.mjs'

const SAMPLES = path.join(repoRoot, 'demo', 'samples')
const noBrowser = noChromium ||
  (!existsSync(path.join(SAMPLES, 'sample1.jpg')) ? 'demo/samples/ is empty: run make demo-samples' : false)
const OUTPUT = path.join(repoRoot, 'test-output')
const TIMEOUT = 180_000

const env = useChromium({
  skip: noBrowser,
  mounts: { ...(hasShared ? { '/shared/': sharedDir } : {}), '/': repoRoot },
  headers: { 'content-security-policy': STRICT_CSP },
  flags: FAKE_CAMERA_FLAGS
})
before(() => { if (!noBrowser) mkdirSync(OUTPUT, { recursive: true }) })

/** Opens the demo; `problems` collects console errors, page errors and CSP violations. */
async function openDemo () {
  const { page, problems } = await watchedPage(env.browser, { viewport: { width: 1280, height: 900 }, cspViolations: true })
  const response = await page.goto(`${env.server.url}/demo/${hasShared ? '?models=/shared/models/' : ''}`)
  assert.equal(response.headers()['content-security-policy'], STRICT_CSP)
  await page.waitForFunction(() => document.body.dataset.state === 'idle')
  const available = await page.evaluate(() => window.facewasmDemo.available)
  return { page, problems, available }
}

async function assertClean (page, problems) {
  const violations = await page.evaluate(() => window.cspViolations ?? [])
  assert.deepEqual([...problems, ...violations.map((v) => `CSP violation: ${v}`)], [])
  const status = await page.evaluate(() => ({ errors: document.body.dataset.errors, text: document.getElementById('status').textContent }))
  assert.equal(status.errors, undefined, `the page reported: ${status.text}`)
}

const runCount = (page) => page.evaluate(() => Number(document.body.dataset.runs ?? 0))

/** Does `action` and waits until the page has run at least `runs` more times and is idle. */
async function afterRuns (page, action, runs = 1) {
  const before = await runCount(page)
  await action()
  await page.waitForFunction(({ target }) => {
    const b = document.body.dataset
    return b.errors || (Number(b.runs ?? 0) >= target && b.state === 'idle')
  }, { target: before + runs }, { timeout: TIMEOUT })
  return lastRun(page)
}

const lastRun = (page) => page.evaluate(() => {
  const run = window.facewasmDemo.lastRun
  const errors = document.body.dataset.errors
  if (errors) return { error: document.getElementById('status').textContent }
  return { summary: run.summary, task: run.task, realm: run.realm, fps: run.fps, timings: run.timings, matches: run.matches }
})

/** Sets controls as a user would (change events included); returns once the page is idle again. */
async function configure (page, settings) {
  await page.evaluate((settings) => {
    for (const [id, value] of Object.entries(settings)) {
      const input = id === 'realm' ? document.querySelector(`input[name=realm][value=${value}]`) : document.getElementById(id)
      if (input.type === 'checkbox') input.checked = value
      else if (input.type === 'radio') input.checked = true
      else input.value = value
      input.dispatchEvent(new Event('change', { bubbles: true }))
    }
  }, settings)
  await page.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: TIMEOUT })
}

/** Every per-face net this build has, switched on. */
const everyToggle = (available) => ({
  landmarks: available.landmarks,
  'landmarks-tiny': false,
  expressions: available.expressions,
  'age-gender': available.ageAndGender,
  descriptors: available.descriptors && available.matching
})

// With ../shared the page loads face-api.js's weight folder (it has MTCNN's, which npm lacks).
const WEIGHTS = hasShared ? sharedPath('models') : modelsDir
const WEIGHT_FILES = {
  tinyFaceDetector: 'tiny_face_detector_model', ssdMobilenetv1: 'ssd_mobilenetv1_model', mtcnn: 'mtcnn_model'
}
const hasWeights = (net) => existsSync(path.join(WEIGHTS, `${WEIGHT_FILES[net]}-weights_manifest.json`))

const NET_OF_TASK = (task) => [task.detector,
  task.landmarks && (task.landmarks === 'tiny' ? 'faceLandmark68TinyNet' : 'faceLandmark68Net'),
  task.descriptors && 'faceRecognitionNet', task.expressions && 'faceExpressionNet', task.ageAndGender && 'ageGenderNet'
].filter(Boolean)

async function nodeSummary (pixels, task) {
  for (const net of NET_OF_TASK(task)) if (!faceapi.nets[net].isLoaded) await faceapi.nets[net].loadFromDisk(WEIGHTS)
  const data = new Uint8ClampedArray(Buffer.from(pixels.base64, 'base64'))
  return summarize(await runTask({ data, width: pixels.width, height: pixels.height }, task))
}

test('the demo loads under the strict CSP, says which build runs, and offers what this build has', { skip: noBrowser, timeout: TIMEOUT }, async (t) => {
  const { page, problems, available } = await openDemo()
  assert.equal(available.detectors.tinyFaceDetector, true)
  for (const [net, ok] of Object.entries(available.detectors)) {
    assert.equal(ok, !!faceapi.nets[net], `detector ${net}`)
    const disabled = await page.evaluate((net) => document.querySelector(`#detector option[value=${net}]`).disabled, net)
    assert.equal(disabled, !ok, `${net} option disabled`)
  }
  t.diagnostic(`available: ${JSON.stringify(available)}`)
  const samples = await page.evaluate(() => document.querySelectorAll('#samples button').length)
  assert.equal(samples, 6)
  await afterRuns(page, () => page.click('#samples button[data-sample="1"]'))
  const progress = await page.evaluate(() => ({ value: document.getElementById('progress').value, hidden: document.getElementById('loading').hidden }))
  assert.deepEqual(progress, { value: 1, hidden: true }, 'the progress bar ran to the end and was put away')
  const flavor = await page.evaluate(() => document.getElementById('engine').dataset.flavor)
  assert.equal(flavor, 'simd128')
  assert.match(await page.textContent('#engine'), /SIMD128/)
  await assertClean(page, problems)
  await page.close()
})

test('without wasm SIMD the page runs the scalar fallback and says so', { skip: noBrowser, timeout: TIMEOUT }, async () => {
  const { page, problems } = await watchedPage(env.browser, { viewport: { width: 1280, height: 900 } })
  // An engine without SIMD128: the library's probe module (the only tiny module validated) fails.
  await page.addInitScript(() => {
    const validate = WebAssembly.validate
    WebAssembly.validate = (bytes) => (bytes.byteLength < 64 ? false : validate(bytes))
  })
  await page.goto(`${env.server.url}/demo/?models=/models/`)
  await page.waitForFunction(() => document.body.dataset.state === 'idle')
  assert.match(await page.textContent('#engine'), /scalar fallback/)
  await configure(page, { realm: 'main' })
  const run = await afterRuns(page, () => page.click('#samples button[data-sample="1"]'))
  assert.equal(run.error, undefined)
  assert.ok(run.summary.length > 0)
  assert.equal(await page.evaluate(() => document.getElementById('engine').dataset.flavor), 'scalar')
  assert.match(await page.textContent('#engine'), /scalar fallback build/)
  assert.deepEqual(problems, [])
  await page.close()
})

test('for two images and every detector, main thread and worker give what Node computes from the same pixels', { skip: noBrowser, timeout: 6 * TIMEOUT }, async (t) => {
  const { page, problems, available } = await openDemo()
  await configure(page, everyToggle(available))
  const detectors = Object.keys(available.detectors).filter((d) => available.detectors[d])
  for (const d of detectors.filter((d) => !hasWeights(d))) t.diagnostic(`${d}: no weights in ${WEIGHTS}, not compared`)
  for (const sample of [1, 2]) {
    if (!detectors.some(hasWeights)) break
    await configure(page, { realm: 'main' })
    await afterRuns(page, () => page.click(`#samples button[data-sample="${sample}"]`))
    const pixels = await imagePixels(page, 'image')
    for (const detector of detectors.filter(hasWeights)) {
      let expected
      for (const realm of ['main', 'worker']) {
        const run = await afterRuns(page, () => configure(page, { detector, realm }), 0)
        assert.equal(run.error, undefined)
        const settled = await lastRun(page)
        assert.equal(settled.realm, realm)
        assert.equal(settled.task.detector, detector)
        expected ??= await nodeSummary(pixels, settled.task)
        assert.deepEqual(settled.summary, expected, `sample${sample}.jpg, ${detector}, ${realm}`)
        t.diagnostic(`sample${sample}.jpg ${detector} ${realm}: ${expected.length} faces` +
          `${expected[0]?.landmarks ? ', landmarks' : ''}${expected[0]?.expressions ? ', expressions' : ''}` +
          `${expected[0]?.age !== undefined ? ', age/gender' : ''}${expected[0]?.descriptor ? ', descriptors' : ''} equal to Node; ` +
          `total ${settled.timings.total.toFixed(1)} ms`)
      }
      assert.ok(expected.length > 0, `sample${sample}.jpg: ${detector} finds faces`)
    }
  }
  await assertClean(page, problems)
  await page.close()
})

test('webcam (Chromium\'s fake camera) runs frame after frame, in the worker and on the main thread', { skip: noBrowser, timeout: TIMEOUT }, async (t) => {
  const { page, problems } = await openDemo()
  for (const realm of ['worker', 'main']) {
    await configure(page, { realm })
    const before = await runCount(page)
    await page.click('#camera')
    await page.waitForFunction(({ target }) => document.body.dataset.errors || Number(document.body.dataset.runs ?? 0) >= target,
      { target: before + 8 }, { timeout: TIMEOUT })
    const run = await lastRun(page)
    assert.equal(run.error, undefined)
    assert.equal(run.realm, realm)
    assert.ok(run.fps > 0, `fps ${run.fps}`)
    const size = await page.evaluate(() => { const v = document.getElementById('video'); return [v.videoWidth, v.videoHeight, v.hidden] })
    assert.deepEqual(size, [640, 480, false])
    assert.match(await page.textContent('#timings'), /fps/)
    t.diagnostic(`${realm}: ${run.fps.toFixed(1)} fps, ${run.summary.length} faces in the fake camera's test pattern`)
    await page.click('#camera')
    await page.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: TIMEOUT })
  }
  // Stopped with no photo shown before: the placeholder again.
  assert.deepEqual(await page.evaluate(() => ['video', 'placeholder'].map((id) => document.getElementById(id).hidden)), [true, false])

  // A double click on the button opens one stream, which the next click stops; the photo shown
  // before the webcam comes back.
  await afterRuns(page, () => page.click('#samples button[data-sample="2"]'))
  await page.evaluate(() => {
    const devices = navigator.mediaDevices
    const open = devices.getUserMedia.bind(devices)
    window.openedStreams = []
    devices.getUserMedia = async (constraints) => { const s = await open(constraints); window.openedStreams.push(s); return s }
  })
  const before = await runCount(page)
  await page.dblclick('#camera')
  await page.waitForFunction(({ target }) => Number(document.body.dataset.runs ?? 0) >= target, { target: before + 3 }, { timeout: TIMEOUT })
  await page.click('#camera')
  await page.waitForFunction(() => document.body.dataset.state === 'idle' && window.facewasmDemo.lastRun?.media?.id === 'image', null, { timeout: TIMEOUT })
  const after = await page.evaluate(() => ({
    opened: window.openedStreams.length,
    live: window.openedStreams.flatMap((s) => s.getTracks()).filter((track) => track.readyState === 'live').length,
    shown: ['image', 'video'].map((id) => document.getElementById(id).hidden),
    src: document.getElementById('image').src
  }))
  assert.deepEqual([after.opened, after.live], [1, 0], 'streams opened, tracks still live')
  assert.deepEqual(after.shown, [false, true])
  assert.match(after.src, /sample2\.jpg$/)
  await assertClean(page, problems)
  await page.close()
})

/**
 * A still 640x480 video of sample3.jpg (centre crop) in the y4m format
 * Chromium's fake camera reads: the page draws the photo, Node converts the
 * pixels to I420 (BT.601, limited range).
 */
async function writeFaceVideo (page, file) {
  const { width, height, base64 } = await page.evaluate(async () => {
    const img = new Image()
    img.src = 'samples/sample3.jpg'
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = 640
    canvas.height = 480
    const ctx = canvas.getContext('2d')
    const sourceWidth = img.naturalHeight * 4 / 3
    ctx.drawImage(img, (img.naturalWidth - sourceWidth) / 2, 0, sourceWidth, img.naturalHeight, 0, 0, 640, 480)
    const { data } = ctx.getImageData(0, 0, 640, 480)
    let binary = ''
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000))
    return { width: 640, height: 480, base64: btoa(binary) }
  })
  const rgba = Buffer.from(base64, 'base64')
  const y = Buffer.alloc(width * height)
  const u = Buffer.alloc(width * height / 4)
  const v = Buffer.alloc(width * height / 4)
  const clamp = (x) => Math.max(0, Math.min(255, Math.round(x)))
  for (let i = 0; i < width * height; i++) {
    y[i] = clamp(16 + (65.738 * rgba[4 * i] + 129.057 * rgba[4 * i + 1] + 25.064 * rgba[4 * i + 2]) / 256)
  }
  for (let row = 0; row < height / 2; row++) {
    for (let col = 0; col < width / 2; col++) {
      let r = 0
      let g = 0
      let b = 0
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const i = 4 * ((2 * row + dy) * width + 2 * col + dx)
        r += rgba[i] / 4
        g += rgba[i + 1] / 4
        b += rgba[i + 2] / 4
      }
      u[row * width / 2 + col] = clamp(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256)
      v[row * width / 2 + col] = clamp(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256)
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v])
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`), frame, frame]))
}

test('webcam with faces (a y4m file as the fake camera): faces found, and named when labelled in a photo', { skip: noBrowser, timeout: 2 * TIMEOUT }, async (t) => {
  const video = path.join(OUTPUT, 'fake-camera.y4m')
  {
    const { page } = await openDemo()
    await writeFaceVideo(page, video)
    await page.close()
  }
  const cameraBrowser = await launchChromium([...FAKE_CAMERA_FLAGS, `--use-file-for-fake-video-capture=${video}`])
  const saved = env.browser
  env.browser = cameraBrowser
  try {
    const { page, problems, available } = await openDemo()
    const matching = available.descriptors && available.matching
    if (matching) {
      // Name the faces of the photo the camera films, then film it.
      await configure(page, { descriptors: true })
      const photo = await afterRuns(page, () => page.click('#samples button[data-sample="3"]'))
      assert.ok(photo.summary.length > 0)
      const names = ['Ann', 'Bea', 'Cat', 'Dee', 'Eve', 'Fay'].slice(0, photo.summary.length)
      for (const [i, name] of names.entries()) {
        await page.fill(`#faces .face:nth-child(${i + 1}) input`, name)
        await page.click(`#faces .face:nth-child(${i + 1}) button`)
      }
    }
    const before = await runCount(page)
    await page.click('#camera')
    await page.waitForFunction(({ target }) => document.body.dataset.errors || Number(document.body.dataset.runs ?? 0) >= target,
      { target: before + 4 }, { timeout: TIMEOUT })
    const run = await lastRun(page)
    assert.equal(run.error, undefined)
    assert.ok(run.summary.length > 0, 'faces found on the webcam')
    assert.equal(run.summary[0].imageWidth, 640)
    if (matching) {
      const named = run.matches.filter((m) => m && !m.startsWith('unknown'))
      assert.ok(named.length > 0, `no face named on the webcam: ${run.matches.join(', ')}`)
      t.diagnostic(`webcam: ${run.summary.length} faces, named ${named.join(', ')}`)
    } else {
      t.diagnostic(`webcam: ${run.summary.length} faces (matching not in this build)`)
    }
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: path.join(OUTPUT, 'demo-webcam.png') })
    await page.click('#camera')
    await assertClean(page, problems)
    await page.close()
  } finally {
    env.browser = saved
    await cameraBrowser.close()
  }
})

test('upload and drag-and-drop run the photo; a screenshot with overlays goes to test-output/', { skip: noBrowser, timeout: 2 * TIMEOUT }, async (t) => {
  const { page, problems, available } = await openDemo()
  await configure(page, { landmarks: available.landmarks, expressions: available.expressions })
  // Upload: faces.jpg (face-api.js's test photo) when ../shared is there, else a sample.
  const photo = hasShared ? sharedPath('testdata', 'images', 'faces.jpg') : path.join(SAMPLES, 'sample3.jpg')
  const uploaded = await afterRuns(page, () => page.setInputFiles('#upload', photo))
  assert.equal(uploaded.error, undefined)
  assert.ok(uploaded.summary.length > 0, 'faces found in the uploaded photo')
  if (hasShared) assert.equal(uploaded.summary[0].imageWidth, 710)
  const shot = path.join(OUTPUT, 'demo.png')
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: shot })
  t.diagnostic(`${path.basename(photo)}: ${uploaded.summary.length} faces; screenshot ${shot}`)

  // Drop: a sample image dropped on the page.
  const dropped = await afterRuns(page, () => page.evaluate(async () => {
    const blob = await (await fetch('samples/sample6.jpg')).blob()
    const transfer = new DataTransfer()
    transfer.items.add(new File([blob], 'dropped.jpg', { type: 'image/jpeg' }))
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
  }))
  assert.equal(dropped.error, undefined)
  assert.equal(dropped.summary[0]?.imageWidth ?? 1920, 1920)
  assert.match(await page.getAttribute('#image', 'src'), /^blob:/)
  await page.screenshot({ path: path.join(OUTPUT, 'demo-dropped.png') })

  // A file that is not an image, opened or dropped: said so, and the photo shown stays (and runs).
  const shownBefore = await page.getAttribute('#image', 'src')
  const notes = path.join(OUTPUT, 'notes.txt')
  writeFileSync(notes, 'not a photo\n')
  await page.setInputFiles('#upload', notes)
  await page.waitForFunction(() => /not an image/.test(document.getElementById('status').textContent))
  await page.evaluate(() => { document.getElementById('status').textContent = '' })
  await page.evaluate(() => {
    const transfer = new DataTransfer()
    transfer.items.add(new File(['not a photo'], 'notes.txt', { type: 'text/plain' }))
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
  })
  await page.waitForFunction(() => /not an image/.test(document.getElementById('status').textContent))
  assert.equal(await page.getAttribute('#image', 'src'), shownBefore)
  const rerun = await afterRuns(page, () => page.click('#landmarks'))
  assert.equal(rerun.error, undefined)
  assert.equal(rerun.summary.length, dropped.summary.length)

  // The same file opened twice, with a sample between: shown again the second time.
  await afterRuns(page, () => page.click('#samples button[data-sample="2"]'))
  const again = await afterRuns(page, () => page.setInputFiles('#upload', photo))
  assert.equal(again.summary[0]?.imageWidth, uploaded.summary[0]?.imageWidth)
  assert.match(await page.getAttribute('#image', 'src'), /^blob:/)
  await assertClean(page, problems)
  await page.close()
})

test('face matching: a face labelled in a photo is named when seen again', { timeout: 2 * TIMEOUT, skip: noBrowser }, async (t) => {
  const { page, problems, available } = await openDemo()
  if (!(available.descriptors && available.matching)) {
    t.skip('the landmark and recognition nets are not in this build yet')
    await page.close()
    return
  }
  await configure(page, { descriptors: true })
  const first = await afterRuns(page, () => page.click('#samples button[data-sample="1"]'))
  assert.ok(first.summary.length > 0)
  await page.fill('#faces .face:nth-child(1) input', 'Alice')
  await page.click('#faces .face:nth-child(1) button')
  assert.match(await page.textContent('#people'), /Alice \(1 photo\)/)
  // Seen again (in another realm, so computed afresh): the same face is Alice, the others not.
  await afterRuns(page, () => configure(page, { realm: 'main' }), 0)
  const names = await page.$$eval('#faces .face input', (inputs) => inputs.map((i) => i.value))
  assert.equal(names[0], 'Alice')
  assert.ok(names.slice(1).every((n) => n !== 'Alice'), names.join(', '))
  await page.screenshot({ path: path.join(OUTPUT, 'demo-matching.png'), fullPage: true })
  await assertClean(page, problems)
  await page.close()
})

test('the policy is in force: inline scripts and inline handlers are refused', { skip: noBrowser, timeout: TIMEOUT }, async () => {
  const { page } = await openDemo()
  const result = await page.evaluate(async () => {
    const script = document.createElement('script')
    script.textContent = 'window.inlineScriptRan = true'
    document.head.append(script)
    const img = document.createElement('img')
    img.setAttribute('onerror', 'window.inlineHandlerRan = true')
    img.src = 'data:,not-an-image'
    document.body.append(img)
    await new Promise((resolve) => setTimeout(resolve, 200))
    return { script: window.inlineScriptRan ?? false, handler: window.inlineHandlerRan ?? false, violations: window.cspViolations ?? [] }
  })
  assert.deepEqual([result.script, result.handler], [false, false])
  assert.ok(result.violations.some((v) => v.startsWith('script-src')), result.violations.join(', '))
  await page.close()
})
