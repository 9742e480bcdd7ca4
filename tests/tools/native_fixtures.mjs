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

import { DTYPE_CODES, parseManifest } from '../../js/weights.mjs'
import { hasShared, modelsDir, readReference, sharedMissing, sharedPath } from '../shared.mjs'

// net: the core's net name (fw_net_ops.name); manifest: the weight files' prefix;
// cases(reference, image): [[params], [expected]] for one reference image;
// quick: which of them valgrind runs.
const NETS = [
  {
    net: 'tiny_face_detector',
    manifest: 'tiny_face_detector_model',
    cases: (reference, image) => Object.entries(reference.tiny).map(([size, faces]) => [
      [Number(size), 0.5],
      faces.flatMap((f) => [f.score, f.box.x, f.box.y, f.box.width, f.box.height])
    ]),
    quick: (image, params) => ['face1', 'faces'].includes(image) && [128, 224].includes(params[0])
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
  for (const spec of NETS) {
    if (!existsSync(path.join(modelsDir, `${spec.manifest}-weights_manifest.json`))) continue // not installed
    writeFileSync(path.join(out, `${spec.manifest}.fwt`), weightsTable(modelsDir, spec.manifest))
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
}

main()
