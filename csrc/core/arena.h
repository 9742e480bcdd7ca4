/* A bump allocator: one malloc'd block carved into 64-byte-aligned pieces.
 * Nets size their arena once per input shape (outside the forward pass), so
 * the forward itself never allocates. Reset frees everything at once. */
#ifndef FW_ARENA_H
#define FW_ARENA_H

#include <stddef.h>

typedef struct fw_arena {
  unsigned char *base;
  size_t capacity;
  size_t used;
} fw_arena;

#define FW_ARENA_ALIGN 64

/* Makes room for at least `bytes` (discarding current contents).
 * Returns 0 on success, -1 (with an error message) when out of memory. */
int fw_arena_reserve(fw_arena *arena, size_t bytes);
void fw_arena_reset(fw_arena *arena);
void fw_arena_release(fw_arena *arena);

/* Returns NULL when the reservation is exceeded: a planning bug, reported
 * as an error rather than trusted to never happen. */
void *fw_arena_alloc(fw_arena *arena, size_t bytes);

/* Bytes that `bytes` occupies once rounded up to the alignment; planners sum
 * these to size a reservation exactly. */
size_t fw_arena_footprint(size_t bytes);

#endif
