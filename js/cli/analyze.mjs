// One image through the command's pipeline, with face-api.js's API, to plain
// data that crosses a worker boundary: { width, height, faces: [{ score, box,
// landmarks?, descriptor? }] }. Runs inside the CLI's worker threads.

import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import * as faceapi from '../index.mjs'
import { getCore } from '../wasm.mjs'
import { encodePngInCore, withInput } from '../input.mjs'
import { readWholeFile } from '../node.mjs'
import { toOptions as tinyDetectorOptions } from '../tiny_face_detector.mjs'

// Weights each net reads from the models folder: <name>-weights_manifest.json.
export const MODEL_FILES = {
  tinyFaceDetector: 'tiny_face_detector_model',
  ssdMobilenetv1: 'ssd_mobilenetv1_model',
  mtcnn: 'mtcnn_model',
  faceLandmark68Net: 'face_landmark_68_model',
  faceLandmark68TinyNet: 'face_landmark_68_tiny_model',
  faceRecognitionNet: 'face_recognition_model'
}

const DETECTOR_NETS = { tiny: 'tinyFaceDetector', ssd: 'ssdMobilenetv1', mtcnn: 'mtcnn' }

/** The nets (keys of faceapi.nets) a config needs. */
export function netsFor (config) {
  const needed = []
  if (!config.wholeImage) needed.push(DETECTOR_NETS[config.detector])
  if (config.command !== 'detect') needed.push(config.tinyLandmarks ? 'faceLandmark68TinyNet' : 'faceLandmark68Net')
  if (config.command === 'describe' || config.command === 'match') needed.push('faceRecognitionNet')
  return needed
}

/** face-api.js's options object for the config's detector; throws its validation error. */
export function detectorOptions (config) {
  const fields = Object.fromEntries(Object.entries(config.detectorOptions).filter(([, v]) => v !== undefined))
  if (config.detector === 'tiny') return tinyDetectorOptions(new faceapi.TinyFaceDetectorOptions(fields))
  if (config.detector === 'ssd') return new faceapi.SsdMobilenetv1Options(fields)
  return new faceapi.MtcnnOptions(fields)
}

export async function loadNets (config) {
  for (const name of netsFor(config)) await faceapi.nets[name].loadFromDisk(config.models)
}

const plainBox = ({ x, y, width, height }) => ({ x, y, width, height })
const plainPoints = (landmarks) => landmarks.positions.map(({ x, y }) => ({ x, y }))

/** The decoded image as { data, width, height } RGBA, so each net can be given the same pixels. */
async function decode (bytes) {
  const core = await getCore()
  return withInput(core, bytes, ({ pointer, width, height }) => ({
    data: core.u8().slice(pointer, pointer + width * height * 4), width, height
  }))
}

async function wholeImageFace (config, bytes) {
  const pixels = await decode(bytes)
  const face = { score: null, box: { x: 0, y: 0, width: pixels.width, height: pixels.height } }
  if (config.command === 'landmarks') {
    const landmarks = await (config.tinyLandmarks ? faceapi.detectFaceLandmarksTiny(pixels) : faceapi.detectFaceLandmarks(pixels))
    face.landmarks = plainPoints(landmarks)
  } else {
    face.descriptor = Array.from(await faceapi.computeFaceDescriptor(pixels))
  }
  return { width: pixels.width, height: pixels.height, faces: [face] }
}

async function detectedFaces (config, options, bytes) {
  let task = faceapi.detectAllFaces(bytes, options)
  if (config.command === 'detect') {
    const detections = await task
    return detections.map((d) => ({ score: d.score, box: plainBox(d.box) }))
  }
  task = task.withFaceLandmarks(config.tinyLandmarks)
  if (config.command !== 'landmarks') task = task.withFaceDescriptors()
  const results = await task
  return results.map((r) => {
    const face = { score: r.detection.score, box: plainBox(r.detection.box) }
    if (config.command === 'landmarks') face.landmarks = plainPoints(r.landmarks)
    else face.descriptor = Array.from(r.descriptor)
    return face
  })
}

const BOX_COLOR = 0x0000ffff // face-api.js's default box colour, rgba(0, 0, 255, 1), as 0xRRGGBBAA
const POINT_COLOR = 0xff00ffff // magenta dots for the landmarks

/** PNG bytes of the image with each face's box (and landmark points) drawn. */
async function annotated (bytes, faces) {
  const core = await getCore()
  return withInput(core, bytes, ({ pointer, width, height }) => {
    const thickness = Math.max(2, Math.round(Math.min(width, height) / 250))
    for (const face of faces) {
      const { x, y, width: w, height: h } = face.box
      core.exports.fw_image_draw_rect(pointer, width, height, x, y, w, h, thickness, BOX_COLOR)
      for (const p of face.landmarks ?? []) {
        core.exports.fw_image_draw_rect(pointer, width, height, p.x - thickness / 2, p.y - thickness / 2, thickness, thickness, thickness, POINT_COLOR)
      }
    }
    return encodePngInCore(core, pointer, width, height)
  })
}

/** Reads, analyses and (when draw is a path) annotates one image file. */
export async function analyzeFile (config, options, file, draw) {
  let bytes
  try {
    bytes = await readWholeFile(file)
  } catch (error) {
    throw new Error(error.message === 'it is a directory' ? 'is a folder' : error.code ? `cannot read (${error.code})` : error.message)
  }
  let result
  try {
    result = config.wholeImage ? await wholeImageFace(config, bytes) : { faces: await detectedFaces(config, options, bytes) }
  } catch (error) {
    // The decoder names bytes 'image'; the CLI puts the file name in front instead.
    throw new Error(error.message.replace(/^image: /, ''))
  }
  if (draw) {
    await mkdir(path.dirname(draw), { recursive: true })
    await writeFile(draw, await annotated(bytes, result.faces))
  }
  return result
}
