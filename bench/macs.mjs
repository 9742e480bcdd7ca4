// Multiply-add counts of face-api.js's nets, from their layer shapes (the architectures in
// csrc/nets/*.c headers). Used by bench.mjs to turn times into GFLOP/s (2 FLOP per
// multiply-add). Cross-check: /work/shared/PERF-NOTES.md section 1.2 gives the totals
// 198.8 / 57.4 (Tiny @416 / @224), 3143.0 (SSD), 51.6 (landmark68), 28.7 (tiny),
// 270.9 (recognition), 51.5 (expression), 97.2 (age/gender) million.

const conv = (side, cin, cout, k) => side * side * cin * cout * k * k // output side x side
const dw = (side, c) => side * side * c * 9
const sep = (side, cin, cout) => dw(side, cin) + conv(side, cin, cout, 1)
const up = (x, s) => Math.ceil(x / s)

export function tinyFaceDetector (size) {
  let side = size - 2 // conv0 3x3 VALID
  let macs = conv(side, 3, 16, 3)
  side = up(side, 2)
  for (const [cin, cout, pooled] of [[16, 32, 1], [32, 64, 1], [64, 128, 1], [128, 256, 1], [256, 512, 0]]) {
    macs += sep(side, cin, cout)
    if (pooled) side = up(side, 2)
  }
  return macs + conv(side, 512, 25, 1)
}

export function ssdMobilenetv1 () {
  let side = 256
  let macs = conv(side, 3, 32, 3)
  const blocks = [[32, 64, 1], [64, 128, 2], [128, 128, 1], [128, 256, 2], [256, 256, 1], [256, 512, 2],
    [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 512, 1], [512, 1024, 2], [1024, 1024, 1]]
  for (const [cin, cout, stride] of blocks) {
    side = up(side, stride)
    macs += dw(side, cin) + conv(side, cin, cout, 1)
  }
  macs += 32 * 32 * 512 * 3 * 7 + 16 * 16 * 1024 * 6 * 7 // box predictors 0 and 1
  for (const [cin, mid, cout] of [[1024, 256, 512], [512, 128, 256], [256, 128, 256], [256, 64, 128]]) {
    macs += conv(side, cin, mid, 1)
    side = up(side, 2)
    macs += conv(side, mid, cout, 3) + side * side * cout * 6 * 7
  }
  return macs
}

// FaceFeatureExtractor: `blocks` dense blocks of `convs` convs, 32 << b channels at 56 >> b.
function featureExtractor (blocks, convs) {
  let macs = conv(56, 3, 32, 3)
  for (let b = 0; b < blocks; b++) {
    const side = 56 >> b, c = 32 << b
    if (b > 0) macs += dw(side, c / 2) + conv(side, c / 2, c, 1) // stride-2 depthwise
    macs += (convs - 1) * sep(side, c, c)
  }
  return macs
}

export const faceLandmark68Net = () => featureExtractor(4, 4) + 256 * 136
export const faceLandmark68TinyNet = () => featureExtractor(3, 3) + 128 * 136
export const faceExpressionNet = () => featureExtractor(4, 4) + 256 * 7

export function ageGenderNet () {
  let macs = conv(56, 3, 32, 3)
  for (const [side, cin, cout] of [[56, 32, 64], [28, 64, 128], [14, 128, 256]]) {
    macs += sep(side, cin, cout) + sep(side, cout, cout) + conv(up(side, 2), cin, cout, 1) // + 1x1 s2 shortcut
  }
  macs += 2 * 3 * sep(14, 128, 128) // 2 main blocks of 3 seps
  return macs + sep(7, 256, 512) + 512 * 3
}

export function faceRecognitionNet () {
  let macs = conv(72, 3, 32, 7) // stem 7x7 s2 VALID, then maxpool -> 35
  macs += 6 * conv(35, 32, 32, 3)
  // res_down: 3x3 s2 VALID then 3x3 at that size (the result is zero-padded to `side` at
  // 3 -> 4 and 1 -> 2), then plain residual blocks of two 3x3 at `side`.
  for (const [side, cin, cout, plain] of [[17, 32, 64, 3], [8, 64, 128, 2], [4, 128, 256, 2], [2, 256, 256, 0]]) {
    const downSide = side === 4 ? 3 : side === 2 ? 1 : side // (in - 3) / 2 + 1 before any zero padding
    macs += conv(downSide, cin, cout, 3) + conv(downSide, cout, cout, 3) + plain * 2 * conv(side, cout, cout, 3)
  }
  return macs + 256 * 128
}
