/* Test-only allocator for builds with -DFW_ALLOC_HOOKS (see csrc/core/alloc.h):
 * counts the core's allocations and can make one of them, or every one from
 * some point on, fail as malloc does when memory runs out. */
#include "alloc_hooks.h"

#include <stdlib.h>

#include "core/alloc.h"

static long counted;       /* allocations since the last alloc_hooks_arm */
static long fail_at;       /* 1-based index of the first failing one; 0: none */
static int fail_following; /* also fail every allocation after fail_at */
static long failures;

void alloc_hooks_arm(long index, int and_following) {
  counted = 0;
  failures = 0;
  fail_at = index;
  fail_following = and_following;
}

void alloc_hooks_disarm(void) { fail_at = 0; }

long alloc_hooks_count(void) { return counted; }

long alloc_hooks_failures(void) { return failures; }

/* Whether the allocation being made now must fail. */
static int refuse(void) {
  counted++;
  if (fail_at > 0 && (counted == fail_at || (fail_following && counted > fail_at))) {
    failures++;
    return 1;
  }
  return 0;
}

void *fw_hook_malloc(size_t bytes) { return refuse() ? NULL : malloc(bytes); }
void *fw_hook_calloc(size_t count, size_t size) { return refuse() ? NULL : calloc(count, size); }
void *fw_hook_realloc(void *pointer, size_t bytes) { return refuse() ? NULL : realloc(pointer, bytes); }
void *fw_hook_aligned_alloc(size_t alignment, size_t bytes) {
  return refuse() ? NULL : aligned_alloc(alignment, bytes);
}
void fw_hook_free(void *pointer) { free(pointer); }
