/* Fork-join over a range of independent work items (output rows, pixel
 * blocks, Winograd positions), run by a pool of threads sharing the wasm
 * memory: the calling thread plus the workers that js/threads.mjs starts,
 * each of which sits in fw_threads_worker().
 *
 * fw_parallel_for(count, fn, ctx) calls fn(ctx, begin, end, thread) on
 * disjoint ranges covering [0, count) and returns when all of them are done;
 * `thread` (0 .. fw_threads_active() - 1) says which thread runs the range,
 * for per-thread scratch memory. Each thread first runs the ranges of its own
 * contiguous part of [0, count) (the same part of a map in every layer, so it
 * finds its data in its own cache), then takes what the others have not
 * started (a thread descheduled by the OS leaves its share to the others), so
 * fn must give the same result whichever thread runs a range and however
 * [0, count) is cut: every item is computed on its own.
 *
 * Builds without FW_THREADS (native, the single-thread wasm builds) and a
 * pool of one thread run fn(ctx, 0, count, 0) on the caller. Only the thread
 * that calls into the library (thread 0) may fork; fn must not allocate or
 * call fw_fail (both use state that is not thread-safe). */
#ifndef FW_PARALLEL_H
#define FW_PARALLEL_H

typedef void (*fw_range_fn)(void *ctx, int begin, int end, int thread);

/* Declares a fork's ctx, e.g. `FW_FORK_CONTEXT conv_call call = {...}`.
 * Every thread reads the ctx throughout the fork while thread 0 keeps writing
 * its own stack frames just below it; starting the ctx on a cache line of its
 * own keeps those writes from evicting it from the other cores' caches (a
 * miss per write: 4 % of a two-thread recognition forward). */
#define FW_FORK_CONTEXT _Alignas(64)

void fw_parallel_for(int count, fw_range_fn fn, void *ctx);

/* Threads taking part in a fork (1 without a pool). */
int fw_threads_active(void);

/* The pool's entry points, exported to JavaScript (threads build only):
 *
 *   fw_threads_start(n, may_wait)
 *                          on thread 0: forks use n threads from now on
 *                          (thread 0 and workers 1 .. n-1); may_wait: thread 0
 *                          may block (memory.atomic.wait) while the workers
 *                          finish, which a browser's main thread may not; 0,
 *                          or -1 with an error when this build has no threads
 *                          or n is out of range. Workers may enter before or
 *                          after.
 *   fw_threads_worker(i)   on worker i's own instance (its own stack): serves
 *                          forks until fw_threads_stop(), then returns.
 *   fw_threads_stop()      on thread 0: back to one thread; wakes every worker
 *                          so that fw_threads_worker returns. */
int fw_threads_start(int threads, int caller_may_wait);
void fw_threads_worker(int index);
void fw_threads_stop(void);

#define FW_THREADS_MAX 64

#endif
