// The profiling builds (csrc/core/profile.h, make profile) and bench/profile.mjs:
// the shipped builds carry no profiling import or export; the profiling builds
// log every part of a forward, on one thread and on two, with both threads'
// work in the forks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import { profile } from '../bench/profile.mjs'

const wasm = (path) => new WebAssembly.Module(readFileSync(new URL(`../${path}`, import.meta.url)))

test('the shipped builds have no profiling hooks', () => {
  for (const path of ['wasm/facewasm.wasm', 'wasm/facewasm-scalar.wasm', 'wasm/facewasm-threads.wasm']) {
    const module = wasm(path)
    const names = [...WebAssembly.Module.imports(module), ...WebAssembly.Module.exports(module)].map((e) => e.name)
    assert.deepEqual(names.filter((name) => name.includes('profile')), [], path)
  }
  for (const path of ['build/facewasm-profile.wasm', 'build/facewasm-threads-profile.wasm']) {
    const imports = WebAssembly.Module.imports(wasm(path)).map((e) => e.name)
    assert.ok(imports.includes('fw_profile_clock'), `${path} imports its clock`)
  }
})

test('a profile of the recognition net names every layer and times both sides', async () => {
  const { recognition } = await profile({ nets: ['recognition'], runs: 6, rounds: 2 })
  const labels = recognition.rows.map((row) => row.label)
  const stages = ['conv32_1', 'conv32_2', 'conv32_3', 'conv64_down', 'conv64_1', 'conv64_2', 'conv64_3',
    'conv128_down', 'conv128_1', 'conv128_2', 'conv256_down', 'conv256_1', 'conv256_2', 'conv256_down_out']
  assert.deepEqual(labels, ['input', 'conv32_down/conv 7x7', 'conv32_down/maxpool',
    ...stages.flatMap((s) => s.includes('down') ? [`${s}/conv1`, `${s}/conv2`, `${s}/shortcut`] : [`${s}/conv1`, `${s}/conv2 + residual`]),
    'head'])
  for (const row of recognition.rows) {
    assert.ok(row.ms1 > 0 && row.ms2 > 0, `${row.label}: times ${row.ms1}, ${row.ms2}`)
    assert.ok(row.busy[0] <= row.ms2 * 1.01 && row.busy[1] <= row.ms2 * 1.01, `${row.label}: a thread worked longer than the part took`)
  }
  // The stem conv (1.2 M output values) is forked: its ranges are logged. Which thread runs them
  // depends on the machine's load (on a busy machine thread 0 may take them all), so neither the
  // split nor any timing is asserted.
  const stem = recognition.rows[1]
  assert.ok(stem.busy[0] + stem.busy[1] > 0, `stem busy ${stem.busy}`)
  // The head (a mean and one small FC) runs on thread 0 alone.
  assert.deepEqual(recognition.rows.at(-1).busy, [0, 0])
  assert.ok(recognition.total1 > 0 && recognition.total2 > 0)
})

test('profiles of the Tiny Face Detector, expression and age/gender nets name their parts', async () => {
  const { tiny, expressions, ageGender } = await profile({ nets: ['tiny', 'expressions', 'ageGender'], runs: 4, rounds: 2 })
  const separable = [1, 2, 3, 4, 5].flatMap((i) => [`conv${i}/depthwise`, `conv${i}/pointwise + maxpool`])
  assert.deepEqual(tiny.rows.map((row) => row.label), ['input', 'conv0 + maxpool', ...separable, 'conv8'])
  const dense = [0, 1, 2, 3].flatMap((b) => [`dense block ${b}/conv 0`, ...[1, 2, 3].map((k) => `dense block ${b}/conv ${k} + sum`)])
  assert.deepEqual(expressions.rows.map((row) => row.label), ['input', ...dense, 'global average', 'fc + softmax'])
  const reduction = (i) => [`reduction ${i}/separable 0`, `reduction ${i}/separable 1`, `reduction ${i}/maxpool + expansion`]
  const main = (i) => [`main block ${i}/separable 0`, `main block ${i}/separable 1`, `main block ${i}/separable 2 + sum`]
  assert.deepEqual(ageGender.rows.map((row) => row.label),
    ['input', 'conv 3x3', ...reduction(0), ...reduction(1), ...main(0), ...main(1), ...reduction(2), 'exit separable', 'head'])
  // The input conversion is split over the threads in every net (a part run on thread 0 alone logs no range).
  for (const net of [tiny, expressions, ageGender]) {
    const input = net.rows[0]
    assert.ok(input.busy[0] + input.busy[1] > 0, `input busy ${input.busy}`)
  }
})
