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
