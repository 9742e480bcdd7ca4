/* Timing hooks for the profiling builds (build/facewasm-profile.wasm and
 * build/facewasm-threads-profile.wasm, made by `make profile` with
 * -DFW_PROFILE). Every other build compiles them to nothing.
 *
 * A profiling build logs two kinds of events with a clock it imports
 * (env.fw_profile_clock: milliseconds on a clock shared by all threads):
 *
 *   FW_PROFILE_MARK(name, part, index)
 *                                  on thread 0: a part of a forward starts
 *                                  here, labelled name + part (static
 *                                  strings; part may be NULL), a '#' in
 *                                  either standing for index;
 *   FW_PROFILE_CHUNK(thread, call) around each range a thread runs in a
 *                                  fork (core/parallel.c).
 *
 * bench/profile.mjs reads the log through fw_profile_events /
 * fw_profile_event_count and empties it with fw_profile_reset: per part of
 * a forward, its time on one thread and on two, and how long each of the two
 * threads worked in it. */
#ifndef FW_PROFILE_H
#define FW_PROFILE_H

#if defined(FW_PROFILE)

void fw_profile_mark(const char *name, const char *part, int index);
double fw_profile_now(void);
void fw_profile_chunk(int thread, double start, double end);

#define FW_PROFILE_MARK(name, part, index) fw_profile_mark(name, part, index)
#define FW_PROFILE_CHUNK(thread, call)                           \
  do {                                                           \
    const double fw_profile_start_ = fw_profile_now();           \
    call;                                                        \
    fw_profile_chunk(thread, fw_profile_start_, fw_profile_now()); \
  } while (0)

#else

/* (index is evaluated, so that a variable used only for marks is still used) */
#define FW_PROFILE_MARK(name, part, index) ((void)(index))
#define FW_PROFILE_CHUNK(thread, call) call

#endif

#endif
