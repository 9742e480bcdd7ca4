#!/usr/bin/env node
// Renders the README's screenshot of the demo (docs/demo.png) from the npm
// package's sample photo demo/samples/sample3.jpg, with every per-face net the
// build has switched on. Needs Chromium, playwright-core and `make demo-samples`.
//
//   node tools/demo-screenshot.mjs [out.png]
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { serveStatic, STRICT_CSP } from './static_server.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'demo.png'))
const server = await serveStatic({ '/': root }, { 'content-security-policy': STRICT_CSP })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu']
})
try {
  const page = await browser.newPage({ viewport: { width: 1060, height: 640 }, deviceScaleFactor: 0.8 })
  await page.goto(`${server.url}/demo/`)
  await page.waitForFunction(() => document.body.dataset.state === 'idle')
  await page.evaluate(() => {
    const { available } = window.facewasmDemo
    const set = { landmarks: available.landmarks, expressions: available.expressions, 'age-gender': available.ageAndGender }
    for (const [id, on] of Object.entries(set)) document.getElementById(id).checked = on
  })
  await page.click('#samples button[data-sample="3"]')
  await page.waitForFunction(() => document.body.dataset.runs >= 1 && document.body.dataset.state === 'idle', null, { timeout: 120_000 })
  const error = await page.evaluate(() => document.body.dataset.errors && document.getElementById('status').textContent)
  if (error) throw new Error(`the demo reported: ${error}`)
  await page.screenshot({ path: out })
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
  await server.close()
}
