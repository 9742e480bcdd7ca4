#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"
#include "status.h"

size_t fw_arena_footprint(size_t bytes) {
  return (bytes + FW_ARENA_ALIGN - 1) & ~(size_t)(FW_ARENA_ALIGN - 1);
}

int fw_arena_reserve(fw_arena *arena, size_t bytes) {
  arena->used = 0;
  if (bytes <= arena->capacity) return 0;
  FW_FREE(arena->base);
  arena->base = NULL;
  arena->capacity = 0;
  if (bytes > SIZE_MAX - FW_ARENA_ALIGN) return fw_fail("out of memory: cannot reserve %zu bytes", bytes);
  arena->base = FW_ALIGNED_ALLOC(FW_ARENA_ALIGN, fw_arena_footprint(bytes));
  if (!arena->base) return fw_fail("out of memory: cannot reserve %zu bytes of working memory", bytes);
  arena->capacity = fw_arena_footprint(bytes);
  return 0;
}

void fw_arena_reset(fw_arena *arena) { arena->used = 0; }

void fw_arena_release(fw_arena *arena) {
  FW_FREE(arena->base);
  arena->base = NULL;
  arena->capacity = 0;
  arena->used = 0;
}

void *fw_arena_alloc(fw_arena *arena, size_t bytes) {
  size_t need = fw_arena_footprint(bytes);
  if (need > arena->capacity - arena->used) return NULL;
  void *p = arena->base + arena->used;
  arena->used += need;
  return p;
}
