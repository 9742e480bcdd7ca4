/* Activation epilogues fused into the kernels that produce a tensor. */
#ifndef FW_ACTIVATION_H
#define FW_ACTIVATION_H

typedef enum fw_activation_kind {
  FW_ACT_NONE = 0,
  FW_ACT_RELU,  /* max(x, 0) */
  FW_ACT_RELU6, /* min(max(x, 0), 6) */
  FW_ACT_LEAKY, /* max(x, alpha * x), alpha in (0, 1) */
  FW_ACT_PRELU  /* x > 0 ? x : alphas[c] * x, one alpha per output channel c;
                   only the kernels whose contract says so support it (fw_f32_conv) */
} fw_activation_kind;

/* Positional initializers such as {FW_ACT_LEAKY, 0.1f} leave alphas NULL
 * (the build disables -Wmissing-field-initializers for this); PReLU is
 * written (fw_activation){.kind = FW_ACT_PRELU, .alphas = alphas}. */
typedef struct fw_activation {
  fw_activation_kind kind;
  float alpha;         /* only for FW_ACT_LEAKY */
  const float *alphas; /* only for FW_ACT_PRELU: one per output channel */
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

/* fw_activate() for output channel c: the per-channel activations need it. */
static inline float fw_activate_channel(float x, fw_activation act, int c) {
  if (act.kind == FW_ACT_PRELU) return x > 0.0f ? x : act.alphas[c] * x;
  return fw_activate(x, act);
}

#endif
