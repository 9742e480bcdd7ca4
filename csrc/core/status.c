#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char error_text[512];

int fw_fail(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(error_text, sizeof error_text, fmt, args);
  va_end(args);
  return -1;
}

void fw_error_prefix(const char *prefix) {
  char old[sizeof error_text];
  memcpy(old, error_text, sizeof old);
  snprintf(error_text, sizeof error_text, "%s%s", prefix, old);
}

const char *fw_error_message(void) { return error_text; }

void fw_error_clear(void) { error_text[0] = '\0'; }
