/* 68-point face landmark nets: FaceLandmark68Net (4 dense blocks of 4 convs,
 * up to 256 channels) and FaceLandmark68TinyNet (3 dense blocks of 3 convs, up
 * to 128 channels), each followed by a full-map average and an FC 136 head. */
#ifndef FW_FACE_LANDMARK_68_H
#define FW_FACE_LANDMARK_68_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_face_landmark_68_ops;
extern const fw_net_ops fw_face_landmark_68_tiny_ops;

typedef struct fw_face_landmark_net fw_face_landmark_net;

#define FW_LANDMARK_POINTS 68
#define FW_LANDMARK_VALUES (2 * FW_LANDMARK_POINTS)

/* The net on one face crop (inside the image, width/height >= 1), as
 * face-api.js's FaceLandmark68NetBase.forwardInput: crop, pad centred to a
 * square, resize to 112, (v - mean) / 255, forward, then map the 136 outputs
 * (x0, y0, x1, y1, ...) back to positions relative to the crop (0..1 inside
 * it), in float32 as face-api.js's postProcess does. Returns 0, or -1 with an
 * error (out of memory). */
int fw_face_landmark_net_run(fw_face_landmark_net *net, const fw_rgba_image *image, fw_crop crop,
                             float relative[FW_LANDMARK_VALUES]);

#endif
