// A small app as a user builds it: its files copied from the repository into
// build/, this checkout packed with `npm pack` as facewasm.tgz (the app depends
// on "file:facewasm.tgz"), and `npm ci` from the app's lockfile. node_modules
// is kept between runs, so that npm's cache makes the install quick and offline.
// The lockfile must not record an integrity for facewasm: npm would then
// install the tarball it cached under that integrity, an older checkout.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

import { repoRoot } from './shared.mjs'

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
  for (const file of ['js/wasm.mjs', 'js/index.mjs', 'js/node.mjs', 'wasm/facewasm.wasm', 'wasm/facewasm-scalar.wasm']) {
    if (!readFileSync(path.join(app, 'node_modules', 'facewasm', file)).equals(readFileSync(path.join(repoRoot, file)))) {
      throw new Error(`the facewasm installed in ${app} is not this checkout's: its ${file} differs`)
    }
  }
}
