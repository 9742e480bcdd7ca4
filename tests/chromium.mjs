// What the browser tests share: Debian's Chromium driven by playwright-core,
// a local static server, and pages that record every problem they report.
import { before, after } from 'node:test'
import { existsSync } from 'node:fs'

import { serveStatic } from '../tools/static_server.mjs'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Why the browser tests cannot run here, or false. */
export const noChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (tools/install-deps.sh installs Debian's chromium)`

// Headless and quiet: no GPU, no sandbox (CI runs as root), nothing fetched from outside.
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync']

/** Chromium's fake webcam: a test pattern (or the file given by --use-file-for-fake-video-capture), no prompt. */
export const FAKE_CAMERA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']

export async function launchChromium (extraFlags = []) {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraFlags] })
}

/**
 * Registers before/after hooks that start a static server (`mounts` and
 * `headers` as for serveStatic; `mounts` may be a function, called once the
 * earlier before hooks have run) and Chromium, unless `skip`. Returns the
 * object whose `server` and `browser` the tests use once the hooks have run.
 */
export function useChromium ({ skip = false, mounts, headers = {}, flags = [] }) {
  const env = { server: null, browser: null }
  before(async () => {
    if (skip) return
    env.server = await serveStatic(typeof mounts === 'function' ? mounts() : mounts, headers)
    env.browser = await launchChromium(flags)
  })
  after(async () => {
    await env.browser?.close()
    await env.server?.close()
  })
  return env
}

/**
 * A new page whose `problems` collects console errors, uncaught errors and
 * the console errors of its workers; with `cspViolations`, the page also
 * lists the Content-Security-Policy violations it sees in window.cspViolations.
 */
export async function watchedPage (browser, { viewport, cspViolations = false } = {}) {
  const page = await browser.newPage(viewport ? { viewport } : {})
  const problems = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('worker', (worker) => worker.on('console', (m) => { if (m.type() === 'error') problems.push(`worker console: ${m.text()}`) }))
  if (cspViolations) {
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations = [...(window.cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`]
      })
    })
  }
  return { page, problems }
}

/** tests/browser/page.html, with the library as window.faceapi. */
export async function openTestPage ({ browser, server }) {
  const { page, problems } = await watchedPage(browser)
  await page.goto(`${server.url}/tests/browser/page.html`)
  await page.waitForFunction(() => window.ready === true)
  return { page, errors: problems }
}

/** The RGBA pixels of the page's <img id=...> at its natural size (what the library reads from it), base64-encoded. */
export const imagePixels = (page, id) => page.evaluate((elementId) => {
  const img = document.getElementById(elementId)
  const canvas = document.createElement('canvas')
  canvas.width = img.naturalWidth
  canvas.height = img.naturalHeight
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  ctx.drawImage(img, 0, 0)
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
  let binary = ''
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000))
  return { width: canvas.width, height: canvas.height, base64: btoa(binary) }
}, id)
