// A one-line progress bar on stderr, drawn only on a terminal. Messages that
// go to stderr meanwhile, and results that go to stdout on the same terminal,
// clear the bar first, so they never mix with it.

const WIDTH = 30
const REDRAW_MS = 100

export function createProgress (total, stream = process.stderr) {
  const active = !!stream.isTTY && total > 1
  const started = Date.now()
  let done = 0
  let shown = false
  let lastDraw = 0

  const clear = () => {
    if (shown) stream.write('\r\x1b[K')
    shown = false
  }
  const draw = () => {
    const fraction = done / total
    const filled = Math.round(fraction * WIDTH)
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? done / seconds : 0
    const eta = rate > 0 ? Math.round((total - done) / rate) : null
    const etaText = eta === null ? '' : `  ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s left`
    stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}  ${rate.toFixed(1)} images/s${etaText}`)
    shown = true
    lastDraw = Date.now()
  }

  return {
    /** One more image finished. */
    tick () {
      done++
      if (active && (done === total || Date.now() - lastDraw >= REDRAW_MS)) draw()
    },
    /** Runs print (which writes whole lines to stderr or to a terminal's stdout) with the bar out of the way. */
    above (print) {
      clear()
      print()
      if (active && done > 0 && done < total) draw()
    },
    /** A line for stderr, printed above the bar. */
    message (line) {
      this.above(() => stream.write(`${line}\n`))
    },
    end () { clear() }
  }
}
