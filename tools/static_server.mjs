#!/usr/bin/env node
// A small static file server, shared by the browser tests and `make demo`.
// Serves .wasm as application/wasm (for compileStreaming), a folder's
// index.html for a URL ending in '/', and optional extra headers (the demo
// is served with a strict Content-Security-Policy).
//
//   node tools/static_server.mjs [--port 8080] [--host 127.0.0.1] [--no-csp] [folder]
// (without a folder: the repository, where / redirects to the demo)
import { createServer } from 'node:http'
import { createReadStream, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.css': 'text/css', '.svg': 'image/svg+xml', '.y4m': 'video/x-raw'
}

/** The policy the demo is written for: no inline scripts, no eval, wasm compilation allowed. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' blob: data:; media-src 'self' blob: mediastream:; worker-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'"

/** The file to serve for a URL path inside root: { file }, { redirect } for a folder without '/', or {}. */
function resolvePath (root, relative, endsWithSlash) {
  const full = path.join(root, relative)
  if (full !== root && !full.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return {}
  const stat = statIfAny(full)
  if (stat?.isFile()) return { file: full }
  if (!stat?.isDirectory()) return {}
  if (!endsWithSlash) return { redirect: true }
  return statIfAny(path.join(full, 'index.html'))?.isFile() ? { file: path.join(full, 'index.html') } : {}
}

/** stat, or undefined when there is nothing there (a file used as a folder too: ENOTDIR). */
function statIfAny (file) {
  try {
    return statSync(file, { throwIfNoEntry: false })
  } catch (error) {
    if (error.code === 'ENOTDIR') return undefined
    throw error
  }
}

/**
 * Starts serving; resolves to { url, close }. `mounts` maps URL prefixes to
 * folders (the first matching prefix wins); `headers` go on every 200 response;
 * `home`, if given, is where '/' redirects.
 */
export function serveStatic (mounts, headers = {}, { port = 0, host = '127.0.0.1', home } = {}) {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname)
    if (home && pathname === '/') {
      response.writeHead(302, { location: home }).end()
      return
    }
    const [prefix, root] = Object.entries(mounts).find(([p]) => pathname.startsWith(p)) ?? []
    const { file, redirect } = root ? resolvePath(path.resolve(root), pathname.slice(prefix.length), pathname.endsWith('/')) : {}
    if (redirect) {
      response.writeHead(301, { location: `${pathname}/` }).end() // /demo -> /demo/, so relative URLs resolve
      return
    }
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      ...headers
    })
    createReadStream(file).pipe(response)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      resolve({ url: `http://${host}:${server.address().port}`, close: () => new Promise((done) => server.close(done)) })
    })
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const option = (name, fallback) => {
    const i = args.indexOf(name)
    return i < 0 ? fallback : args.splice(i, 2)[1]
  }
  const port = Number(option('--port', 8080))
  const host = option('--host', '127.0.0.1')
  const csp = !args.includes('--no-csp')
  const folder = args.find((a) => !a.startsWith('--'))
  const root = folder ?? fileURLToPath(new URL('..', import.meta.url))
  const home = folder ? undefined : '/demo/' // the repository: / opens the demo
  const { url } = await serveStatic({ '/': root }, csp ? { 'content-security-policy': STRICT_CSP } : {}, { port, host, home })
  console.log(`serving ${root} on ${url}${csp ? ' (strict Content-Security-Policy)' : ''}`)
  if (home) console.log(`demo: ${url}/demo/`)
}
