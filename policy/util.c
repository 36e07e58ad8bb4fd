/* Small helpers shared by the policy files: growth, errors, traces,
 * names and the parsers of the database's text fields. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_priv.h"

int policy_grow(void *arrp, size_t *cap, size_t n, size_t sz)
{
	void **arr = arrp;
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

void policy_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

void policy_trace(char *buf, size_t size, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (!buf || size < 2)
		return;
	len = strnlen(buf, size - 1);
	if (len >= size - 2)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(buf);
	buf[len] = '\n';
	buf[len + 1] = '\0';
}

const char *policy_transport_name(enum policy_transport tp)
{
	switch (tp) {
	case POLICY_TP_UDP: return "udp";
	case POLICY_TP_TCP: return "tcp";
	case POLICY_TP_TLS: return "tls";
	default: return "any";
	}
}

int policy_transport_parse(const char *s, enum policy_transport *tp)
{
	static const char *const names[] = { "any", "udp", "tcp", "tls" };

	if (!s || !*s) {
		*tp = POLICY_TP_ANY;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*tp = (enum policy_transport)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *policy_media_mode_name(enum policy_media_mode m)
{
	static const char *const names[] = { "relay", "srtp-required", "srtp-offered", "rtp-only" };

	return (unsigned)m < 4 ? names[m] : "?";
}

static int day_index(const char *s, size_t len)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

	if (len != 3)
		return -1;
	for (int i = 0; i < 7; i++) {
		if (strncasecmp(s, days[i], 3) == 0)
			return i;
	}
	return -1;
}

int policy_days_parse(const char *s, uint8_t *mask)
{
	uint8_t m = 0;

	while (*s) {
		size_t len = strcspn(s, ",");
		const char *dash = memchr(s, '-', len);
		int a, b;

		if (dash) {
			a = day_index(s, (size_t)(dash - s));
			b = day_index(dash + 1, len - (size_t)(dash - s) - 1);
		} else {
			a = b = day_index(s, len);
		}
		if (a < 0 || b < 0)
			return EINVAL;
		/* mon-sun and fri-mon wrap around the week */
		for (int d = a;; d = (d + 1) % 7) {
			m |= (uint8_t)(1u << d);
			if (d == b)
				break;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	if (!m)
		return EINVAL;
	*mask = m;
	return 0;
}

int policy_hhmm_parse(const char *s, unsigned *min)
{
	unsigned h, m;
	int n = 0;

	if (sscanf(s, "%2u:%2u%n", &h, &m, &n) != 2 || s[n] != '\0' || n != 5)
		return EINVAL;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return EINVAL;
	*min = h * 60 + m;
	return 0;
}

int policy_codes_parse(const char *s, struct policy_failover_range *r, unsigned *n)
{
	unsigned cnt = 0;

	while (*s) {
		unsigned lo, hi;
		int used = 0;

		if (sscanf(s, "%3u%n", &lo, &used) != 1)
			return EINVAL;
		s += used;
		hi = lo;
		if (*s == '-') {
			if (sscanf(s + 1, "%3u%n", &hi, &used) != 1)
				return EINVAL;
			s += 1 + used;
		}
		if (lo < 300 || hi > 699 || lo > hi || cnt == POLICY_FAILOVER_CODES_MAX)
			return EINVAL;
		r[cnt].lo = (uint16_t)lo;
		r[cnt].hi = (uint16_t)hi;
		cnt++;
		if (*s == ',')
			s++;
		else if (*s)
			return EINVAL;
	}
	*n = cnt;
	return 0;
}
