/* Activation epilogues fused into the kernels that produce a tensor. */
#ifndef FW_ACTIVATION_H
#define FW_ACTIVATION_H

typedef enum fw_activation_kind {
  FW_ACT_NONE = 0,
  FW_ACT_RELU,  /* max(x, 0) */
  FW_ACT_RELU6, /* min(max(x, 0), 6) */
  FW_ACT_LEAKY  /* max(x, alpha * x), alpha in (0, 1) */
} fw_activation_kind;

typedef struct fw_activation {
  fw_activation_kind kind;
  float alpha; /* only for FW_ACT_LEAKY */
} fw_activation;

static inline float fw_activate(float x, fw_activation act) {
  switch (act.kind) {
    case FW_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case FW_ACT_RELU6: return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
    case FW_ACT_LEAKY: {
      float scaled = act.alpha * x;
      return x > scaled ? x : scaled;
    }
    default: return x;
  }
}

#endif
