#include "profile.h"

#if defined(FW_PROFILE)

#include <stdatomic.h>
#include <stdint.h>

/* Far more than one forward of any net logs (the reader empties the log after
 * each); events past the end are dropped, and the count says how many. */
#define MAX_EVENTS 65536

/* One event as four doubles, so that JavaScript reads the log as one
 * Float64Array: a mark is {name address, part address or 0, index, time}, a
 * chunk {0, thread, start, end}. */
static double events[MAX_EVENTS][4];
static _Atomic int event_count;

__attribute__((import_module("env"), import_name("fw_profile_clock"))) extern double fw_profile_clock(void);

double fw_profile_now(void) { return fw_profile_clock(); }

static void record(double a, double b, double c, double d) {
  const int i = atomic_fetch_add(&event_count, 1);
  if (i >= MAX_EVENTS) return;
  events[i][0] = a;
  events[i][1] = b;
  events[i][2] = c;
  events[i][3] = d;
}

void fw_profile_mark(const char *name, const char *part, int index) {
  record((double)(uintptr_t)name, (double)(uintptr_t)part, index, fw_profile_clock());
}

void fw_profile_chunk(int thread, double start, double end) { record(0.0, thread, start, end); }

/* Exported to JavaScript (profiling builds only). */
const double *fw_profile_events(void) { return &events[0][0]; }
int fw_profile_event_count(void) { return atomic_load(&event_count); } /* may exceed fw_profile_capacity() */
int fw_profile_capacity(void) { return MAX_EVENTS; }
void fw_profile_reset(void) { atomic_store(&event_count, 0); }

#endif
