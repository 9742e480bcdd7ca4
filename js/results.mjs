// Result helpers: face-api.js's isWith* type guards and resizeResults.

import { Dimensions, FaceDetection } from './classes.mjs'
import { FaceExpressions } from './face_expression_net.mjs'
import { FaceLandmarks } from './face_landmarks.mjs'
import { extendWithFaceDetection, extendWithFaceLandmarks } from './tasks.mjs'
import { isValidProbablitiy } from './utils.mjs'

export const isWithFaceDetection = (obj) => obj.detection instanceof FaceDetection

export const isWithFaceLandmarks = (obj) => isWithFaceDetection(obj) &&
  obj.landmarks instanceof FaceLandmarks &&
  obj.unshiftedLandmarks instanceof FaceLandmarks &&
  obj.alignedRect instanceof FaceDetection

export const isWithFaceExpressions = (obj) => obj.expressions instanceof FaceExpressions
export const isWithAge = (obj) => typeof obj.age === 'number'
export const isWithGender = (obj) => (obj.gender === 'male' || obj.gender === 'female') && isValidProbablitiy(obj.genderProbability)

/**
 * Results (a FaceDetection, FaceLandmarks, a chain result or an array of them)
 * rescaled to `dimensions`, e.g. the displayed size of the image.
 */
export function resizeResults (results, dimensions) {
  const { width, height } = new Dimensions(dimensions.width, dimensions.height)
  if (width <= 0 || height <= 0) throw new Error(`resizeResults - invalid dimensions: ${JSON.stringify({ width, height })}`)
  if (Array.isArray(results)) return results.map((obj) => resizeResults(obj, { width, height }))
  if (isWithFaceLandmarks(results)) {
    const resizedDetection = results.detection.forSize(width, height)
    const resizedLandmarks = results.unshiftedLandmarks.forSize(resizedDetection.box.width, resizedDetection.box.height)
    return extendWithFaceLandmarks(extendWithFaceDetection(results, resizedDetection), resizedLandmarks)
  }
  if (isWithFaceDetection(results)) return extendWithFaceDetection(results, results.detection.forSize(width, height))
  if (results instanceof FaceLandmarks || results instanceof FaceDetection) return results.forSize(width, height)
  return results
}
