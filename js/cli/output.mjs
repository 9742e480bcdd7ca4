// The three output formats. Each writer gets one entry per image, in input
// order: { file, faces: [{ score, box, landmarks?, descriptor?, match? }] } or
// { file, error }.
//
//   text  readable lines (errors go to stderr only)
//   json  JSON Lines: one object per image and line, written as soon as it
//         and every image before it are done, so a long run can be piped on
//   csv   a header, then one row per face; an image without faces gets one
//         row with status "no face", a failed image one with status "error"

const LANDMARK_COUNT = 68
const DESCRIPTOR_LENGTH = 128

const fixed = (v, digits) => (v === null || v === undefined ? '-' : v.toFixed(digits))

function textLines (command, entry) {
  const { file, faces } = entry
  const lines = [`${file}: ${faces.length} face${faces.length === 1 ? '' : 's'}`]
  faces.forEach((face, i) => {
    const { x, y, width, height } = face.box
    const label = face.match ? `  ${face.match.label} (distance ${fixed(face.match.distance, 3)})` : ''
    const score = face.score === null ? '  whole image' : `  score ${fixed(face.score, 3)}`
    lines.push(`  face ${i + 1}${label}${score}  x ${fixed(x, 1)}  y ${fixed(y, 1)}  width ${fixed(width, 1)}  height ${fixed(height, 1)}`)
    if (command === 'landmarks') lines.push(`    landmarks ${face.landmarks.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}`)
    if (command === 'describe') lines.push(`    descriptor ${face.descriptor.map((v) => v.toFixed(4)).join(' ')}`)
  })
  if (entry.draw) lines.push(`  annotated copy: ${entry.draw}`)
  return lines
}

function csvField (value) {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

function csvColumns (command) {
  const columns = ['file', 'face', 'status', 'score', 'x', 'y', 'width', 'height']
  if (command === 'match') columns.push('label', 'distance')
  if (command === 'landmarks') for (let i = 0; i < LANDMARK_COUNT; i++) columns.push(`x${i}`, `y${i}`)
  if (command === 'describe') for (let i = 0; i < DESCRIPTOR_LENGTH; i++) columns.push(`d${i}`)
  columns.push('error')
  return columns
}

function csvRows (command, entry) {
  const width = csvColumns(command).length
  const row = (cells) => {
    const full = [...cells]
    while (full.length < width - 1) full.push('')
    return full
  }
  if (entry.error !== undefined) return [[...row([entry.file, '', 'error']), entry.error]]
  if (entry.faces.length === 0) return [[...row([entry.file, '', 'no face']), '']]
  return entry.faces.map((face, i) => {
    const cells = [entry.file, i + 1, 'face', face.score, face.box.x, face.box.y, face.box.width, face.box.height]
    if (command === 'match') cells.push(face.match.label, face.match.distance)
    if (command === 'landmarks') for (const p of face.landmarks) cells.push(p.x, p.y)
    if (command === 'describe') cells.push(...face.descriptor)
    return [...cells, '']
  })
}

function jsonEntry (entry) {
  if (entry.error !== undefined) return { file: entry.file, error: entry.error }
  const out = { file: entry.file, faces: entry.faces }
  if (entry.draw) out.draw = entry.draw
  return out
}

/** A writer for the format: { write(entry), end() }; write(stdout text) and warn(stderr line) do the I/O. */
export function createWriter (format, command, { write, warn }) {
  if (format === 'json') {
    return {
      write (entry) {
        if (entry.error !== undefined) warn(`${entry.file}: ${entry.error}`)
        write(`${JSON.stringify(jsonEntry(entry))}\n`)
      },
      end () {}
    }
  }
  if (format === 'csv') {
    // The header comes with the first row (or at the end), so that a run that
    // stops before any image (the weights failed to load) writes nothing.
    let headerWritten = false
    const header = () => {
      if (!headerWritten) write(`${csvColumns(command).join(',')}\n`)
      headerWritten = true
    }
    return {
      write (entry) {
        header()
        if (entry.error !== undefined) warn(`${entry.file}: ${entry.error}`)
        write(csvRows(command, entry).map((cells) => `${cells.map(csvField).join(',')}\n`).join(''))
      },
      end: header
    }
  }
  return {
    write (entry) {
      if (entry.error !== undefined) warn(`${entry.file}: ${entry.error}`)
      else write(`${textLines(command, entry).join('\n')}\n`)
    },
    end () {}
  }
}
