// Prints a built module's size, imports and SIMD128 instruction count, as part
// of `make`'s output, so a regression (a new import, lost SIMD) shows at once.
// Counting uses binaryen's wasm-dis, which comes with Debian's emscripten.
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

export function describeWasm (file) {
  const bytes = readFileSync(file)
  const module = new WebAssembly.Module(bytes)
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)
  const text = execFileSync('wasm-dis', [file], { maxBuffer: 1 << 28 }).toString()
  const simd = (text.match(/\b(v128|[if](8x16|16x8|32x4|64x2))\.[a-z_0-9]+/g) || []).length
  return { bytes: bytes.length, imports, simd }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  const { bytes, imports, simd } = describeWasm(file)
  console.log(`${file}: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB), ${simd} SIMD128 instructions, ` +
    `imports: ${imports.join(', ') || 'none'}`)
}
