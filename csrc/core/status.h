/* Error reporting: every failing call leaves one human-readable message behind.
 * Library code never prints; the message is read through fw_last_error(). */
#ifndef FW_STATUS_H
#define FW_STATUS_H

#if defined(__GNUC__)
#define FW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FW_PRINTF(a, b)
#endif

/* Sets the message (printf-style, truncated to fit) and returns -1, so that
 * `return fw_fail("...")` reads naturally in functions returning a status. */
int fw_fail(const char *fmt, ...) FW_PRINTF(1, 2);

/* Prepends context ("tiny_face_detector: ") to the current message. */
void fw_error_prefix(const char *prefix);

const char *fw_error_message(void);
void fw_error_clear(void);

#endif
