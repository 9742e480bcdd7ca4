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
