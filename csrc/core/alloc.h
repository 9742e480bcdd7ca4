/* Heap allocation for the whole core. Every malloc/free of the library goes
 * through these macros so that a test build (compiled with -DFW_ALLOC_HOOKS,
 * see tests/c/alloc_hooks.c) can make the i-th allocation fail and check that
 * each one is handled: a clear "out of memory" error and a usable instance.
 * Production builds map them straight to the C library. */
#ifndef FW_ALLOC_H
#define FW_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

#if defined(FW_ALLOC_HOOKS)
void *fw_hook_malloc(size_t bytes);
void *fw_hook_calloc(size_t count, size_t size);
void *fw_hook_realloc(void *pointer, size_t bytes);
void *fw_hook_aligned_alloc(size_t alignment, size_t bytes);
void fw_hook_free(void *pointer);
#define FW_MALLOC(bytes) fw_hook_malloc(bytes)
#define FW_CALLOC(count, size) fw_hook_calloc(count, size)
#define FW_REALLOC(pointer, bytes) fw_hook_realloc(pointer, bytes)
#define FW_ALIGNED_ALLOC(alignment, bytes) fw_hook_aligned_alloc(alignment, bytes)
#define FW_FREE(pointer) fw_hook_free(pointer)
#else
#define FW_MALLOC(bytes) malloc(bytes)
#define FW_CALLOC(count, size) calloc(count, size)
#define FW_REALLOC(pointer, bytes) realloc(pointer, bytes)
#define FW_ALIGNED_ALLOC(alignment, bytes) aligned_alloc(alignment, bytes)
#define FW_FREE(pointer) free(pointer)
#endif

#endif
