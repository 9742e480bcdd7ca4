// Writes what the native test driver (tests/c/net_tests.c) reads, so that C
// code needs neither a JSON parser nor a PNG of its own:
//   <out>/<manifest>.fwt   a net's weights: for each manifest group, its
//                          entries (name, dtype code, shape, quantization) as
//                          text lines, then the group's shards concatenated
//   <out>/cases.txt        one line per reference case:
//                          case <net> <image> <n> <params...> <m> <expected...>
//   <out>/cases-quick.txt  a few of them, for valgrind
// Expected values come from face-api.js's outputs in ../shared/reference.
//
//   node tests/tools/native_fixtures.mjs OUT_DIR
//
// A new net adds one entry to NETS.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { MtcnnOptions } from '../../js/index.mjs'
import { mtcnnScales } from '../../js/mtcnn.mjs'
import { DTYPE_CODES, parseManifest } from '../../js/weights.mjs'
import { hasShared, modelsDir, readReference, sharedMissing, sharedPath } from '../shared.mjs'

// net: the driver's name for the net (NETS in tests/c/net_tests.c);
// manifest: the weight files' prefix; folder: where they are (models/ unless
// given); cases(reference, image): [[params], [expected]] for one reference
// image; quick: which of them valgrind and the failing-allocation sweep run
// (the sweep takes each net's first quick case).
const LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised']
const wholeImage = (reference) => [0, 0, reference.width, reference.height]
const cropParams = (c) => [c.x, c.y, c.width, c.height]
const points = (list) => list.flatMap((p) => [p.x, p.y])
const maleProbability = (r) => (r.gender === 'male' ? r.genderProbability : 1 - r.genderProbability)
const detections = (list) => list.flatMap((f) => [f.score, f.box.x, f.box.y, f.box.width, f.box.height])
// Crops: the whole image, then each face's crop as face-api.js took it.
// Landmarks add the shift face-api.js applies: the detection box's corner.
const onCrops = (valueOf, cropOf, shifted = false) => (reference) => [
  ...(reference.wholeImage ? [[[...wholeImage(reference), ...(shifted ? [0, 0] : [])], valueOf(reference.wholeImage)]] : []),
  ...(cropOf
    ? (reference.faces || []).map((face) => [
        [...cropParams(cropOf(face)), ...(shifted ? [face.detection.box.x, face.detection.box.y] : [])],
        valueOf(face)
      ])
    : [])
]
const onlyFace1 = (image) => image === 'face1'

const NETS = [
  {
    net: 'tiny_face_detector',
    manifest: 'tiny_face_detector_model',
    cases: (reference, image) => Object.entries(reference.tiny).map(([size, faces]) => [
      [Number(size), 0.5],
      detections(faces)
    ]),
    quick: (image, params) => ['face1', 'faces'].includes(image) && [128, 224].includes(params[0])
  },
  {
    // face-api.js's defaults: minConfidence 0.5, maxResults 100.
    net: 'ssd_mobilenetv1',
    manifest: 'ssd_mobilenetv1_model',
    cases: (reference) => [[[0.5, 100], detections(reference.ssd)]],
    quick: onlyFace1
  },
  {
    net: 'face_landmark_68',
    manifest: 'face_landmark_68_model',
    cases: onCrops((r) => points(r.landmarks68), (face) => face.landmarkCrop, true),
    quick: onlyFace1
  },
  {
    net: 'face_landmark_68_tiny',
    manifest: 'face_landmark_68_tiny_model',
    cases: onCrops((r) => points(r.landmarks68Tiny), (face) => face.landmarkCrop, true),
    quick: onlyFace1
  },
  {
    net: 'face_recognition',
    manifest: 'face_recognition_model',
    cases: onCrops((r) => r.descriptor, (face) => face.descriptorCrop),
    quick: onlyFace1
  },
  {
    net: 'face_expression',
    manifest: 'face_expression_model',
    cases: onCrops((r) => LABELS.map((k) => r.expressions[k])),
    quick: onlyFace1
  },
  {
    net: 'age_gender',
    manifest: 'age_gender_model',
    cases: onCrops((r) => [r.age, maleProbability(r)]),
    quick: onlyFace1
  },
  {
    // Weights only in ../shared/models. params: the three thresholds, then
    // the pyramid scales (face-api.js's defaults); expected: records of
    // (score, x, y, width, height, 5 landmark x, 5 landmark y).
    net: 'mtcnn',
    manifest: 'mtcnn_model',
    folder: hasShared ? sharedPath('models') : null,
    cases: (reference) => [[
      [0.6, 0.7, 0.7, ...mtcnnScales(new MtcnnOptions(), reference.height, reference.width)],
      reference.mtcnn.flatMap((f) => [f.score, f.box.x, f.box.y, f.box.width, f.box.height,
        ...f.landmarks5.map((p) => p.x), ...f.landmarks5.map((p) => p.y)])
    ]],
    quick: onlyFace1
  }
]

/** Serializes a manifest and its shards in the driver's weight table format. */
export function weightsTable (folder, manifestName) {
  const manifestPath = path.join(folder, `${manifestName}-weights_manifest.json`)
  const groups = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath)
  const parts = [Buffer.from('facewasm-weights 1\n')]
  for (const group of groups) {
    const data = Buffer.concat(group.paths.map((p) => readFileSync(path.join(folder, p))))
    const lines = group.weights.map((e) => {
      const q = e.quantization
      const dims = [...e.shape, 0, 0, 0, 0].slice(0, 4)
      return [e.name, DTYPE_CODES[`${e.dtype}/${q ? q.dtype : ''}`], e.shape.length, ...dims,
        q ? q.scale : 0, q ? q.min : 0].join(' ')
    })
    parts.push(Buffer.from(`group ${data.length} ${lines.length}\n${lines.join('\n')}\n`), data)
  }
  parts.push(Buffer.from('end\n'))
  return Buffer.concat(parts)
}

const number = (v) => (Number.isInteger(v) ? String(v) : v.toPrecision(17))

function main () {
  const out = process.argv[2]
  if (!out) throw new Error('usage: node tests/tools/native_fixtures.mjs OUT_DIR')
  mkdirSync(out, { recursive: true })
  const all = []
  const quick = []
  const skipped = []
  for (const spec of NETS) {
    const folder = 'folder' in spec ? spec.folder : modelsDir
    if (!folder || !existsSync(path.join(folder, `${spec.manifest}-weights_manifest.json`))) {
      skipped.push(`${spec.net} (no ${spec.manifest}-weights_manifest.json in ${folder || '../shared/models'})`)
      continue
    }
    writeFileSync(path.join(out, `${spec.manifest}.fwt`), weightsTable(folder, spec.manifest))
    if (!hasShared) continue
    for (const file of readdirSync(sharedPath('testdata', 'decoded')).filter((f) => f.endsWith('.png')).sort()) {
      const image = path.parse(file).name
      if (!existsSync(sharedPath('reference', `${image}.json`))) continue
      const reference = readReference(image)
      for (const [params, expected] of spec.cases(reference, image)) {
        const line = ['case', spec.net, sharedPath('testdata', 'decoded', file), params.length, ...params.map(number),
          expected.length, ...expected.map(number)].join(' ')
        all.push(line)
        if (spec.quick(image, params)) quick.push(line)
      }
    }
  }
  writeFileSync(path.join(out, 'cases.txt'), all.map((l) => `${l}\n`).join(''))
  writeFileSync(path.join(out, 'cases-quick.txt'), quick.map((l) => `${l}\n`).join(''))
  console.log(`${out}: ${all.length} reference cases (${quick.length} quick)` + (hasShared ? '' : `; ${sharedMissing}`))
  for (const net of skipped) console.log(`  skipped: ${net}`)
}

main()
