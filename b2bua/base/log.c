#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

enum log_level log_level_max = LOG_LVL_INFO;
static FILE *log_stream;

static const char *const level_names[] = {
	"ERROR", "WARN ", "NOTICE", "INFO ", "DEBUG",
};

void log_set_level(enum log_level lvl)
{
	log_level_max = lvl;
}

int log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warn", "notice", "info", "debug" };

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (strcmp(s, names[i]) == 0)
			return i;
	}
	return -1;
}

void log_set_stream(FILE *f)
{
	log_stream = f;
}

void log_line(enum log_level lvl, const char *id, const char *fmt, ...)
{
	FILE *f = log_stream ? log_stream : stderr;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	va_list ap;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(f);
	fprintf(f, "%s.%03dZ %s ", ts, (int)(tv.tv_usec / 1000), level_names[lvl]);
	if (id)
		fprintf(f, "[%s] ", id);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	funlockfile(f);
	fflush(f);
}
