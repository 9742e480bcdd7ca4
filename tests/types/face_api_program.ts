// A face-api.js program with only the import changed: type-checked against
// js/index.d.ts through the installed package (tests/package.test.mjs).
import * as faceapi from 'facewasm'
import {
  FaceMatcher, LabeledFaceDescriptors, type FaceLandmarks68, type FaceExpressions, type WithFaceDetection,
  type WithFaceLandmarks, type WithFaceDescriptor, type WithFaceExpressions, type WithAge, type WithGender
} from 'facewasm'

type Face = WithFaceDescriptor<WithFaceLandmarks<WithFaceDetection<{}>>>

export async function loadModels (uri: string, dir: string): Promise<boolean> {
  await faceapi.nets.ssdMobilenetv1.loadFromUri(uri)
  await faceapi.nets.tinyFaceDetector.load(uri)
  await faceapi.nets.mtcnn.loadFromDisk(dir)
  await faceapi.loadFaceLandmarkModel(uri)
  await faceapi.loadFaceLandmarkTinyModel(uri)
  await faceapi.loadFaceRecognitionModel(uri)
  await faceapi.loadFaceExpressionModel(uri)
  await faceapi.loadAgeGenderModel(uri)
  const map = await faceapi.loadWeightMap(dir, 'tiny_face_detector_model')
  const tiny = new faceapi.TinyFaceDetector()
  await tiny.loadFromWeightMap(map)
  const manifest: faceapi.WeightsManifestGroup[] = await faceapi.fetchJson(`${uri}/tiny_face_detector_model-weights_manifest.json`)
  const shards = await Promise.all(manifest[0].paths.map(async (p) => (await faceapi.fetchOrThrow(`${uri}/${p}`)).arrayBuffer()))
  await tiny.loadFromManifest(manifest, shards)
  tiny.dispose()
  return faceapi.nets.ageGenderNet.isLoaded && !tiny.isLoaded
}

export async function everyChain (input: faceapi.TNetInput): Promise<number> {
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })
  const a: Face[] = await faceapi.detectAllFaces(input, options).withFaceLandmarks().withFaceDescriptors()
  const b: WithFaceLandmarks<WithFaceDetection<{}>>[] = await faceapi.detectAllFaces(input).withFaceLandmarks(true)
  const c = await faceapi.detectAllFaces(input).withFaceLandmarks().withFaceExpressions().withAgeAndGender().withFaceDescriptors()
  const c0 = c[0]
  const expressions: FaceExpressions | undefined = c0?.expressions
  const gender: faceapi.Gender | undefined = c0?.gender
  const age: number | undefined = c0?.age
  const d: WithAge<WithGender<WithFaceExpressions<WithFaceDetection<{}>>>>[] =
    await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions().withAgeAndGender()
  const e = await faceapi.detectAllFaces(input).withAgeAndGender().withFaceExpressions()
  const f = await faceapi.detectAllFaces(input).withFaceLandmarks().withAgeAndGender().withFaceExpressions().withFaceDescriptors()
  const g = await faceapi.detectAllFaces(input).withFaceLandmarks().withFaceDescriptors().withFaceExpressions().withAgeAndGender()
  const single = await faceapi.detectSingleFace(input, new faceapi.MtcnnOptions()).withFaceLandmarks().withFaceDescriptor()
  const s2 = await faceapi.detectSingleFace(input).withFaceLandmarks().withFaceExpressions().withAgeAndGender().withFaceDescriptor()
  const s3 = await faceapi.detectSingleFace(input).withFaceExpressions().withAgeAndGender()
  const s4 = await faceapi.detectSingleFace(input).withAgeAndGender().withFaceExpressions()
  const s5 = await faceapi.detectSingleFace(input).withFaceLandmarks().withFaceDescriptor().withAgeAndGender().withFaceExpressions()
  const descriptor: Float32Array | undefined = single?.descriptor
  const landmarks: FaceLandmarks68 | undefined = s2?.landmarks
  const happy: number = s3?.expressions.happy ?? 0
  const ageOf: number = s4?.age ?? 0
  const sorted = s5?.expressions.asSortedArray()[0]?.expression
  void [expressions, gender, age, descriptor, landmarks, sorted]
  const withAlignedRect: faceapi.FaceDetection | undefined = b[0]?.alignedRect
  void withAlignedRect
  return a.length + b.length + d.length + e.length + f.length + g.length + happy + ageOf
}

export async function lowLevel (faces: faceapi.TNetInput[], scene: faceapi.TNetInput): Promise<number> {
  const batch: FaceLandmarks68[] = await faceapi.detectFaceLandmarks(faces)
  const one: FaceLandmarks68 = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(faces[0])
  const descriptors: Float32Array[] = await faceapi.computeFaceDescriptor(faces)
  const expressions: FaceExpressions = await faceapi.nets.faceExpressionNet.predictExpressions(faces[0])
  const ages: faceapi.AgeAndGenderPrediction[] = await faceapi.predictAgeAndGender(faces)
  const perScene: faceapi.FaceDetection[][] = await faceapi.locateFaces([scene, scene])
  const mtcnnResults: faceapi.MtcnnResult[] = await faceapi.mtcnn(scene, { minFaceSize: 40 })
  const crops = await faceapi.extractFaces(scene, perScene[0])
  const described: Float32Array[] = await faceapi.computeFaceDescriptor(crops)
  return batch.length + one.positions.length + descriptors.length + expressions.neutral + ages[0].age +
    mtcnnResults.length + described.length + faceapi.euclideanDistance(descriptors[0], descriptors[1])
}

export function matchFaces (known: Face[], query: Face[], labels: string[]): string[] {
  const labeled = known.map((face, i) => new LabeledFaceDescriptors(labels[i], [face.descriptor]))
  const matcher = new FaceMatcher(labeled, 0.6)
  const fromResults = new FaceMatcher(known)
  const restored = FaceMatcher.fromJSON(matcher.toJSON())
  void fromResults
  return query.map((face) => {
    const best: faceapi.FaceMatch = restored.findBestMatch(face.descriptor)
    return best.toString()
  })
}

export async function drawOnPage (video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<void> {
  const img = await faceapi.fetchImage('/images/faces.jpg')
  const displaySize = { width: video.width, height: video.height }
  faceapi.matchDimensions(canvas, displaySize)
  const results = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions({ inputSize: 320 }))
    .withFaceLandmarks(true).withFaceExpressions()
  const resized = faceapi.resizeResults(results, displaySize)
  faceapi.draw.drawDetections(canvas, resized)
  faceapi.draw.drawFaceLandmarks(canvas, resized)
  faceapi.draw.drawFaceExpressions(canvas, resized, 0.05)
  for (const r of resized) {
    new faceapi.draw.DrawBox(r.detection.box, { label: `${faceapi.utils.round(r.detection.score)}` }).draw(canvas)
    new faceapi.draw.DrawTextField([`${r.expressions.asSortedArray()[0].expression}`], r.detection.box.bottomRight,
      { fontSize: 14, anchorPosition: faceapi.draw.AnchorPosition.BOTTOM_RIGHT }).draw(canvas)
    new faceapi.draw.DrawFaceLandmarks(r.landmarks, { drawLines: true }).draw(canvas)
  }
  const square: HTMLCanvasElement = faceapi.createCanvasFromMedia(video)
  const dims: faceapi.Dimensions = faceapi.getMediaDimensions(video)
  if (!faceapi.isMediaLoaded(video)) await faceapi.awaitMediaLoaded(video)
  const ctx = faceapi.getContext2dOrThrow(faceapi.createCanvas(dims))
  faceapi.draw.drawContour(ctx, [new faceapi.Point(0, 0), new faceapi.Point(1, 1)], true)
  void [img, square]
}

export function nodeSetup (Canvas: any, Image: any, ImageData: any): boolean {
  faceapi.env.monkeyPatch({ Canvas, Image, ImageData })
  return faceapi.env.isNodejs() && faceapi.isWithFaceDetection({ detection: new faceapi.FaceDetection(0.9, new faceapi.Rect(0, 0, 1, 1), { width: 10, height: 10 }) })
}

export function geometry (): number {
  const box = new faceapi.Box({ left: 0, top: 0, right: 10, bottom: 10 })
  const kept: number[] = faceapi.nonMaxSuppression([box, new faceapi.Rect(1, 1, 10, 10)], [0.9, 0.8], 0.5)
  const predicted = new faceapi.PredictedBox(box, 1, 0.9, 0.8)
  const size: number = faceapi.TinyYolov2SizeType.MD
  return kept.length + faceapi.iou(box, predicted) + size + faceapi.sigmoid(0) + faceapi.minBbox([{ x: 1, y: 2 }]).area
}
