/* AgeGenderNet: TinyXception(2) backbone, average pool, then a fully
 * connected age regression 512 -> 1 and gender classifier 512 -> 2 (softmax:
 * male, female). */
#ifndef FW_AGE_GENDER_NET_H
#define FW_AGE_GENDER_NET_H

#include "../image/preprocess.h"
#include "net.h"

extern const fw_net_ops fw_age_gender_net_ops;

typedef struct fw_age_gender_net fw_age_gender_net;

/* Age (years) and the softmax probability of 'male' for the face in `crop`
 * of `image` (crop inside the image, at least 1x1; the caller checks). */
void fw_age_gender_net_predict(fw_age_gender_net *net, const fw_rgba_image *image, fw_crop crop, float *age,
                               float *male_probability);

#endif
