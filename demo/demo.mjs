// The demo page: pick an image (samples, upload, drag and drop) or the
// webcam, choose a detector and the per-face nets, and see the results drawn
// with the library's draw API, timed per stage, in a Web Worker or on the main
// thread. Every control is enabled only when this build of the library
// provides what it needs.

import * as faceapi from '../js/index.mjs'
import { FaceApiWorker } from '../js/worker.mjs'
import { runTimed, summarize } from './pipeline.mjs'

// The weights folder: the repository's models/ (filled by `make models`), or ?models=URL (same origin).
const MODELS = new URL(new URLSearchParams(location.search).get('models') ?? '../models/', location.href).href
const SAMPLES = [1, 2, 3, 4, 5, 6].map((n) => new URL(`samples/sample${n}.jpg`, import.meta.url).href)
const $ = (id) => document.getElementById(id)

// ---- what this build of the library provides ----

const DETECTOR_OPTIONS = { ssdMobilenetv1: 'SsdMobilenetv1Options', tinyFaceDetector: 'TinyFaceDetectorOptions', mtcnn: 'MtcnnOptions' }

/** Whether detectAllFaces(...) offers these chain methods in this order (nothing runs until awaited). */
function chainHas (...methods) {
  try {
    let chain = faceapi.detectAllFaces(new ImageData(1, 1), new faceapi.TinyFaceDetectorOptions())
    for (const method of methods) {
      if (typeof chain?.[method] !== 'function') return false
      chain = chain[method]()
    }
    return true
  } catch {
    return false
  }
}

const available = {
  detectors: Object.fromEntries(Object.entries(DETECTOR_OPTIONS)
    .map(([net, options]) => [net, !!faceapi.nets[net] && typeof faceapi[options] === 'function'])),
  landmarks: !!faceapi.nets.faceLandmark68Net && chainHas('withFaceLandmarks'),
  landmarksTiny: !!faceapi.nets.faceLandmark68TinyNet && chainHas('withFaceLandmarks'),
  expressions: !!faceapi.nets.faceExpressionNet && chainHas('withFaceExpressions'),
  ageAndGender: !!faceapi.nets.ageGenderNet && chainHas('withAgeAndGender'),
  descriptors: !!faceapi.nets.faceRecognitionNet && chainHas('withFaceLandmarks', 'withFaceDescriptors'),
  matching: typeof faceapi.FaceMatcher === 'function' && typeof faceapi.LabeledFaceDescriptors === 'function'
}

function enable (id, ok, why) {
  const input = $(id)
  input.disabled = !ok
  if (!ok) {
    input.checked = false
    input.closest('label').title = why
    input.closest('label').classList.add('unavailable')
  }
}

function setUpControls () {
  const select = $('detector')
  for (const option of select.options) {
    if (!available.detectors[option.value]) {
      option.disabled = true
      option.textContent += ' (not in this build)'
    }
  }
  const first = [...select.options].find((o) => !o.disabled)
  if (first) select.value = first.value
  const missing = 'not in this build of the library yet'
  enable('landmarks', available.landmarks || available.landmarksTiny, missing)
  enable('landmarks-tiny', available.landmarksTiny, missing)
  enable('expressions', available.expressions, missing)
  enable('age-gender', available.ageAndGender, missing)
  enable('descriptors', available.descriptors && available.matching, missing)
  if (available.landmarks !== available.landmarksTiny && available.landmarksTiny) $('landmarks-tiny').checked = true
  $('matching-off').hidden = available.descriptors && available.matching
  $('matching-on').hidden = !$('matching-off').hidden
  showDetectorOptions()
}

function showDetectorOptions () {
  for (const div of document.querySelectorAll('.options')) div.hidden = div.dataset.detector !== $('detector').value
}

// ---- the task the settings describe (js/worker.mjs's runTask format) ----

const number = (id) => Number($(id).value)

function detectorOptions (detector) {
  if (detector === 'tinyFaceDetector') return { inputSize: number('tiny-input-size'), scoreThreshold: number('tiny-score-threshold') }
  if (detector === 'ssdMobilenetv1') return { minConfidence: number('ssd-min-confidence'), maxResults: number('ssd-max-results') }
  return {
    minFaceSize: number('mtcnn-min-face-size'),
    scaleFactor: number('mtcnn-scale-factor'),
    maxNumScales: number('mtcnn-max-num-scales'),
    scoreThresholds: $('mtcnn-score-thresholds').value.split(',').map(Number)
  }
}

function currentTask () {
  const detector = $('detector').value
  const descriptors = $('descriptors').checked
  const landmarks = $('landmarks').checked || descriptors ? ($('landmarks-tiny').checked ? 'tiny' : 'full') : false
  return {
    detector,
    options: detectorOptions(detector),
    landmarks,
    expressions: $('expressions').checked,
    ageAndGender: $('age-gender').checked,
    descriptors
  }
}

function netsFor (task) {
  return [
    task.detector,
    task.landmarks && (task.landmarks === 'tiny' ? 'faceLandmark68TinyNet' : 'faceLandmark68Net'),
    task.descriptors && 'faceRecognitionNet',
    task.expressions && 'faceExpressionNet',
    task.ageAndGender && 'ageGenderNet'
  ].filter(Boolean)
}

// ---- where inference runs: main thread or worker, same task, same answers ----

class Engine {
  constructor (realm) {
    this.realm = realm
    this.loading = new Map() // net name -> promise
    if (realm === 'worker') {
      this.worker = new FaceApiWorker(new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' }))
    }
  }

  load (net) {
    if (!this.loading.has(net)) {
      const promise = (this.worker ? this.worker.load(net, MODELS) : faceapi.nets[net].loadFromUri(MODELS)).catch((error) => {
        this.loading.delete(net)
        if (/HTTP 404/.test(error.message) && error.message.includes(MODELS)) error.message += ` (no ${net} weights in ${MODELS}: see the README's demo section)`
        throw error
      })
      this.loading.set(net, promise)
    }
    return this.loading.get(net)
  }

  /** Loads the nets not loaded yet, showing progress. */
  async ensureLoaded (nets) {
    const missing = nets.filter((net) => !this.loading.has(net))
    if (!missing.length) return Promise.all(nets.map((net) => this.load(net)))
    $('loading').hidden = false
    try {
      for (const [i, net] of missing.entries()) {
        $('progress').value = i / missing.length
        $('progress-text').textContent = `loading ${net} (${i + 1} of ${missing.length})`
        await this.load(net)
      }
      $('progress').value = 1
      await Promise.all(nets.map((net) => this.load(net)))
    } finally {
      $('loading').hidden = true
    }
  }

  run (input, task) {
    return this.worker ? this.worker.callWithInput('runTimed', input, [task]) : runTimed(input, task)
  }

  async flavor () { return this.worker ? this.worker.wasmFlavor() : faceapi.wasmFlavor() }
}

const engines = {}
const realm = () => document.querySelector('input[name=realm]:checked').value
const engine = () => (engines[realm()] ??= new Engine(realm()))

async function showFlavor (current) {
  const flavor = await current.flavor()
  const badge = $('engine')
  badge.className = `badge ${flavor}`
  badge.dataset.flavor = flavor
  badge.textContent = flavor === 'simd128'
    ? 'WebAssembly SIMD128 build'
    : flavor === 'scalar' ? 'scalar fallback build (no WebAssembly SIMD in this browser)' : `WebAssembly build: ${flavor}`
}

// ---- face matching ----

const people = new Map() // label -> Float32Array[]
let matcher = null

function updateMatcher () {
  matcher = people.size
    ? new faceapi.FaceMatcher([...people].map(([label, descriptors]) => new faceapi.LabeledFaceDescriptors(label, descriptors)))
    : null
  $('people').replaceChildren(...[...people].map(([label, descriptors]) => {
    const li = document.createElement('li')
    li.textContent = `${label} (${descriptors.length} ${descriptors.length === 1 ? 'photo' : 'photos'})`
    return li
  }))
}

const matchOf = (result) => (matcher && result.descriptor ? matcher.findBestMatch(result.descriptor) : null)

/** A thumbnail and a name field for each face of the current photo. */
function showFaces (results, media) {
  const faces = $('faces')
  if (!results.some((r) => r.descriptor) || media !== $('image')) {
    if (media === $('image')) faces.replaceChildren()
    return
  }
  faces.replaceChildren(...results.map((result, i) => {
    const { box } = result.detection
    const div = document.createElement('div')
    div.className = 'face'
    const thumb = document.createElement('canvas')
    thumb.width = 120
    thumb.height = 120
    const side = Math.max(box.width, box.height)
    thumb.getContext('2d').drawImage(media, box.x + box.width / 2 - side / 2, box.y + box.height / 2 - side / 2, side, side, 0, 0, 120, 120)
    const name = document.createElement('input')
    name.placeholder = `name of face ${i + 1}`
    name.value = matchOf(result)?.label.replace(/^unknown$/, '') ?? ''
    const add = document.createElement('button')
    add.type = 'button'
    add.textContent = 'Remember'
    add.addEventListener('click', () => {
      const label = name.value.trim()
      if (!label) return name.focus()
      people.set(label, [...(people.get(label) ?? []), result.descriptor])
      updateMatcher()
      draw(lastRun.results, lastRun.media)
      add.textContent = 'Remembered'
    })
    div.append(thumb, name, add)
    return div
  }))
}

// ---- drawing, with the library's draw API ----

const truncate = (x) => Math.floor(x * 100) / 100

function expressionLines (expressions) {
  const sorted = typeof expressions.asSortedArray === 'function'
    ? expressions.asSortedArray()
    : Object.entries(expressions).map(([expression, probability]) => ({ expression, probability })).sort((a, b) => b.probability - a.probability)
  return sorted.filter((e) => e.probability > 0.1).map((e) => `${e.expression} (${truncate(e.probability)})`)
}

/** Draws at the media's own resolution; lines and text scale so they read the same at any display size. */
function draw (results, media) {
  const overlay = $('overlay')
  const width = media.naturalWidth || media.videoWidth
  const height = media.naturalHeight || media.videoHeight
  if (overlay.width !== width || overlay.height !== height) {
    overlay.width = width
    overlay.height = height
  } else {
    overlay.getContext('2d').clearRect(0, 0, width, height)
  }
  const s = Math.max(1, width / (overlay.clientWidth || width))
  const text = { fontSize: 14 * s, padding: 4 * s }
  for (const result of results) {
    const detection = result instanceof faceapi.FaceDetection ? result : result.detection
    const match = matchOf(result)
    const known = match && match.label !== 'unknown'
    new faceapi.draw.DrawBox(detection.box, {
      label: match ? match.toString() : `${truncate(detection.score)}`,
      lineWidth: 2 * s,
      boxColor: known ? 'rgba(0, 150, 70, 1)' : undefined,
      drawLabelOptions: text
    }).draw(overlay)
    if (result.landmarks) new faceapi.draw.DrawFaceLandmarks(result.landmarks, { lineWidth: s, pointSize: 2 * s }).draw(overlay)
    const lines = []
    if (result.expressions) lines.push(...expressionLines(result.expressions))
    if (result.age !== undefined) lines.push(`${Math.round(result.age)} years, ${result.gender} (${truncate(result.genderProbability)})`)
    if (lines.length) new faceapi.draw.DrawTextField(lines, detection.box.bottomLeft, text).draw(overlay)
  }
}

// ---- timings ----

const STAGE_ORDER = ['detect', 'landmarks', 'descriptors', 'expressions', 'age and gender']
const frameTimes = []

function showTimings (timings, fps) {
  const rows = STAGE_ORDER.filter((stage) => timings[stage] !== undefined).map((stage) => [stage, timings[stage]])
  const inNets = rows.reduce((sum, [, ms]) => sum + ms, 0)
  rows.push(['input and other', Math.max(0, timings.total - inNets)])
  rows.push([`total (${realm() === 'worker' ? 'in the worker' : 'main thread'})`, timings.total, 'total'])
  if (timings.roundTrip !== undefined) rows.push(['round trip from the page', timings.roundTrip])
  rows.push(['draw', timings.draw])
  if (fps !== undefined) rows.push(['webcam', `${fps.toFixed(1)} fps`, 'fps'])
  $('timings').tBodies[0].replaceChildren(...rows.map(([stage, value, className]) => {
    const tr = document.createElement('tr')
    if (className) tr.className = className
    const name = document.createElement('td')
    name.textContent = stage
    const ms = document.createElement('td')
    ms.textContent = typeof value === 'number' ? value.toFixed(1) : value
    tr.append(name, ms)
    return tr
  }))
}

// ---- running ----

let source = null // 'image' | 'video'
let lastRun = null
let runs = 0
let busy = false
let again = false

function setStatus (message, isError = false) {
  $('status').textContent = message
  $('status').classList.toggle('error', isError)
}

async function runOnce () {
  const media = source === 'video' ? $('video') : $('image')
  const task = currentTask()
  const current = engine()
  await current.ensureLoaded(netsFor(task))
  if (!$('engine').dataset.flavor) await showFlavor(current)
  const start = performance.now()
  const { results, timings } = await current.run(media, task)
  if (current.worker) timings.roundTrip = performance.now() - start
  const drawStart = performance.now()
  draw(results, media)
  timings.draw = performance.now() - drawStart
  let fps
  if (source === 'video') {
    const now = performance.now()
    frameTimes.push(now)
    // Over the last 2 seconds, but at least the last two frames (slow nets give well under 1 fps).
    while (frameTimes.length > 2 && frameTimes[0] < now - 2000) frameTimes.shift()
    fps = frameTimes.length > 1 ? (frameTimes.length - 1) * 1000 / (now - frameTimes[0]) : 0
  }
  showTimings(timings, fps)
  showFaces(results, media)
  const matches = results.map((r) => matchOf(r)?.toString() ?? null)
  lastRun = { results, media, timings, fps, task, realm: current.realm, summary: summarize(results), matches }
  $('json').textContent = JSON.stringify(lastRun.summary, (key, v) => (key === 'descriptor' ? `[${v.length} numbers]` : v), 1)
  setStatus(`${results.length} ${results.length === 1 ? 'face' : 'faces'} in ${timings.total.toFixed(1)} ms` +
    (fps !== undefined ? `, ${fps.toFixed(1)} fps` : ''))
  document.body.dataset.runs = ++runs
}

/** Runs on the current image; a change while running runs once more afterwards. */
async function scheduleRun () {
  if (!source || source === 'video') return
  if (busy) {
    again = true
    return
  }
  busy = true
  document.body.dataset.state = 'busy'
  try {
    do {
      again = false
      try {
        await runOnce()
      } catch (error) {
        setStatus(error.message, true)
        document.body.dataset.errors = Number(document.body.dataset.errors ?? 0) + 1
      }
    } while (again && source === 'image')
  } finally {
    busy = false
    document.body.dataset.state = 'idle'
  }
}

// ---- sources ----

let objectUrl = null // the opened file's, while its image is the one shown
let imageUrl = null // the image shown, or last shown before the webcam
let stream = null

/**
 * Shows and runs the image at url; true once shown. An image that does not
 * decode leaves what was shown (and the webcam) as it was.
 */
async function showImage (url) {
  const candidate = new Image()
  candidate.src = url
  try {
    await candidate.decode()
  } catch {
    setStatus('that file is not an image this browser can decode', true)
    return false
  }
  stopCamera()
  const image = $('image')
  image.src = url
  await image.decode()
  imageUrl = url
  $('video').hidden = true
  image.hidden = false
  $('placeholder').hidden = true
  $('faces').replaceChildren()
  source = 'image'
  scheduleRun()
  return true
}

async function openFile (file) {
  if (!file) return
  const url = URL.createObjectURL(file)
  if (!await showImage(url)) return URL.revokeObjectURL(url)
  if (objectUrl) URL.revokeObjectURL(objectUrl)
  objectUrl = url
  for (const b of document.querySelectorAll('.samples button')) b.classList.remove('selected')
}

function setUpSamples () {
  const container = $('samples')
  for (const [i, url] of SAMPLES.entries()) {
    const button = document.createElement('button')
    button.type = 'button'
    button.title = `sample ${i + 1}`
    button.dataset.sample = i + 1
    const img = document.createElement('img')
    img.alt = `sample ${i + 1}`
    img.src = url
    img.addEventListener('error', () => {
      button.remove()
      $('samples-missing').hidden = container.children.length > 0
    })
    button.append(img)
    button.addEventListener('click', () => {
      for (const b of container.children) b.classList.toggle('selected', b === button)
      showImage(url)
    })
    container.append(button)
  }
}

async function startCamera () {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access here (it needs https or localhost)')
  // one start at a time: a second click while the camera starts would open a second stream
  const video = $('video')
  $('camera').disabled = true
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false })
    video.srcObject = stream
    await video.play()
  } finally {
    $('camera').disabled = false
  }
  $('image').hidden = true
  video.hidden = false
  $('placeholder').hidden = true
  $('camera').textContent = 'Stop webcam'
  source = 'video'
  frameTimes.length = 0
  while (busy) await new Promise((resolve) => setTimeout(resolve, 10))
  busy = true
  document.body.dataset.state = 'busy'
  try {
    while (source === 'video') {
      await runOnce()
      await new Promise((resolve) => requestAnimationFrame(resolve))
    }
  } finally {
    busy = false
    document.body.dataset.state = 'idle'
  }
  if (again && source === 'image') scheduleRun() // an image shown while the last frame ran
}

function stopCamera () {
  if (!stream) return
  for (const track of stream.getTracks()) track.stop()
  stream = null
  $('video').srcObject = null
  if (source === 'video') source = null
  $('camera').textContent = 'Start webcam'
}

/** The webcam stopped by its button: back to the image shown before it, or to the placeholder. */
function leaveCamera () {
  stopCamera()
  if (imageUrl) return showImage(imageUrl)
  $('video').hidden = true
  $('placeholder').hidden = false
  $('overlay').width = $('overlay').height = 0
  $('faces').replaceChildren()
  setStatus('')
}

// ---- wiring ----

function setUp () {
  setUpControls()
  setUpSamples()
  $('engine').textContent = faceapi.hasSimd() ? 'WebAssembly SIMD128 available' : 'no WebAssembly SIMD: scalar fallback'
  $('detector').addEventListener('change', showDetectorOptions)
  for (const input of document.querySelectorAll('#controls input:not([type=file]), #controls select')) {
    input.addEventListener('change', () => {
      if (input.id === 'landmarks' && !input.checked) $('descriptors').checked = false
      if (input.id === 'descriptors' && input.checked) $('landmarks').checked = true
      if (input.name === 'realm') delete $('engine').dataset.flavor
      scheduleRun()
    })
  }
  $('upload').addEventListener('change', (event) => {
    openFile(event.target.files[0])
    event.target.value = '' // so that opening the same file again is a change too
  })
  $('camera').addEventListener('click', () => {
    if (stream) return leaveCamera()
    startCamera().catch((error) => {
      stopCamera()
      setStatus(`webcam: ${error.message}`, true)
    })
  })
  $('forget').addEventListener('click', () => {
    people.clear()
    updateMatcher()
    if (lastRun) draw(lastRun.results, lastRun.media)
  })
  document.addEventListener('dragover', (event) => {
    event.preventDefault()
    document.body.classList.add('dragging')
  })
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'))
  document.addEventListener('drop', (event) => {
    event.preventDefault()
    document.body.classList.remove('dragging')
    const files = [...event.dataTransfer.files]
    openFile(files.find((f) => f.type.startsWith('image/')) ?? files[0]) // a file that is not an image says so
  })
  // For the browser tests and the curious: the last run's results and what this build offers.
  window.facewasmDemo = { available, get lastRun () { return lastRun } }
  document.body.dataset.state = 'idle'
}

setUp()
