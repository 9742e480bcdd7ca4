// Deterministic stand-in when no photo is available: smooth gradients plus seeded noise, so
// the nets see realistic-looking (non-constant) data. It contains no faces.
export function syntheticImage (width = 640, height = 480) {
  let seed = 0x9e3779b9
  const rand = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32 } // LCG
  const data = new Uint8Array(width * height * 4)
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      const n = (rand() - 0.5) * 40
      data[i] = 255 * x / width + n
      data[i + 1] = 255 * y / height + n
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 50) + n
      data[i + 3] = 255
    }
  }
  return { data, width, height }
}
