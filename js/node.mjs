// Node.js detection and Node's built-in modules, loaded only when a Node code
// path runs.

export const isNode = typeof process !== 'undefined' && !!process.versions?.node

/**
 * Node's built-in module `node:<name>`. The specifier is made at run time on
 * purpose: a bundler building for the browser (Vite, webpack) then leaves the
 * import as it is, instead of replacing each built-in with an empty stub and a
 * warning; in a browser these paths never run.
 */
export const nodeBuiltin = (name) => import(/* @vite-ignore */ /* webpackIgnore: true */ `node:${name}`)

/** Files this library reads whole (images, weights): more is not an image or weights it could use. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024

/**
 * A regular file's bytes (Node). Devices, pipes and directories are refused
 * before they are opened (reading /dev/zero never ends; opening a pipe waits
 * for a writer), as are files over MAX_FILE_BYTES. Throws an Error whose
 * message is the reason alone ('no such file', 'it is a directory', ...), for
 * the caller to say what it was reading.
 */
export async function readWholeFile (path) {
  const { readFile, stat } = await nodeBuiltin('fs/promises')
  try {
    const stats = await stat(path)
    if (stats.isDirectory()) throw new Error('it is a directory')
    if (!stats.isFile()) throw new Error('not a regular file')
    if (stats.size > MAX_FILE_BYTES) throw new Error(`${stats.size} bytes is more than the ${MAX_FILE_BYTES} read at most`)
    return await readFile(path)
  } catch (error) {
    throw error.code === 'ENOENT' ? new Error('no such file') : error
  }
}
