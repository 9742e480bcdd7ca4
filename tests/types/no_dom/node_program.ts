// Type-checked with no DOM and no Node types at all (the plain ES lib): the declarations need neither.
import * as faceapi from 'facewasm'
import { FaceApiWorker } from 'facewasm/worker'

export async function inNode (modelDir: string, pixels: faceapi.ImageDataLike): Promise<number> {
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir)
  const faces = await faceapi.detectAllFaces(pixels, new faceapi.TinyFaceDetectorOptions())
  return faces.length + (FaceApiWorker.name.length > 0 ? 0 : 1)
}
