// The "other side" of the facewasm benchmark: face-api.js nets (@vladmandic/face-api)
// on TensorFlow.js's WebAssembly backend (XNNPACK, SIMD, one thread) in Node.
//
//   const r = await createTfjsWasmRunner({ modelDir });
//   const img = r.prepareImage(rgba, width, height);   // once per image, not timed
//   await r.tinyDetect(img, 416);                       // full face-api.js detection
//   await r.tinyForward(img, 416);                      // net forward only
//   r.disposeImage(img); r.dispose();

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
// face-api.node-wasm.js is a CommonJS bundle that require()s '@tensorflow/tfjs' and
// '@tensorflow/tfjs-backend-wasm' (not bundled) and re-exports tfjs as faceapi.tf.
// Using faceapi.tf guarantees we configure the very tfjs instance face-api runs on.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const tf = faceapi.tf;

const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

// The tfjs backend and faceapi.nets are process-global: initialise once, and use one runner
// per process (dispose() frees the shared net weights).
let backendReady = null;
const initWasmBackend = () => (backendReady ??= initWasmBackendOnce());

async function initWasmBackendOnce() {
  // In Node, tfjs-backend-wasm's Emscripten glue reads the .wasm with fs.readFileSync from
  // its own dist/ folder (the script directory). Say so explicitly, so it keeps working if
  // this file is ever bundled.
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  tf.setWasmPaths(wasmDir);
  // tfjs 4.22 already reports no multithread support under Node (flags_wasm.js returns false
  // when IS_NODE), which selects the non-threaded SIMD binary. Force it anyway so a later
  // version cannot silently switch to the threaded binary; 1 thread for XNNPACK as well.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.setThreadsCount(1);

  // Find out which binary is really instantiated: wrap WebAssembly.instantiate during init
  // only and match the byte length against the three files shipped in dist/.
  let loadedBytes = -1;
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function (src, ...rest) {
    if (src && src.byteLength !== undefined) loadedBytes = src.byteLength;
    return instantiate.call(this, src, ...rest);
  };
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
    await tf.ready();
  } finally {
    WebAssembly.instantiate = instantiate;
  }
  const wasmBinary = WASM_BINARIES.find((f) => fs.statSync(wasmDir + f).size === loadedBytes) ?? `unknown (${loadedBytes} bytes)`;

  const backendInfo = {
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: tf.getThreadsCount(), // what XNNPACK's threadpool actually got
    wasmBinary,
    tfjsVersion: tf.version.tfjs,
    tfjsBackendWasmVersion: tf.version['tfjs-backend-wasm'],
    faceapiVersion: faceapi.version,
  };
  const ok = backendInfo.backend === 'wasm' && backendInfo.simd === true && backendInfo.threads === 1
    && wasmBinary === 'tfjs-backend-wasm-simd.wasm';
  if (!ok) throw new Error(`tfjs wasm backend is not single-thread SIMD: ${JSON.stringify(backendInfo)}`);
  return backendInfo;
}

// FaceDetection -> plain object (box in original image pixels, like face-api.js returns it)
const plainDetection = (d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } });

export async function createTfjsWasmRunner({ modelDir }) {
  const info = await initWasmBackend();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  await faceapi.nets.faceExpressionNet.loadFromDisk(modelDir);
  await faceapi.nets.ageGenderNet.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  // Other nets go here later, same pattern: load once from modelDir, then add a
  // `<net>Detect/<net>Forward(handle, ...)` pair below that takes a prepareImage() handle:
  //   await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);        // SSD
  //   await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);     // landmarks
  //   await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);    // recognition
  const images = new Set(); // live prepareImage handles, freed by dispose()

  return {
    info,
    tf, // exposed for leak checks (tf.memory()) and experiments
    faceapi,

    // RGBA bytes -> int32 tensor3d [h,w,3] (alpha dropped), what tf.browser.fromPixels gives
    // and what the face-api.js reference harness feeds. Done once per image, outside timing.
    prepareImage(rgba, width, height) {
      if (rgba.length !== width * height * 4) throw new Error('rgba must be width*height*4 bytes');
      const rgb = new Int32Array(width * height * 3);
      for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
        rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
      }
      const handle = { tensor: tf.tensor3d(rgb, [height, width, 3], 'int32'), width, height };
      images.add(handle);
      return handle;
    },

    disposeImage(handle) {
      if (images.delete(handle)) handle.tensor.dispose();
    },

    // Full face-api.js tiny face detection: preprocessing, forward, box decoding, NMS.
    // tinyDetect(handle, inputSize) is the timed form; tinyDetect(rgba, width, height,
    // inputSize) is a convenience that converts (and frees) the image on each call.
    async tinyDetect(handle, ...args) {
      if (ArrayBuffer.isView(handle)) {
        const [width, height, inputSize] = args;
        const img = this.prepareImage(handle, width, height);
        try { return await this.tinyDetect(img, inputSize); } finally { this.disposeImage(img); }
      }
      const opts = new faceapi.TinyFaceDetectorOptions({ inputSize: args[0], scoreThreshold: 0.5 });
      const dets = await faceapi.detectAllFaces(handle.tensor, opts);
      return dets.map(plainDetection);
    },

    // Net forward only (pad to square + resize + the conv net), output read back so the
    // work is really done, then freed. Returns the raw output size for sanity.
    async tinyForward(handle, inputSize) {
      const out = await faceapi.nets.tinyFaceDetector.forward(handle.tensor, inputSize);
      const n = out.dataSync().length; // [1, inputSize/32, inputSize/32, 25]
      out.dispose();
      return n;
    },

    // Face expressions of a face image (the whole handle is the face): pad centred,
    // resize to 112, feature extractor, fc, softmax, probabilities read back.
    async expressions(handle) {
      return faceapi.nets.faceExpressionNet.predictExpressions(handle.tensor);
    },

    // { age, gender, genderProbability } of a face image, the same way.
    async ageAndGender(handle) {
      return faceapi.nets.ageGenderNet.predictAgeAndGender(handle.tensor);
    },

    // Face nets on a face image (a prepareImage handle): forward only (centred pad to a
    // square, resize to 112 or 150, normalize, the net), output read back, then freed.
    // net: 'faceLandmark68Net' | 'faceLandmark68TinyNet' | 'faceRecognitionNet'.
    // Returns the output's element count.
    async faceNetForward(handle, net) {
      const out = await faceapi.nets[net].forward(handle.tensor);
      const n = out.dataSync().length;
      out.dispose();
      return n;
    },

    // Full face-api.js pipeline: SSD MobileNetV1 (default options), 68 landmarks, descriptors.
    async ssdLandmarksDescriptors(handle) {
      const results = await faceapi.detectAllFaces(handle.tensor, new faceapi.SsdMobilenetv1Options())
        .withFaceLandmarks().withFaceDescriptors();
      return results.map((r) => ({ ...plainDetection(r.detection), descriptor: r.descriptor }));
    },

    // Full face-api.js pipeline: Tiny Face Detector at inputSize, 68 landmarks, descriptors.
    async tinyLandmarksDescriptors(handle, inputSize) {
      const opts = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
      const results = await faceapi.detectAllFaces(handle.tensor, opts).withFaceLandmarks().withFaceDescriptors();
      return results.map((r) => ({ ...plainDetection(r.detection), descriptor: r.descriptor }));
    },

    // Full face-api.js SSD MobileNetV1 detection with its default options.
    async ssdDetect(handle) {
      const dets = await faceapi.detectAllFaces(handle.tensor, new faceapi.SsdMobilenetv1Options());
      return dets.map(plainDetection);
    },

    // SSD forward only (pad + resize to 512 + net + box decoding and scores, as
    // face-api.js's forwardInput), outputs read back, then freed. Returns the score count.
    async ssdForward(handle) {
      const { boxes, scores } = await faceapi.nets.ssdMobilenetv1.forward(handle.tensor);
      boxes[0].dataSync();
      const n = scores[0].dataSync().length; // 5118
      for (const t of [...boxes, ...scores]) t.dispose();
      return n;
    },

    dispose() {
      for (const h of images) h.tensor.dispose();
      images.clear();
      faceapi.nets.tinyFaceDetector.dispose(); // frees the weight tensors
      faceapi.nets.faceExpressionNet.dispose();
      faceapi.nets.ageGenderNet.dispose();
      faceapi.nets.faceLandmark68Net.dispose();
      faceapi.nets.faceLandmark68TinyNet.dispose();
      faceapi.nets.faceRecognitionNet.dispose();
      faceapi.nets.ssdMobilenetv1.dispose();
    },
  };
}
