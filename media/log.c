#include <stdarg.h>
#include <stdio.h>

#include "media/log.h"

static media_log_h *log_h;
static void *log_arg;

void media_log_set(media_log_h *h, void *arg)
{
	log_h = h;
	log_arg = arg;
}

void media_logf(enum media_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_h)
		log_h(level, msg, log_arg);
	else
		fprintf(stderr, "media: %s\n", msg);
}
