// Type-checked against js/index.d.ts through the installed package (tests/package.test.mjs).
import * as faceapi from 'facewasm'
import { FaceDetection, TinyFaceDetectorOptions } from 'facewasm'

export async function findFaces (modelDir: string, pixels: faceapi.ImageDataLike): Promise<number[]> {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir)
  const options = new TinyFaceDetectorOptions({ inputSize: 320, scoreThreshold: 0.4 })
  const faces: FaceDetection[] = await faceapi.detectAllFaces(pixels, options)
  const best: FaceDetection | undefined = await faceapi.detectSingleFace(pixels, options)
  const box: faceapi.Box = faces[0]?.box ?? new faceapi.Rect(0, 0, 1, 1)
  const raw: Float32Array = await faceapi.nets.tinyFaceDetector.forward(pixels, 320)
  const flavor: 'simd128' | 'scalar' | 'threads' | 'custom' | null = faceapi.wasmFlavor()
  void flavor
  void raw
  return [faces.length, box.area, best?.score ?? 0, faces[0]?.forSize(100, 100).box.width ?? 0]
}

export async function withThreads (): Promise<number> {
  const supported: boolean = faceapi.threadsSupported()
  const running: number = supported ? await faceapi.setThreads('auto') : await faceapi.setThreads(1)
  return running + faceapi.threadCount()
}

export async function findFacesSsd (modelDir: string, pixels: faceapi.ImageDataLike): Promise<number> {
  await faceapi.loadSsdMobilenetv1Model(modelDir)
  const all: FaceDetection[] = await faceapi.detectAllFaces(pixels)
  const strict = await faceapi.detectAllFaces(pixels, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.7, maxResults: 5 }))
  const single: FaceDetection | undefined = await faceapi.detectSingleFace(pixels)
  const raw: faceapi.SsdMobilenetv1Outputs = await faceapi.nets.ssdMobilenetv1.forward(pixels)
  const located: FaceDetection[] = await faceapi.nets.ssdMobilenetv1.locateFaces(pixels, { minConfidence: 0.6 })
  return all.length + strict.length + located.length + (single?.score ?? 0) + raw.scores.length
}

export function drawAll (canvas: HTMLCanvasElement, faces: FaceDetection[]): void {
  faceapi.draw.drawDetections(canvas, faces)
  new faceapi.draw.DrawBox({ x: 1, y: 2, width: 3, height: 4 }, { label: 'face', boxColor: 'red' }).draw(canvas)
  new faceapi.draw.DrawTextField(['a', 'b'], { x: 0, y: 0 }, { anchorPosition: faceapi.draw.AnchorPosition.TOP_LEFT }).draw(canvas)
}

export function handle (error: unknown): string {
  return error instanceof faceapi.FacewasmError ? error.message : String(error)
}

// The worker helper ('facewasm/worker').
import { FaceApiWorker, FaceApiWorkerPool, fromTransferable, toTransferable, type FaceTask } from 'facewasm/worker'

export async function inWorker (worker: Worker, bitmap: ImageBitmap): Promise<number> {
  const fw = new FaceApiWorker(worker)
  await fw.load('tinyFaceDetector', '/models')
  const task: FaceTask = { detector: 'tinyFaceDetector', options: { inputSize: 320 }, landmarks: false }
  const faces: FaceDetection[] = await fw.run(bitmap, task)
  const { data, transfer } = toTransferable(faces)
  const copy: FaceDetection[] = fromTransferable(structuredClone(data, { transfer }))
  fw.terminate()
  return copy.length
}

export async function inWorkerPool (workers: Worker[], bitmaps: ImageBitmap[]): Promise<number[]> {
  const pool = new FaceApiWorkerPool(workers)
  await pool.load('tinyFaceDetector', '/models')
  const perImage: FaceDetection[][] = await Promise.all(bitmaps.map((bitmap) => pool.run(bitmap, { detector: 'tinyFaceDetector' })))
  const size: number = pool.size
  pool.terminate()
  return [size, ...perImage.map((faces) => faces.length)]
}

export async function mtcnnFaces (modelDir: string, pixels: faceapi.ImageDataLike): Promise<number[]> {
  await faceapi.nets.mtcnn.loadFromDisk(modelDir)
  const results: faceapi.MtcnnResult[] = await faceapi.nets.mtcnn.forward(pixels, { minFaceSize: 40 })
  const faces: FaceDetection[] = await faceapi.detectAllFaces(pixels, new faceapi.MtcnnOptions({ scoreThresholds: [0.6, 0.7, 0.8] }))
  const eyes: faceapi.Point[] = results[0]?.landmarks.positions.slice(0, 2) ?? []
  const moved: faceapi.FaceLandmarks5 | undefined = results[0]?.landmarks.shiftBy(1, 2)
  return [faces.length, eyes.length, moved?.positions.length ?? 0]
}

export async function typesMatchTheRuntime (pixels: faceapi.ImageDataLike, descriptor: Float32Array): Promise<string> {
  // Options are checked with instanceof at run time: a plain object is not an options instance.
  // @ts-expect-error
  await faceapi.detectAllFaces(pixels, { inputSize: 320, scoreThreshold: 0.5 })
  // Net-level calls take plain options, as face-api.js's do.
  await faceapi.nets.tinyFaceDetector.locateFaces(pixels, { inputSize: 320 })
  await faceapi.nets.tinyFaceDetector.loadFromUri(new URL('http://localhost/models/'))
  await faceapi.loadFaceRecognitionModel(new URL('file:///models/'))
  const matcher = new faceapi.FaceMatcher([{ descriptor }, new faceapi.LabeledFaceDescriptors('a', [descriptor])])
  // Results without descriptors cannot build a matcher.
  // @ts-expect-error
  void new faceapi.FaceMatcher([{ detection: new faceapi.FaceDetection(1, new faceapi.Rect(0, 0, 1, 1), { width: 1, height: 1 }) }])
  const restored = faceapi.FaceMatcher.fromJSON({ labeledDescriptors: [] })
  void restored
  return matcher.findBestMatch(Array.from(descriptor)).label
}
