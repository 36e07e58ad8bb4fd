/* Time windows in a time zone, without the C library's global TZ state.
 *
 * A zone is a POSIX TZ rule (the last line of a TZif file, for instance
 * "CET-1CEST,M3.5.0,M10.5.0/3"), which is exact for current dates; the
 * database loader turns zone names into rules so that this file needs no
 * I/O and is safe on any thread. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant) */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(long y, unsigned m)
{
	static const unsigned md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

static const char *parse_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		p = strchr(p, '>');
		return p && p - s >= 4 ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to 167 (RFC 8536 extension) */
static const char *parse_time(const char *p, long *secs)
{
	long sign = 1, h, m = 0, s = 0;
	char *end;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	h = strtol(p, &end, 10);
	p = end;
	if (*p == ':') {
		m = strtol(p + 1, &end, 10);
		p = end;
		if (*p == ':') {
			s = strtol(p + 1, &end, 10);
			p = end;
		}
	}
	if (h > 167 || m > 59 || s > 59)
		return NULL;
	*secs = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *parse_rule(const char *p, struct policy_tz_rule *r)
{
	char *end;

	memset(r, 0, sizeof(*r));
	if (*p == 'M') {
		r->kind = 'M';
		r->m = (int)strtol(p + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->w = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->d = (int)strtol(end + 1, &end, 10);
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
			return NULL;
	} else if (*p == 'J' || isdigit((unsigned char)*p)) {
		r->kind = *p == 'J' ? 'J' : 'D';
		r->d = (int)strtol(p + (*p == 'J'), &end, 10);
		if (r->kind == 'J' ? (r->d < 1 || r->d > 365) : (r->d < 0 || r->d > 365))
			return NULL;
	} else {
		return NULL;
	}
	p = end;
	r->time = 7200;
	if (*p == '/')
		p = parse_time(p + 1, &r->time);
	return p;
}

int policy_tz_parse(const char *rule, struct policy_tz *tz)
{
	struct policy_tz z;
	const char *p = rule;
	long off;

	memset(&z, 0, sizeof(z));
	if (!rule || strlen(rule) >= sizeof(z.text))
		return EINVAL;
	strcpy(z.text, rule);
	if (!(p = parse_name(p)) || !(p = parse_time(p, &off)))
		return EINVAL;
	z.std_off = -off;	/* POSIX offsets count west of Greenwich */
	if (*p) {
		if (!(p = parse_name(p)))
			return EINVAL;
		z.has_dst = true;
		z.dst_off = z.std_off + 3600;
		if (*p && *p != ',') {
			if (!(p = parse_time(p, &off)))
				return EINVAL;
			z.dst_off = -off;
		}
		if (*p == ',') {
			if (!(p = parse_rule(p + 1, &z.start)) || *p != ',' ||
			    !(p = parse_rule(p + 1, &z.end)))
				return EINVAL;
		} else {
			/* the POSIX default, the United States' rules */
			parse_rule("M3.2.0", &z.start);
			parse_rule("M11.1.0", &z.end);
		}
		if (*p)
			return EINVAL;
	}
	*tz = z;
	return 0;
}

/* seconds since the epoch, in local wall time of year y, of a rule */
static long long rule_local(const struct policy_tz_rule *r, long y)
{
	long day;

	if (r->kind == 'M') {
		long first = days_from_civil(y, (unsigned)r->m, 1);
		int wd = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
		long mday = 1 + (r->d - wd + 7) % 7 + (r->w - 1) * 7;

		while (mday > (long)month_days(y, (unsigned)r->m))
			mday -= 7;
		day = first + mday - 1;
	} else if (r->kind == 'J') {
		/* 1..365, February 29 never counted */
		day = days_from_civil(y, 1, 1) + r->d - 1 + (is_leap(y) && r->d >= 60);
	} else {
		day = days_from_civil(y, 1, 1) + r->d;
	}
	return (long long)day * 86400 + r->time;
}

static long offset_at(const struct policy_tz *tz, time_t t)
{
	long long start, end;
	struct tm tm;
	time_t lt;

	if (!tz->has_dst)
		return tz->std_off;
	lt = t + tz->std_off;
	gmtime_r(&lt, &tm);
	/* the instants in UTC: DST starts in standard time, ends in DST */
	start = rule_local(&tz->start, tm.tm_year + 1900L) - tz->std_off;
	end = rule_local(&tz->end, tm.tm_year + 1900L) - tz->dst_off;
	if (start < end)
		return (t >= start && t < end) ? tz->dst_off : tz->std_off;
	/* southern hemisphere: DST spans the new year */
	return (t >= end && t < start) ? tz->std_off : tz->dst_off;
}

void policy_tz_local(const struct policy_tz *tz, time_t t, struct tm *tm)
{
	time_t lt = t + (tz ? offset_at(tz, t) : 0);

	gmtime_r(&lt, tm);
}

bool policy_route_open(const struct policy_route *r, time_t now)
{
	struct tm tm;
	unsigned min;
	int yday;

	if (r->days == 0x7f && r->start_min == 0 && r->end_min == 1440)
		return true;
	policy_tz_local(r->tz, now, &tm);
	min = (unsigned)(tm.tm_hour * 60 + tm.tm_min);
	if (r->start_min <= r->end_min)
		return (r->days & (1u << tm.tm_wday)) && min >= r->start_min && min < r->end_min;
	/* past midnight: the window belongs to the day it opened on */
	yday = (tm.tm_wday + 6) % 7;
	if (min >= r->start_min)
		return r->days & (1u << tm.tm_wday);
	return min < r->end_min && (r->days & (1u << yday));
}

bool policy_route_fails_over(const struct policy_route *r, unsigned code)
{
	for (unsigned i = 0; i < r->n_failover; i++) {
		if (code >= r->failover[i].lo && code <= r->failover[i].hi)
			return true;
	}
	return false;
}
