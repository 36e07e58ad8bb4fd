/* The media library's log: a hook the daemon sets to its own logger;
 * stderr until then.  Media threads call it too, so the hook must be
 * thread-safe. */
#ifndef MEDIA_LOG_H
#define MEDIA_LOG_H

enum media_log_level { MEDIA_LOG_ERR = 3, MEDIA_LOG_WARN = 4, MEDIA_LOG_INFO = 6, MEDIA_LOG_DEBUG = 7 };

typedef void(media_log_h)(enum media_log_level level, const char *msg, void *arg);

/* set once at start, before any media thread runs; NULL restores stderr */
void media_log_set(media_log_h *h, void *arg);
__attribute__((format(printf, 2, 3)))
void media_logf(enum media_log_level level, const char *fmt, ...);

#endif
