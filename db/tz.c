/* Time zone names to POSIX TZ rules, read from the system's zone files.
 * Runs on the loader thread; the policy library then needs no I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"

enum { TZ_FILE_MAX = 256 * 1024 };

/* the footer of a TZif version 2+ file: "\n<rule>\n" at its very end
 * (RFC 8536 3.3) */
static int tzif_footer(const char *path, char *rule, size_t size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *end, *start;
	size_t n;
	int err = EINVAL;

	if (!f)
		return EINVAL;
	buf = malloc(TZ_FILE_MAX);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	n = fread(buf, 1, TZ_FILE_MAX, f);
	if (n < 46 || n == TZ_FILE_MAX || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2' ||
	    buf[n - 1] != '\n')
		goto out;
	end = buf + n - 1;
	*end = '\0';
	start = memrchr(buf, '\n', (size_t)(end - buf));
	if (!start || (size_t)(end - start - 1) >= size || end == start + 1)
		goto out;
	memcpy(rule, start + 1, (size_t)(end - start));
	err = 0;
out:
	free(buf);
	fclose(f);
	return err;
}

int db_tz_rule(const char *name, char *rule, size_t size)
{
	struct policy_tz tz;
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!name || !*name || strlen(name) >= size)
		return EINVAL;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "GMT") == 0) {
		snprintf(rule, size, "UTC0");
		return 0;
	}
	/* a name never climbs out of the zone directory */
	if (name[0] != '/' && !strstr(name, "..")) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/usr/share/zoneinfo", name);
		if (tzif_footer(path, rule, size) == 0 && policy_tz_parse(rule, &tz) == 0)
			return 0;
	}
	if (policy_tz_parse(name, &tz) == 0) {
		strcpy(rule, name);
		return 0;
	}
	return EINVAL;
}
