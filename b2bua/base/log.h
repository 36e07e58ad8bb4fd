/* Logging with levels.  Every line about a call or a transaction carries
 * its id in brackets right after the level, so `grep '[id]'` follows it.
 *
 *   2026-11-25T14:20:01.123Z INFO  [tsx:z9hG4bK.abc] 408 after timer B
 */
#ifndef B2BUA_BASE_LOG_H
#define B2BUA_BASE_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

extern enum log_level log_level_max;

void log_set_level(enum log_level lvl);
/* "error", "warn", "notice", "info", "debug"; returns -1 if unknown */
int log_level_parse(const char *s);
void log_set_stream(FILE *f);
/* id may be NULL for lines about the daemon as a whole */
__attribute__((format(printf, 3, 4)))
void log_line(enum log_level lvl, const char *id, const char *fmt, ...);

#define LOG_AT(lvl, id, ...) \
	do { if ((lvl) <= log_level_max) log_line((lvl), (id), __VA_ARGS__); } while (0)
#define log_err(id, ...)    LOG_AT(LOG_LVL_ERROR, id, __VA_ARGS__)
#define log_warn(id, ...)   LOG_AT(LOG_LVL_WARN, id, __VA_ARGS__)
#define log_notice(id, ...) LOG_AT(LOG_LVL_NOTICE, id, __VA_ARGS__)
#define log_info(id, ...)   LOG_AT(LOG_LVL_INFO, id, __VA_ARGS__)
#define log_debug(id, ...)  LOG_AT(LOG_LVL_DEBUG, id, __VA_ARGS__)

#endif
