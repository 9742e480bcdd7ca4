// A small static file server on 127.0.0.1 for browser tests: the repository at
// /, ../shared (when present) at /shared/. Serves .wasm as application/wasm.
import { createServer } from 'node:http'
import { createReadStream, statSync } from 'node:fs'
import path from 'node:path'

const TYPES = {
  '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.css': 'text/css'
}

/** Starts serving; resolves to { url, close }. `mounts` maps URL prefixes to folders. */
export function serveStatic (mounts, headers = {}) {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname)
    const [prefix, root] = Object.entries(mounts).find(([p]) => pathname.startsWith(p)) ?? []
    const file = root && path.join(root, pathname.slice(prefix.length))
    if (!file || !file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...headers })
    createReadStream(file).pipe(response)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) })
    })
  })
}
