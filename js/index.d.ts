// Type declarations for facewasm's public API (ES module 'facewasm').

export class FacewasmError extends Error {}

// Names these declarations take from the DOM's lib, declared empty so that they also compile
// without it (Node, a Web Worker's lib, skipLibCheck off); with it, they merge with its own.
declare global {
  interface HTMLImageElement {}
  interface HTMLVideoElement {}
  interface HTMLCanvasElement {}
  interface CanvasRenderingContext2D {}
  interface OffscreenCanvas {}
  interface OffscreenCanvasRenderingContext2D {}
  interface ImageBitmap {}
  interface ImageData {}
  interface URL {}
  interface Blob {}
  interface RequestInit {}
  interface Response {}
  interface Worker {}
  interface MessagePort {}
  interface MessageEvent<T = any> { readonly data: T }
  namespace WebAssembly { interface Module {} }
}

/** Where the .wasm comes from: a URL, a path (Node), bytes or a compiled module. Call before loading a model. */
export function setWasmSource(source: URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module): void
/** Whether this engine runs WebAssembly SIMD128 (otherwise the scalar build is used). */
export function hasSimd(): boolean
/** The build in use once a model is loaded: 'simd128', 'scalar', 'threads' or 'custom'; null before. */
export function wasmFlavor(): 'simd128' | 'scalar' | 'threads' | 'custom' | null
/** Splits each forward across threads where the engine allows it (Node; cross-origin isolated pages); resolves to the count in use. */
export function setThreads(threads: number | 'auto'): Promise<number>
/** Threads that run each forward now (1 on the single-thread builds). */
export function threadCount(): number
/** Whether the threads build can run here (SIMD128, shared memory, workers). */
export function threadsSupported(): boolean

export interface IPoint { x: number; y: number }
export interface IDimensions { width: number; height: number }
export interface IRect { x: number; y: number; width: number; height: number }
export interface IBoundingBox { left: number; top: number; right: number; bottom: number }

export class Dimensions implements IDimensions {
  constructor(width: number, height: number)
  get width(): number
  get height(): number
  reverse(): Dimensions
}

export class Point implements IPoint {
  constructor(x: number, y: number)
  get x(): number
  get y(): number
  add(pt: IPoint): Point
  sub(pt: IPoint): Point
  mul(pt: IPoint): Point
  div(pt: IPoint): Point
  abs(): Point
  magnitude(): number
  floor(): Point
}

export class Box<BoxType = any> implements IBoundingBox, IRect {
  static isRect(rect: any): boolean
  static assertIsValidBox(box: any, callee: string, allowNegativeDimensions?: boolean): void
  constructor(box: IBoundingBox | IRect, allowNegativeDimensions?: boolean)
  get x(): number
  get y(): number
  get width(): number
  get height(): number
  get left(): number
  get top(): number
  get right(): number
  get bottom(): number
  get area(): number
  get topLeft(): Point
  get topRight(): Point
  get bottomLeft(): Point
  get bottomRight(): Point
  round(): Box<BoxType>
  floor(): Box<BoxType>
  toSquare(): Box<BoxType>
  rescale(s: IDimensions | number): Box<BoxType>
  pad(padX: number, padY: number): Box<BoxType>
  shift(sx: number, sy: number): Box<BoxType>
  clipAtImageBorders(imgWidth: number, imgHeight: number): Box<BoxType>
  /** face-api.js's MTCNN padding of the box at the image borders. */
  padAtBorders(imageHeight: number, imageWidth: number): { dy: number, edy: number, dx: number, edx: number, y: number, ey: number, x: number, ex: number, w: number, h: number }
  /** The box moved by a regression (edges as fractions of its size), squared and rounded. */
  calibrate(region: IBoundingBox): Box<BoxType>
}

export class Rect extends Box<Rect> {
  constructor(x: number, y: number, width: number, height: number, allowNegativeDimensions?: boolean)
}

export class BoundingBox extends Box<BoundingBox> {
  constructor(left: number, top: number, right: number, bottom: number, allowNegativeDimensions?: boolean)
}

export class ObjectDetection {
  constructor(score: number, classScore: number, className: string, relativeBox: IRect, imageDims: IDimensions)
  get score(): number
  get classScore(): number
  get className(): string
  get box(): Box
  get imageDims(): Dimensions
  get imageWidth(): number
  get imageHeight(): number
  get relativeBox(): Box
  forSize(width: number, height: number): ObjectDetection
}

export class FaceDetection extends ObjectDetection {
  constructor(score: number, relativeBox: IRect, imageDims: IDimensions)
  forSize(width: number, height: number): FaceDetection
}

export interface ITinyYolov2Options { inputSize?: number; scoreThreshold?: number }
export class TinyYolov2Options {
  // A private member makes the options classes nominal: detectors check instanceof, so a plain
  // { inputSize } object must not type-check where an options instance is needed.
  protected _name: string
  constructor(options?: ITinyYolov2Options)
  get inputSize(): number
  get scoreThreshold(): number
}
export class TinyFaceDetectorOptions extends TinyYolov2Options {}

export interface ISsdMobilenetv1Options { minConfidence?: number; maxResults?: number }
export class SsdMobilenetv1Options {
  protected _name: string
  constructor(options?: ISsdMobilenetv1Options)
  get minConfidence(): number
  get maxResults(): number
}

/** RGBA pixels: ImageData or anything shaped like it. */
export interface ImageDataLike { data: Uint8Array | Uint8ClampedArray; width: number; height: number }

/**
 * An image: in Node a file path or encoded JPEG/PNG bytes; anywhere RGBA pixels;
 * in a browser also media elements, canvases, bitmaps or an element id.
 */
export type TNetInput = string | Uint8Array | ArrayBuffer | ImageDataLike |
  (typeof globalThis extends { HTMLImageElement: any } ? HTMLImageElement | HTMLVideoElement | HTMLCanvasElement : never) |
  // a Web Worker's lib has bitmaps and offscreen canvases without the DOM's elements
  (typeof globalThis extends { ImageBitmap: any } ? ImageBitmap | OffscreenCanvas : never)

export class LabeledBox extends Box<LabeledBox> {
  static assertIsValidLabeledBox(box: any, callee: string): void
  constructor(box: IBoundingBox | IRect, label: number)
  get label(): number
}

export class PredictedBox extends LabeledBox {
  static assertIsValidPredictedBox(box: any, callee: string): void
  constructor(box: IBoundingBox | IRect, label: number, score: number, classScore: number)
  get score(): number
  get classScore(): number
}

// ---- nets ----

/** A weight map: tensor name -> a tf.Tensor-like value or { data, shape, dtype? } (what loadWeightMap gives). */
export interface WeightMapTensor {
  data?: Float32Array | Int32Array | number[]
  shape: number[]
  dtype?: 'float32' | 'int32'
  dataSync?(): Float32Array | Int32Array | Uint8Array
  /** Set by loadWeightMap on quantized tensors; used while data still equals the codes' values. */
  quantization?: WeightQuantization
}
/** A quantized tensor's codes, as stored in the shard: value = code * scale + min. */
export interface WeightQuantization {
  dtype: 'uint8' | 'uint16'
  scale: number
  min: number
  codes: Uint8Array | Uint16Array
}
export type WeightMap = Record<string, WeightMapTensor>

/** One weight group of a tfjs weights manifest (`<model>-weights_manifest.json`). */
export interface WeightsManifestGroup {
  paths: string[]
  weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: 'uint8' | 'uint16'; scale: number; min: number } }[]
}

export abstract class NeuralNetwork {
  get isLoaded(): boolean
  /** A folder URL (with `<model>-weights_manifest.json`) or the manifest's URL. In Node file: URLs are read from disk. */
  loadFromUri(uri?: string | URL): Promise<void>
  /** Node: a folder holding the manifest and its shards, or the manifest's path (or its file: URL). */
  loadFromDisk(path: string | URL): Promise<void>
  /** A URL loads with fetch; in Node anything else is a path on disk. */
  load(uriOrPath: string | URL): Promise<void>
  /**
   * Weights already in memory in the published format: the manifest (parsed or its JSON text) and the shards'
   * bytes, by shard path or in the manifest's path order.
   */
  loadFromManifest(manifest: WeightsManifestGroup[] | string,
    shards: Record<string, ArrayBufferLike | ArrayBufferView> | (ArrayBufferLike | ArrayBufferView)[]): Promise<void>
  /** face-api.js's loadFromWeightMap: decoded tensors by name (tf.Tensors work too). */
  loadFromWeightMap(weightMap: WeightMap): Promise<void>
  dispose(): void
}

/** face-api.js's loadWeightMap: a model folder's (or manifest's) tensors, dequantized. Node: a path that is not a URL is read from disk. */
export function loadWeightMap(uri: string | URL, defaultModelName: string): Promise<Record<string, { data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32'; quantization?: WeightQuantization }>>

export class TinyFaceDetector extends NeuralNetwork {
  /** An array of inputs gives the faces of each. */
  locateFaces(input: TNetInput, options?: ITinyYolov2Options | TinyYolov2Options): Promise<FaceDetection[]>
  locateFaces(input: TNetInput[], options?: ITinyYolov2Options | TinyYolov2Options): Promise<FaceDetection[][]>
  /** Raw head output, (inputSize / 32)^2 x 25 values. */
  forward(input: TNetInput, inputSize?: number): Promise<Float32Array>
}

/** SSD MobileNetV1's outputs before non-max suppression, over its 5118 anchors. */
export interface SsdMobilenetv1Outputs {
  /** [5118 x 4] raw box regressions */
  boxPredictions: Float32Array
  /** [5118 x 3] raw class logits; the face score is sigmoid of index 1 */
  classPredictions: Float32Array
  /** [5118 x 4] decoded (ymin, xmin, ymax, xmax), relative to the padded 512x512 square */
  boxes: Float32Array
  /** [5118] face scores */
  scores: Float32Array
}

export class SsdMobilenetv1 extends NeuralNetwork {
  /** An array of inputs gives the faces of each. */
  locateFaces(input: TNetInput, options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[]>
  locateFaces(input: TNetInput[], options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[][]>
  forward(input: TNetInput): Promise<SsdMobilenetv1Outputs>
  /** 'int16' (default): 1x1 convolutions on int16 activations and the 8-bit weights; 'float32': every layer in float32. */
  setPrecision(precision: 'int16' | 'float32'): void
  readonly precision: 'int16' | 'float32'
}
/** face-api.js's older name for SsdMobilenetv1. */
export { SsdMobilenetv1 as FaceDetectionNet }

export type FaceDetectionOptions = TinyFaceDetectorOptions | SsdMobilenetv1Options | MtcnnOptions | TinyYolov2Options

// ---- MTCNN and face landmarks ----

export interface IMtcnnOptions {
  minFaceSize?: number
  scaleFactor?: number
  maxNumScales?: number
  scoreThresholds?: number[]
  scaleSteps?: number[]
}
export class MtcnnOptions {
  protected _name: string
  constructor(options?: IMtcnnOptions)
  get minFaceSize(): number
  get scaleFactor(): number
  get maxNumScales(): number
  get scoreThresholds(): number[]
  get scaleSteps(): number[] | undefined
}

export class FaceLandmarks {
  constructor(relativeFaceLandmarkPositions: Point[], imgDims: IDimensions, shift?: Point)
  get shift(): Point
  get imageWidth(): number
  get imageHeight(): number
  get positions(): Point[]
  get relativePositions(): Point[]
  forSize<T extends FaceLandmarks>(this: T, width: number, height: number): T
  shiftBy<T extends FaceLandmarks>(this: T, x: number, y: number): T
  shiftByPoint<T extends FaceLandmarks>(this: T, pt: IPoint): T
  align(detection?: FaceDetection | IRect | IBoundingBox | null, options?: { useDlibAlignment?: boolean; minBoxPadding?: number }): Box
  alignDlib(): Box
  alignMinBbox(padding: number): Box
  getRefPointsForAlignment(): Point[]
}
/** MTCNN's 5 points: left eye, right eye, nose, left and right mouth corner. */
export class FaceLandmarks5 extends FaceLandmarks {}
export class FaceLandmarks68 extends FaceLandmarks {
  getJawOutline(): Point[]
  getLeftEyeBrow(): Point[]
  getRightEyeBrow(): Point[]
  getNose(): Point[]
  getLeftEye(): Point[]
  getRightEye(): Point[]
  getMouth(): Point[]
}

/** What Mtcnn.forward gives per face. */
export type MtcnnResult = WithFaceLandmarks<WithFaceDetection<{}>, FaceLandmarks5>

export class Mtcnn extends NeuralNetwork {
  forward(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[]>
  forward(input: TNetInput[], options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[][]>
  locateFaces(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<FaceDetection[]>
  locateFaces(input: TNetInput[], options?: IMtcnnOptions | MtcnnOptions): Promise<FaceDetection[][]>
  /** P-Net's raw output at one scale: rows x cols x 6 (2 logits, 4 box regressions), rows along the image's x. */
  forwardPnet(input: TNetInput, scale: number): Promise<{ rows: number; cols: number; values: Float32Array }>
}

// ---- the face nets (they run on face images: the whole input is the face) ----

export class FaceLandmark68Net extends NeuralNetwork {
  detectLandmarks(input: TNetInput): Promise<FaceLandmarks68>
  detectLandmarks(input: TNetInput[]): Promise<FaceLandmarks68[]>
}
export class FaceLandmark68TinyNet extends NeuralNetwork {
  detectLandmarks(input: TNetInput): Promise<FaceLandmarks68>
  detectLandmarks(input: TNetInput[]): Promise<FaceLandmarks68[]>
}
/** face-api.js's older name for FaceLandmark68Net. */
export { FaceLandmark68Net as FaceLandmarkNet }

export class FaceRecognitionNet extends NeuralNetwork {
  computeFaceDescriptor(input: TNetInput): Promise<Float32Array>
  computeFaceDescriptor(input: TNetInput[]): Promise<Float32Array[]>
}

export const FACE_EXPRESSION_LABELS: readonly FaceExpression[]
export type FaceExpression = 'neutral' | 'happy' | 'sad' | 'angry' | 'fearful' | 'disgusted' | 'surprised'

export class FaceExpressions {
  constructor(probabilities: number[] | Float32Array | Float64Array)
  neutral: number
  happy: number
  sad: number
  angry: number
  fearful: number
  disgusted: number
  surprised: number
  /** Most probable first. */
  asSortedArray(): { expression: FaceExpression; probability: number }[]
}

export class FaceExpressionNet extends NeuralNetwork {
  predictExpressions(input: TNetInput): Promise<FaceExpressions>
  predictExpressions(input: TNetInput[]): Promise<FaceExpressions[]>
}

export const Gender: { readonly FEMALE: 'female'; readonly MALE: 'male' }
export type Gender = 'female' | 'male'
export interface AgeAndGenderPrediction { age: number; gender: Gender; genderProbability: number }

export class AgeGenderNet extends NeuralNetwork {
  predictAgeAndGender(input: TNetInput): Promise<AgeAndGenderPrediction>
  predictAgeAndGender(input: TNetInput[]): Promise<AgeAndGenderPrediction[]>
}

export const nets: {
  ssdMobilenetv1: SsdMobilenetv1
  tinyFaceDetector: TinyFaceDetector
  mtcnn: Mtcnn
  faceLandmark68Net: FaceLandmark68Net
  faceLandmark68TinyNet: FaceLandmark68TinyNet
  faceRecognitionNet: FaceRecognitionNet
  faceExpressionNet: FaceExpressionNet
  ageGenderNet: AgeGenderNet
}

export function loadSsdMobilenetv1Model(uriOrPath: string | URL): Promise<void>
export function loadTinyFaceDetectorModel(uriOrPath: string | URL): Promise<void>
export function loadMtcnnModel(uriOrPath: string | URL): Promise<void>
export function loadFaceLandmarkModel(uriOrPath: string | URL): Promise<void>
export function loadFaceLandmarkTinyModel(uriOrPath: string | URL): Promise<void>
export function loadFaceRecognitionModel(uriOrPath: string | URL): Promise<void>
export function loadFaceExpressionModel(uriOrPath: string | URL): Promise<void>
export function loadAgeGenderModel(uriOrPath: string | URL): Promise<void>
/** face-api.js's older name for loadSsdMobilenetv1Model. */
export function loadFaceDetectionModel(uriOrPath: string | URL): Promise<void>

// ---- low-level calls on the global nets (arrays of inputs give arrays of results) ----

export function locateFaces(input: TNetInput, options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[]>
export function locateFaces(input: TNetInput[], options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[][]>
export function ssdMobilenetv1(input: TNetInput, options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[]>
export function ssdMobilenetv1(input: TNetInput[], options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[][]>
export function tinyFaceDetector(input: TNetInput, options?: ITinyYolov2Options | TinyYolov2Options): Promise<FaceDetection[]>
export function tinyFaceDetector(input: TNetInput[], options?: ITinyYolov2Options | TinyYolov2Options): Promise<FaceDetection[][]>
/** face-api.js's shorthand for nets.mtcnn.forward. */
export function mtcnn(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[]>
export function mtcnn(input: TNetInput[], options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[][]>
export function detectFaceLandmarks(input: TNetInput): Promise<FaceLandmarks68>
export function detectFaceLandmarks(input: TNetInput[]): Promise<FaceLandmarks68[]>
export function detectLandmarks(input: TNetInput): Promise<FaceLandmarks68>
export function detectLandmarks(input: TNetInput[]): Promise<FaceLandmarks68[]>
export function detectFaceLandmarksTiny(input: TNetInput): Promise<FaceLandmarks68>
export function detectFaceLandmarksTiny(input: TNetInput[]): Promise<FaceLandmarks68[]>
export function computeFaceDescriptor(input: TNetInput): Promise<Float32Array>
export function computeFaceDescriptor(input: TNetInput[]): Promise<Float32Array[]>
export function recognizeFaceExpressions(input: TNetInput): Promise<FaceExpressions>
export function recognizeFaceExpressions(input: TNetInput[]): Promise<FaceExpressions[]>
export function predictAgeAndGender(input: TNetInput): Promise<AgeAndGenderPrediction>
export function predictAgeAndGender(input: TNetInput[]): Promise<AgeAndGenderPrediction[]>

// ---- chain results ----

export type WithFaceDetection<TSource> = TSource & { detection: FaceDetection }
export type WithFaceLandmarks<TSource extends WithFaceDetection<{}>, TFaceLandmarks extends FaceLandmarks = FaceLandmarks68> =
  TSource & { landmarks: TFaceLandmarks; unshiftedLandmarks: TFaceLandmarks; alignedRect: FaceDetection }
export type WithFaceDescriptor<TSource> = TSource & { descriptor: Float32Array }
export type WithFaceExpressions<TSource> = TSource & { expressions: FaceExpressions }
export type WithAge<TSource> = TSource & { age: number }
export type WithGender<TSource> = TSource & { gender: Gender; genderProbability: number }

export function extendWithFaceDetection<TSource>(sourceObj: TSource, detection: FaceDetection): WithFaceDetection<TSource>
export function extendWithFaceLandmarks<TSource extends WithFaceDetection<{}>, TFaceLandmarks extends FaceLandmarks = FaceLandmarks68>(
  sourceObj: TSource, unshiftedLandmarks: TFaceLandmarks): WithFaceLandmarks<TSource, TFaceLandmarks>
export function extendWithFaceDescriptor<TSource>(sourceObj: TSource, descriptor: Float32Array): WithFaceDescriptor<TSource>
export function extendWithFaceExpressions<TSource>(sourceObj: TSource, expressions: FaceExpressions): WithFaceExpressions<TSource>
export function extendWithAge<TSource>(sourceObj: TSource, age: number): WithAge<TSource>
export function extendWithGender<TSource>(sourceObj: TSource, gender: Gender, genderProbability: number): WithGender<TSource>

export function isWithFaceDetection(obj: any): obj is WithFaceDetection<{}>
export function isWithFaceLandmarks(obj: any): obj is WithFaceLandmarks<WithFaceDetection<{}>, FaceLandmarks>
export function isWithFaceExpressions(obj: any): obj is WithFaceExpressions<{}>
export function isWithAge(obj: any): obj is WithAge<{}>
export function isWithGender(obj: any): obj is WithGender<{}>

/** Results (or an array of them) rescaled to dimensions, e.g. the displayed size of the image. */
export function resizeResults<T>(results: T, dimensions: IDimensions): T

// ---- the chain: detectAllFaces / detectSingleFace and its tasks ----

/** A task runs when awaited (or with run()). Tasks are made by detectAllFaces / detectSingleFace and the with* calls. */
export abstract class ComposableTask<T> implements PromiseLike<T> {
  protected constructor()
  run(): Promise<T>
  then<T1 = T, T2 = never>(onfulfilled?: ((value: T) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: any) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2>
}

type Detected = { detection: FaceDetection }
type Aligned = WithFaceLandmarks<WithFaceDetection<{}>>

export abstract class DetectFacesTaskBase<TReturn> extends ComposableTask<TReturn> {}
export abstract class DetectFaceLandmarksTaskBase<TReturn> extends ComposableTask<TReturn> {}
export abstract class ComputeFaceDescriptorsTaskBase<TReturn> extends ComposableTask<TReturn> {}

export class DetectAllFacesTask extends DetectFacesTaskBase<FaceDetection[]> {
  withFaceLandmarks(useTinyLandmarkNet?: boolean): DetectAllFaceLandmarksTask<Detected>
  withFaceExpressions(): PredictAllFaceExpressionsTask<Detected>
  withAgeAndGender(): PredictAllAgeAndGenderTask<Detected>
}
export class DetectSingleFaceTask extends DetectFacesTaskBase<FaceDetection | undefined> {
  withFaceLandmarks(useTinyLandmarkNet?: boolean): DetectSingleFaceLandmarksTask<Detected>
  withFaceExpressions(): PredictSingleFaceExpressionsTask<Detected>
  withAgeAndGender(): PredictSingleAgeAndGenderTask<Detected>
}

export class DetectAllFaceLandmarksTask<TSource extends WithFaceDetection<{}>> extends DetectFaceLandmarksTaskBase<WithFaceLandmarks<TSource>[]> {
  withFaceExpressions(): PredictAllFaceExpressionsWithFaceAlignmentTask<WithFaceLandmarks<TSource>>
  withAgeAndGender(): PredictAllAgeAndGenderWithFaceAlignmentTask<WithFaceLandmarks<TSource>>
  withFaceDescriptors(): ComputeAllFaceDescriptorsTask<WithFaceLandmarks<TSource>>
}
export class DetectSingleFaceLandmarksTask<TSource extends WithFaceDetection<{}>> extends DetectFaceLandmarksTaskBase<WithFaceLandmarks<TSource> | undefined> {
  withFaceExpressions(): PredictSingleFaceExpressionsWithFaceAlignmentTask<WithFaceLandmarks<TSource>>
  withAgeAndGender(): PredictSingleAgeAndGenderWithFaceAlignmentTask<WithFaceLandmarks<TSource>>
  withFaceDescriptor(): ComputeSingleFaceDescriptorTask<WithFaceLandmarks<TSource>>
}

export class ComputeAllFaceDescriptorsTask<TSource extends Aligned> extends ComputeFaceDescriptorsTaskBase<WithFaceDescriptor<TSource>[]> {
  withFaceExpressions(): PredictAllFaceExpressionsWithFaceAlignmentTask<WithFaceDescriptor<TSource>>
  withAgeAndGender(): PredictAllAgeAndGenderWithFaceAlignmentTask<WithFaceDescriptor<TSource>>
}
export class ComputeSingleFaceDescriptorTask<TSource extends Aligned> extends ComputeFaceDescriptorsTaskBase<WithFaceDescriptor<TSource> | undefined> {
  withFaceExpressions(): PredictSingleFaceExpressionsWithFaceAlignmentTask<WithFaceDescriptor<TSource>>
  withAgeAndGender(): PredictSingleAgeAndGenderWithFaceAlignmentTask<WithFaceDescriptor<TSource>>
}

export class PredictAllFaceExpressionsTask<TSource extends WithFaceDetection<{}>> extends ComposableTask<WithFaceExpressions<TSource>[]> {
  withAgeAndGender(): PredictAllAgeAndGenderTask<WithFaceExpressions<TSource>>
}
export class PredictSingleFaceExpressionsTask<TSource extends WithFaceDetection<{}>> extends ComposableTask<WithFaceExpressions<TSource> | undefined> {
  withAgeAndGender(): PredictSingleAgeAndGenderTask<WithFaceExpressions<TSource>>
}
export class PredictAllFaceExpressionsWithFaceAlignmentTask<TSource extends Aligned> extends PredictAllFaceExpressionsTask<TSource> {
  withAgeAndGender(): PredictAllAgeAndGenderWithFaceAlignmentTask<WithFaceExpressions<TSource>>
  withFaceDescriptors(): ComputeAllFaceDescriptorsTask<WithFaceExpressions<TSource>>
}
export class PredictSingleFaceExpressionsWithFaceAlignmentTask<TSource extends Aligned> extends PredictSingleFaceExpressionsTask<TSource> {
  withAgeAndGender(): PredictSingleAgeAndGenderWithFaceAlignmentTask<WithFaceExpressions<TSource>>
  withFaceDescriptor(): ComputeSingleFaceDescriptorTask<WithFaceExpressions<TSource>>
}

export class PredictAllAgeAndGenderTask<TSource extends WithFaceDetection<{}>> extends ComposableTask<WithAge<WithGender<TSource>>[]> {
  withFaceExpressions(): PredictAllFaceExpressionsTask<WithAge<WithGender<TSource>>>
}
export class PredictSingleAgeAndGenderTask<TSource extends WithFaceDetection<{}>> extends ComposableTask<WithAge<WithGender<TSource>> | undefined> {
  withFaceExpressions(): PredictSingleFaceExpressionsTask<WithAge<WithGender<TSource>>>
}
export class PredictAllAgeAndGenderWithFaceAlignmentTask<TSource extends Aligned> extends PredictAllAgeAndGenderTask<TSource> {
  withFaceExpressions(): PredictAllFaceExpressionsWithFaceAlignmentTask<WithAge<WithGender<TSource>>>
  withFaceDescriptors(): ComputeAllFaceDescriptorsTask<WithAge<WithGender<TSource>>>
}
export class PredictSingleAgeAndGenderWithFaceAlignmentTask<TSource extends Aligned> extends PredictSingleAgeAndGenderTask<TSource> {
  withFaceExpressions(): PredictSingleFaceExpressionsWithFaceAlignmentTask<WithAge<WithGender<TSource>>>
  withFaceDescriptor(): ComputeSingleFaceDescriptorTask<WithAge<WithGender<TSource>>>
}

/** Without options: SSD MobileNetV1 with its defaults, as face-api.js. */
export function detectAllFaces(input: TNetInput, options?: FaceDetectionOptions): DetectAllFacesTask
export function detectSingleFace(input: TNetInput, options?: FaceDetectionOptions): DetectSingleFaceTask

/** face-api.js's deprecated allFaces API: detectAllFaces(...).withFaceLandmarks().withFaceDescriptors(). */
export function allFacesSsdMobilenetv1(input: TNetInput, minConfidence?: number): ComputeAllFaceDescriptorsTask<WithFaceLandmarks<Detected>>
export function allFacesMtcnn(input: TNetInput, forwardParams?: IMtcnnOptions): ComputeAllFaceDescriptorsTask<WithFaceLandmarks<Detected>>
export function allFaces(input: TNetInput, minConfidence?: number): ComputeAllFaceDescriptorsTask<WithFaceLandmarks<Detected>>

// ---- matching ----

export function euclideanDistance(arr1: number[] | Float32Array, arr2: number[] | Float32Array): number

export class FaceMatch {
  constructor(label: string, distance: number)
  get label(): string
  get distance(): number
  toString(withDistance?: boolean): string
}

export class LabeledFaceDescriptors {
  constructor(label: string, descriptors: Float32Array[])
  get label(): string
  get descriptors(): Float32Array[]
  toJSON(): { label: string; descriptors: number[][] }
  static fromJSON(json: { label: string; descriptors: number[][] }): LabeledFaceDescriptors
}

type MatcherInput = LabeledFaceDescriptors | { descriptor: Float32Array } | Float32Array

export class FaceMatcher {
  /** distanceThreshold: default 0.6. */
  constructor(inputs: MatcherInput | MatcherInput[], distanceThreshold?: number)
  get labeledDescriptors(): LabeledFaceDescriptors[]
  get distanceThreshold(): number
  computeMeanDistance(queryDescriptor: Float32Array | number[], descriptors: Float32Array[]): number
  matchDescriptor(queryDescriptor: Float32Array | number[]): FaceMatch
  /** The closest label, or 'unknown' at or beyond the threshold. */
  findBestMatch(queryDescriptor: Float32Array | number[]): FaceMatch
  toJSON(): { distanceThreshold: number; labeledDescriptors: { label: string; descriptors: number[][] }[] }
  /** distanceThreshold: default 0.6. */
  static fromJSON(json: { distanceThreshold?: number; labeledDescriptors: { label: string; descriptors: number[][] }[] }): FaceMatcher
}

// ---- images, media and canvases ----

/** In Node (no canvas): RGBA pixels. */
type ImageOut = (typeof globalThis extends { HTMLCanvasElement: any } ? HTMLCanvasElement : never) | ImageDataLike
type LoadedImage = (typeof globalThis extends { HTMLImageElement: any } ? HTMLImageElement : never) | ImageDataLike

/** The faces' image regions: canvases in a browser, RGBA pixels in Node. */
export function extractFaces(input: TNetInput, detections: (FaceDetection | IRect)[]): Promise<ImageOut[]>

/** fetch through env (file: URLs read from disk in Node), failing with face-api.js's message on HTTP status >= 400. */
export function fetchOrThrow(url: string | URL, init?: RequestInit): Promise<Response>
export function fetchJson<T = any>(uri: string | URL): Promise<T>
/** Browser: an HTMLImageElement; Node: the decoded RGBA pixels. */
export function fetchImage(uri: string | URL): Promise<LoadedImage>
/** Browser: an HTMLImageElement; Node: the decoded RGBA pixels. */
export function bufferToImage(buf: Blob): Promise<LoadedImage>

type MediaElement = HTMLImageElement | HTMLVideoElement | HTMLCanvasElement
export function isMediaLoaded(media: MediaElement): boolean
export function awaitMediaLoaded(media: MediaElement): Promise<unknown>
export function isMediaElement(input: any): boolean
export function getMediaDimensions(input: MediaElement | IDimensions): Dimensions
export function resolveInput(arg: string | any): any
export function getContext2dOrThrow(canvasArg: string | HTMLCanvasElement | CanvasRenderingContext2D): CanvasRenderingContext2D
/** Needs a canvas: the DOM's, or in Node one given with env.monkeyPatch. */
export function createCanvas(dims: IDimensions): HTMLCanvasElement
export function createCanvasFromMedia(media: MediaElement | ImageData | ImageDataLike, dims?: IDimensions): HTMLCanvasElement
export function imageToSquare(input: HTMLImageElement | HTMLCanvasElement, inputSize: number, centerImage?: boolean): HTMLCanvasElement
/** Sets input's width and height to the reference's (the media's own size with useMediaDimensions). */
export function matchDimensions(input: IDimensions, reference: IDimensions | MediaElement, useMediaDimensions?: boolean): { width: number; height: number }

export interface Environment {
  Canvas: any
  CanvasRenderingContext2D: any
  Image: any
  ImageData: any
  Video: any
  createCanvasElement(): any
  createImageElement(): any
  fetch(url: string | URL, init?: RequestInit): Promise<Response>
  readFile(filePath: string): Promise<any>
}

export const env: {
  getEnv(): Environment
  setEnv(env: Environment): void
  initialize(): void
  createBrowserEnv(): Environment
  createFileSystem(fs?: any): { readFile(filePath: string): Promise<any> }
  createNodejsEnv(): Environment
  /** As face-api.js: e.g. env.monkeyPatch({ Canvas, Image, ImageData }) from a canvas library in Node. */
  monkeyPatch(env: Partial<Environment>): void
  isBrowser(): boolean
  isNodejs(): boolean
}

// ---- small helpers ----

export function iou(box1: Box, box2: Box, isIOU?: boolean): number
export function minBbox(pts: IPoint[]): BoundingBox
export function nonMaxSuppression(boxes: Box[], scores: number[], iouThreshold: number, isIOU?: boolean): number[]
export function sigmoid(x: number): number
export function inverseSigmoid(x: number): number
export function shuffleArray<T>(inputArray: T[]): T[]

export namespace utils {
  function isFloat(num: number): boolean
  function isEven(num: number): boolean
  /** Rounded down (towards -Infinity) to prec (default 2) decimals, as face-api.js does. */
  function round(num: number, prec?: number): number
  function isDimensions(obj: any): boolean
  function computeReshapedDimensions(dims: IDimensions, inputSize: number): Dimensions
  function getCenterPoint(pts: Point[]): Point
  function range(num: number, start: number, step: number): number[]
  function isValidNumber(num: any): boolean
  function isValidProbablitiy(num: any): boolean
  function iou(box1: Box, box2: Box, isIOU?: boolean): number
  function minBbox(pts: IPoint[]): BoundingBox
  function nonMaxSuppression(boxes: Box[], scores: number[], iouThreshold: number, isIOU?: boolean): number[]
  function sigmoid(x: number): number
  function inverseSigmoid(x: number): number
  function shuffleArray<T>(inputArray: T[]): T[]
}

/** TinyYolov2Options' input sizes by name (and back). */
export enum TinyYolov2SizeType { XS = 224, SM = 320, MD = 416, LG = 608 }

export namespace draw {
  type CanvasArg = string | HTMLCanvasElement | OffscreenCanvas | CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D
  enum AnchorPosition { TOP_LEFT = 'TOP_LEFT', TOP_RIGHT = 'TOP_RIGHT', BOTTOM_LEFT = 'BOTTOM_LEFT', BOTTOM_RIGHT = 'BOTTOM_RIGHT' }
  interface IDrawTextFieldOptions {
    anchorPosition?: AnchorPosition | `${AnchorPosition}`
    backgroundColor?: string
    fontColor?: string
    fontSize?: number
    fontStyle?: string
    padding?: number
  }
  class DrawTextFieldOptions implements IDrawTextFieldOptions {
    constructor(options?: IDrawTextFieldOptions)
    anchorPosition: AnchorPosition
    backgroundColor: string
    fontColor: string
    fontSize: number
    fontStyle: string
    padding: number
  }
  class DrawTextField {
    constructor(text: string | string[] | DrawTextField, anchor: IPoint, options?: IDrawTextFieldOptions)
    text: string[]
    anchor: IPoint
    options: DrawTextFieldOptions
    measureWidth(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D): number
    measureHeight(): number
    getUpperLeft(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, canvasDims?: IDimensions): IPoint
    draw(canvasArg: CanvasArg): void
  }
  interface IDrawBoxOptions {
    boxColor?: string
    lineWidth?: number
    drawLabelOptions?: IDrawTextFieldOptions
    label?: string
  }
  class DrawBoxOptions {
    constructor(options?: IDrawBoxOptions)
    boxColor: string
    lineWidth: number
    drawLabelOptions: DrawTextFieldOptions
    label?: string
  }
  class DrawBox {
    constructor(box: IBoundingBox | IRect, options?: IDrawBoxOptions)
    box: Box
    options: DrawBoxOptions
    draw(canvasArg: CanvasArg): void
  }
  interface IDrawFaceLandmarksOptions {
    drawLines?: boolean
    drawPoints?: boolean
    lineWidth?: number
    lineColor?: string
    pointSize?: number
    pointColor?: string
  }
  class DrawFaceLandmarksOptions {
    constructor(options?: IDrawFaceLandmarksOptions)
    drawLines: boolean
    drawPoints: boolean
    lineWidth: number
    lineColor: string
    pointSize: number
    pointColor: string
  }
  function drawContour(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, points: IPoint[], isClosed?: boolean): void
  interface LandmarksLike { positions: IPoint[] }
  class DrawFaceLandmarks {
    constructor(faceLandmarks: LandmarksLike, options?: IDrawFaceLandmarksOptions)
    faceLandmarks: LandmarksLike
    options: DrawFaceLandmarksOptions
    draw(canvasArg: CanvasArg): void
  }
  type DrawDetectionsInput = FaceDetection | IRect | IBoundingBox | { detection: FaceDetection }
  function drawDetections(canvasArg: CanvasArg, detections: DrawDetectionsInput | DrawDetectionsInput[]): void
  type DrawLandmarksInput = LandmarksLike | { landmarks: LandmarksLike }
  function drawFaceLandmarks(canvasArg: CanvasArg, faceLandmarks: DrawLandmarksInput | DrawLandmarksInput[]): void
  interface ExpressionsLike { asSortedArray(): { expression: string; probability: number }[] }
  type DrawExpressionsInput = ExpressionsLike | { expressions: ExpressionsLike; detection?: FaceDetection }
  function drawFaceExpressions(canvasArg: CanvasArg, faceExpressions: DrawExpressionsInput | DrawExpressionsInput[],
    minConfidence?: number, textFieldAnchor?: IPoint): void
}
