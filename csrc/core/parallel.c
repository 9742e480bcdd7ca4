#include "parallel.h"

#include "profile.h"
#include "status.h"

#if defined(FW_THREADS)

#include <stdatomic.h>
#include <stdint.h>

/* Chunks per thread and fork: enough that a thread slowed down by the OS
 * costs the fork at most a small share, few enough that claiming is free. */
#define CHUNKS_PER_THREAD 8
/* Polls of `generation` before an idle worker sleeps: about a millisecond
 * (a poll takes 1-3 ns), so that the forks of one forward and the forwards of
 * a pipeline (a few hundred microseconds of JavaScript apart) find it awake,
 * where a sleeping worker takes 35-120 us to join a fork, while an idle pool
 * soon stops using a core. */
#define SPIN_POLLS (1 << 19)
/* Longest sleep before an idle worker looks again: the engine can end the
 * thread (worker.terminate(), a Node process exiting) only between sleeps. */
#define SLEEP_NS 100000000LL
/* Thread 0 waiting for the last chunks of a fork: polls before it sleeps
 * (about a millisecond, longer than a chunk takes: waking a sleeping thread
 * costs tens of microseconds, which dozens of forks per forward would pay
 * again and again), and its longest sleep. */
#define MAIN_SPIN_POLLS (1 << 20)
#define MAIN_SLEEP_NS 200000LL

/* The current fork. Written by thread 0 before it publishes the fork in
 * `ranges`, read by a worker only after it claimed a chunk of that fork, and
 * not rewritten before every chunk of it has finished. It, `finished` and
 * `generation` start cache lines of their own: every thread reads `job` at
 * every chunk, writes `finished` at the end of every chunk, and idle workers
 * poll `generation`; on one line, each write would cost the others a miss. */
static struct {
  _Alignas(64) fw_range_fn fn;
  void *ctx;
  int count, chunks;
} job;

/* The chunks of a fork are dealt out as one contiguous range per thread, so
 * that a thread gets the same part of the map fork after fork and finds it in
 * its own cache (moving data between cores costs more here than computing
 * it); a thread done with its range takes chunks from the others'. Each range
 * is one word on its own cache line, (fork number << 32) | (end << 16) | next
 * chunk, so that a late thread can never claim a chunk of another fork. */
static struct {
  _Alignas(64) _Atomic uint64_t word;
} ranges[FW_THREADS_MAX];
/* Chunks of the current fork done. */
static _Alignas(64) _Atomic int finished;
/* Bumped with every fork and by fw_threads_stop; idle workers sleep on it. */
static _Alignas(64) _Atomic int generation;
static _Atomic int sleepers;
/* Threads taking part in forks; workers serve while `running`. */
static _Atomic int active = 1;
static _Atomic int running;
/* Whether thread 0 may block (not a browser's main thread), and whether it does. */
static _Atomic int main_may_wait;
static _Atomic int main_sleeping;

int fw_threads_active(void) { return atomic_load(&active); }

/* Claims the next chunk of range r in fork `fork`: its index, or -1 when the
 * range is used up (or the fork is over). */
static int claim_chunk(int r, uint32_t fork) {
  uint64_t seen = atomic_load(&ranges[r].word);
  uint32_t next;
  do {
    next = (uint32_t)seen & 0xffff;
    if ((uint32_t)(seen >> 32) != fork || next >= (((uint32_t)seen >> 16) & 0xffff)) return -1;
  } while (!atomic_compare_exchange_weak(&ranges[r].word, &seen, seen + 1));
  return (int)next;
}

/* Runs chunks of fork `fork` on `thread` until none is left: its own range
 * first, then the others' in turn. */
static void run_chunks(uint32_t fork, int thread) {
  const int threads = atomic_load(&active);
  for (int k = 0; k < threads; k++) {
    const int r = (thread + k) % threads;
    for (int index; (index = claim_chunk(r, fork)) >= 0;) {
      /* Claimed: the fork is still `fork`, and its fields stay until this chunk is done. */
      const int chunks = job.chunks;
      const int begin = (int)((int64_t)job.count * index / chunks), end = (int)((int64_t)job.count * (index + 1) / chunks);
      FW_PROFILE_CHUNK(thread, job.fn(job.ctx, begin, end, thread));
      /* (job may be the next fork's once `finished` is counted) */
      if (atomic_fetch_add(&finished, 1) + 1 == chunks && atomic_load(&main_sleeping))
        __builtin_wasm_memory_atomic_notify((int *)&finished, 1);
    }
  }
}

void fw_parallel_for(int count, fw_range_fn fn, void *ctx) {
  const int threads = atomic_load(&active);
  if (threads <= 1 || count <= 1) {
    if (count > 0) fn(ctx, 0, count, 0);
    return;
  }
  /* Chunks of equal size to within one item, so that the threads' ranges are too. */
  const int chunks = threads * CHUNKS_PER_THREAD < count ? threads * CHUNKS_PER_THREAD : count;
  job.fn = fn;
  job.ctx = ctx;
  job.count = count;
  job.chunks = chunks;
  atomic_store(&finished, 0);
  const uint32_t fork = (uint32_t)atomic_load(&generation) + 1;
  for (int r = 0; r < threads; r++) {
    const uint64_t first = (uint64_t)chunks * r / threads, end = (uint64_t)chunks * (r + 1) / threads;
    atomic_store(&ranges[r].word, (uint64_t)fork << 32 | end << 16 | first);
  }
  atomic_store(&generation, (int)fork);
  if (atomic_load(&sleepers) > 0) __builtin_wasm_memory_atomic_notify((int *)&generation, FW_THREADS_MAX);
  run_chunks(fork, 0);
  /* The other threads' last chunks: spin a little, then (where thread 0 may
   * block) sleep so that a descheduled worker can have this core. */
  for (int polls = 0, done; (done = atomic_load(&finished)) < chunks; polls++) {
    if (polls >= MAIN_SPIN_POLLS && atomic_load(&main_may_wait)) {
      atomic_store(&main_sleeping, 1);
      __builtin_wasm_memory_atomic_wait32((int *)&finished, done, MAIN_SLEEP_NS);
      atomic_store(&main_sleeping, 0);
    }
  }
}

int fw_threads_start(int threads, int caller_may_wait) {
  if (threads < 1 || threads > FW_THREADS_MAX)
    return fw_fail("threads: %d is out of range (1 to %d)", threads, FW_THREADS_MAX);
  atomic_store(&main_may_wait, caller_may_wait);
  atomic_store(&running, 1);
  atomic_store(&active, threads);
  return 0;
}

void fw_threads_stop(void) {
  atomic_store(&active, 1);
  atomic_store(&running, 0);
  atomic_fetch_add(&generation, 1);
  __builtin_wasm_memory_atomic_notify((int *)&generation, FW_THREADS_MAX);
}

void fw_threads_worker(int index) {
  int seen = atomic_load(&generation);
  while (atomic_load(&running)) {
    int now = atomic_load(&generation);
    for (int polls = 0; now == seen && polls < SPIN_POLLS; polls++) now = atomic_load(&generation);
    if (now == seen) {
      /* Registered as a sleeper before the final check: a fork published
       * after it sees `sleepers` and notifies. */
      atomic_fetch_add(&sleepers, 1);
      __builtin_wasm_memory_atomic_wait32((int *)&generation, seen, SLEEP_NS);
      atomic_fetch_sub(&sleepers, 1);
      continue;
    }
    seen = now;
    run_chunks((uint32_t)now, index);
  }
}

#else

int fw_threads_active(void) { return 1; }

void fw_parallel_for(int count, fw_range_fn fn, void *ctx) {
  if (count > 0) fn(ctx, 0, count, 0);
}

int fw_threads_start(int threads, int caller_may_wait) {
  (void)caller_may_wait;
  if (threads == 1) return 0;
  return fw_fail("threads: this build runs on one thread (use wasm/facewasm-threads.wasm for %d)", threads);
}

void fw_threads_worker(int index) { (void)index; }

void fw_threads_stop(void) {}

#endif
