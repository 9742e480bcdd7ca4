// Type declarations for facewasm's public API (ES module 'facewasm').

export class FacewasmError extends Error {}

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
  constructor(options?: ITinyYolov2Options)
  get inputSize(): number
  get scoreThreshold(): number
}
export class TinyFaceDetectorOptions extends TinyYolov2Options {}

export interface ISsdMobilenetv1Options { minConfidence?: number; maxResults?: number }
export class SsdMobilenetv1Options {
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
  (typeof globalThis extends { HTMLImageElement: any } ? HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas : never)

export abstract class NeuralNetwork {
  get isLoaded(): boolean
  /** A folder URL (with `<model>-weights_manifest.json`) or the manifest's URL. */
  loadFromUri(uri: string): Promise<void>
  /** Node: a folder holding the manifest and its shards, or the manifest's path. */
  loadFromDisk(path: string): Promise<void>
  /** A URL loads with fetch; in Node anything else is a path on disk. */
  load(uriOrPath: string): Promise<void>
  dispose(): void
}

export class TinyFaceDetector extends NeuralNetwork {
  locateFaces(input: TNetInput, options?: ITinyYolov2Options | TinyYolov2Options): Promise<FaceDetection[]>
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
  locateFaces(input: TNetInput, options?: ISsdMobilenetv1Options | SsdMobilenetv1Options): Promise<FaceDetection[]>
  forward(input: TNetInput): Promise<SsdMobilenetv1Outputs>
}

export const nets: {
  tinyFaceDetector: TinyFaceDetector
  ssdMobilenetv1: SsdMobilenetv1
  mtcnn: Mtcnn
}

export function loadTinyFaceDetectorModel(uriOrPath: string): Promise<void>
export function loadSsdMobilenetv1Model(uriOrPath: string): Promise<void>

export type FaceDetectionOptions = TinyFaceDetectorOptions | SsdMobilenetv1Options | MtcnnOptions

// ---- MTCNN and face landmarks ----

export interface IMtcnnOptions {
  minFaceSize?: number
  scaleFactor?: number
  maxNumScales?: number
  scoreThresholds?: number[]
  scaleSteps?: number[]
}
export class MtcnnOptions {
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
}
/** MTCNN's 5 points: left eye, right eye, nose, left and right mouth corner. */
export class FaceLandmarks5 extends FaceLandmarks {}

export interface MtcnnResult {
  detection: FaceDetection
  landmarks: FaceLandmarks5
  unshiftedLandmarks: FaceLandmarks5
  alignedRect: FaceDetection
}

export class Mtcnn extends NeuralNetwork {
  forward(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[]>
  locateFaces(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<FaceDetection[]>
  /** P-Net's raw output at one scale: rows x cols x 6 (2 logits, 4 box regressions), rows along the image's x. */
  forwardPnet(input: TNetInput, scale: number): Promise<{ rows: number; cols: number; values: Float32Array }>
}

export function loadMtcnnModel(uriOrPath: string): Promise<void>
/** face-api.js's shorthand for nets.mtcnn.forward. */
export function mtcnn(input: TNetInput, options?: IMtcnnOptions | MtcnnOptions): Promise<MtcnnResult[]>

export class DetectAllFacesTask implements PromiseLike<FaceDetection[]> {
  constructor(input: TNetInput, options?: FaceDetectionOptions)
  run(): Promise<FaceDetection[]>
  then<T1 = FaceDetection[], T2 = never>(onfulfilled?: ((value: FaceDetection[]) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: any) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2>
}

export class DetectSingleFaceTask implements PromiseLike<FaceDetection | undefined> {
  constructor(input: TNetInput, options?: FaceDetectionOptions)
  run(): Promise<FaceDetection | undefined>
  then<T1 = FaceDetection | undefined, T2 = never>(onfulfilled?: ((value: FaceDetection | undefined) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: any) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2>
}

/** Without options: SSD MobileNetV1 with its defaults, as face-api.js. */
export function detectAllFaces(input: TNetInput, options?: FaceDetectionOptions): DetectAllFacesTask
export function detectSingleFace(input: TNetInput, options?: FaceDetectionOptions): DetectSingleFaceTask

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
  interface LandmarksLike { positions: IPoint[] }
  class DrawFaceLandmarks {
    constructor(faceLandmarks: LandmarksLike, options?: IDrawFaceLandmarksOptions)
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
