/* Control of the failing allocator in tests/c/alloc_hooks.c. */
#ifndef ALLOC_HOOKS_H
#define ALLOC_HOOKS_H

/* Counts allocations from now on; the index-th (1-based) fails, and with
 * and_following every later one too. index 0 only counts. */
void alloc_hooks_arm(long index, int and_following);
void alloc_hooks_disarm(void);
long alloc_hooks_count(void);
long alloc_hooks_failures(void);

#endif
