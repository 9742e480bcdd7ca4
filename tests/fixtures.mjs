// Small generated images for the tests, and a PNG encoder (with its pieces, for
// hand-made broken PNGs).
import zlib from 'node:zlib'

/** Deterministic RGBA noise with a light ellipse ("face") in the middle. */
export function noiseImage (width, height, seed = 1) {
  const data = new Uint8ClampedArray(width * height * 4)
  let s = seed >>> 0
  const random = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const inside = ((x / width - 0.5) / 0.25) ** 2 + ((y / height - 0.5) / 0.33) ** 2 < 1
      data[i] = inside ? 220 : random(); data[i + 1] = inside ? 170 : random(); data[i + 2] = inside ? 140 : random()
      data[i + 3] = 255
    }
  }
  return { data, width, height }
}

/** Deterministic RGBA: noisy background and a drawn face at (fx, fy), size fs (fractions). */
export function syntheticFace (width, height, seed = 1, { fx = 0.5, fy = 0.5, fs = 1 } = {}) {
  const data = new Uint8ClampedArray(width * height * 4)
  let s = seed >>> 0
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
  const cx = width * fx; const cy = height * fy; const rx = width * 0.25 * fs; const ry = height * 0.33 * fs
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 60 + 40 * rnd(); let g = 80 + 30 * rnd(); let b = 90 + 30 * rnd()
      if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1) {
        r = 220; g = 170; b = 140
        const eye = (ex, ey) => ((x - ex) / (rx * 0.18)) ** 2 + ((y - ey) / (ry * 0.08)) ** 2 < 1
        if (eye(cx - rx * 0.4, cy - ry * 0.25) || eye(cx + rx * 0.4, cy - ry * 0.25)) { r = 30; g = 20; b = 20 }
        if (Math.abs(y - (cy + ry * 0.45)) < ry * 0.05 && Math.abs(x - cx) < rx * 0.4) { r = 150; g = 50; b = 50 }
      }
      const i = (y * width + x) * 4
      data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255
    }
  }
  return { data, width, height }
}

function crc32 (bytes) {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk (type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** An IHDR chunk's data for 8-bit RGBA. */
export function pngHeader (width, height) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  return header
}

/** RGBA pixels as a PNG (one IDAT chunk); without `data`, black. */
export function encodePng ({ data, width, height }) {
  const raw = Buffer.alloc((width * 4 + 1) * height) // filter byte 0 on each row
  if (data) for (let y = 0; y < height; y++) raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1)
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', pngHeader(width, height)), pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0))])
}
