/* What every net provides to the model table in api.c: a name (the prefix of
 * its weight files) and a way to bind a loaded weight table into a ready net. */
#ifndef FW_NET_H
#define FW_NET_H

#include "../core/weights.h"

typedef struct fw_net_ops {
  const char *name;
  /* Takes every tensor it needs from the table (checking names and shapes) and
   * packs it for its kernels. Returns the net, or NULL with an error set. */
  void *(*bind)(const fw_weight_table *weights);
  void (*destroy)(void *net);
} fw_net_ops;

#endif
