/* explain: why would this call go there?  The same decision the daemon
 * takes, printed step by step, without a daemon running. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

struct explain_args {
	const char *source, *transport, *trunk, *number, *from, *at, *tz;
	unsigned active;
};

static int parse_source(const char *text, struct sockaddr_storage *ss)
{
	char host[80];
	const char *port = NULL;
	size_t len;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *end = strchr(text, ']');

		if (!end || (size_t)(end - text - 1) >= sizeof(host))
			return EINVAL;
		len = (size_t)(end - text - 1);
		memcpy(host, text + 1, len);
		host[len] = '\0';
		if (end[1] == ':')
			port = end + 2;
	} else if (strchr(text, ':') && strchr(text, ':') == strrchr(text, ':')) {
		len = (size_t)(strchr(text, ':') - text);
		if (len >= sizeof(host))
			return EINVAL;
		memcpy(host, text, len);
		host[len] = '\0';
		port = text + len + 1;
	} else {
		if (strlen(text) >= sizeof(host))
			return EINVAL;
		strcpy(host, text);
	}
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)(port ? atoi(port) : 5060));
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ? 0 : EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)(port ? atoi(port) : 5060));
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : EINVAL;
}

/* local wall time in tz to UTC: two steps settle any offset */
static int parse_at(const char *at, const char *zone, time_t *tp)
{
	struct policy_tz tz;
	char rule[POLICY_TZ_MAX];
	struct tm tm, loc;
	time_t wall, t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(at, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min) != 5)
		return EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	wall = timegm(&tm);
	if (db_tz_rule(zone ? zone : "UTC", rule, sizeof(rule)) || policy_tz_parse(rule, &tz))
		return ENOENT;
	t = wall;
	for (int i = 0; i < 2; i++) {
		policy_tz_local(&tz, t, &loc);
		t = wall - (timegm(&loc) - t);
	}
	*tp = t;
	return 0;
}

static void explain_limits(const struct policy_trunk *t, enum policy_dir dir, unsigned active)
{
	const struct policy_limits *l = &t->limits;
	struct policy_limiter *lim;
	const char *which = NULL;
	unsigned ra = 0;
	int e = 0;

	printf("limits of %s (%s): max_calls_in %u, max_calls_out %u, max_calls %u, cps %g "
	       "burst %u (0: unlimited)\n", t->name, dir == POLICY_DIR_IN ? "inbound" : "outbound",
	       l->max_in, l->max_out, l->max_total, l->cps, l->burst);
	if (policy_limiter_alloc(&lim))
		return;
	/* `active` calls already up in this direction, spread over one second */
	for (unsigned i = 0; i < active && !e; i++)
		e = policy_limit_take(lim, t, dir, (double)i / (active ? active : 1), &ra, &which);
	if (!e)
		e = policy_limit_take(lim, t, dir, 1.0, &ra, &which);
	if (e == EBUSY)
		printf("  with %u calls up: refused by %s: 503, Retry-After %u%s\n", active, which,
		       ra, active ? "" : " (the limit is reached before any call)");
	else
		printf("  with %u calls up: admitted\n", active);
	policy_limiter_free(lim);
}

static int run(struct db *db, const struct explain_args *a)
{
	struct policy_snapshot *s;
	const struct policy_trunk *from = NULL;
	struct policy_decision d;
	struct sockaddr_storage ss;
	char err[DB_ERR_MAX] = "", trace[8192];
	time_t now = time(NULL);
	struct tm tm;
	int e;

	if (a->at && (e = parse_at(a->at, a->tz, &now)))
		return tool_fail(e == ENOENT ? "unknown time zone \"%s\"" : "--at \"%s\" is not "
				 "YYYY-MM-DD HH:MM", e == ENOENT ? a->tz : a->at);
	if (a->source && parse_source(a->source, &ss))
		return tool_fail("--source \"%s\" is not ADDR[:PORT]", a->source);
	e = db_snapshot_load(db, &s, err, sizeof(err));
	if (e)
		return tool_fail("policy refused: %s", err[0] ? err : strerror(e));
	/* errors come before any output */
	if (a->trunk && !(from = policy_trunk_by_name(s, a->trunk))) {
		policy_snapshot_unref(s);
		return tool_fail("no trunk \"%s\"", a->trunk);
	}
	gmtime_r(&now, &tm);
	printf("time: %04d-%02d-%02d %02d:%02d UTC%s%s\n", tm.tm_year + 1900, tm.tm_mon + 1,
	       tm.tm_mday, tm.tm_hour, tm.tm_min, a->tz ? ", given in " : "", a->tz ? a->tz : "");
	if (a->source) {
		enum policy_transport tp = POLICY_TP_UDP;
		const char *why;

		if (a->transport)
			tp = strcmp(a->transport, "tcp") == 0 ? POLICY_TP_TCP
				: strcmp(a->transport, "tls") == 0 ? POLICY_TP_TLS : POLICY_TP_UDP;
		if ((why = policy_source_blocked(s, &ss))) {
			printf("source %s: blocked (%s): refused with 403\n", a->source, why);
			policy_snapshot_unref(s);
			return 0;
		}
		from = policy_trunk_match(s, &ss, tp);
		printf("source %s/%s: %s%s\n", a->source, policy_transport_name(tp),
		       from ? "trunk " : "no trunk matches", from ? from->name : "");
	}
	memset(&d, 0, sizeof(d));
	trace[0] = '\0';
	d.trace = trace;
	d.trace_size = sizeof(trace);
	policy_decide(s, from, a->number, a->from ? a->from : "anonymous", a->number, now, 0, &d);
	fputs(trace, stdout);
	if (from)
		explain_limits(from, POLICY_DIR_IN, a->active);
	if (!d.status && d.n_attempts)
		explain_limits(d.attempts[0].trunk, POLICY_DIR_OUT, a->active);
	if (d.status)
		printf("result: %d (%s)\n", d.status, d.reason);
	else
		printf("result: go, %u attempt%s; first: trunk %s, R-URI user %s\n", d.n_attempts,
		       d.n_attempts == 1 ? "" : "s", d.attempts[0].trunk->name, d.attempts[0].ruri_user);
	policy_snapshot_unref(s);
	return 0;
}

int tool_explain(struct db *db, int argc, char **argv)
{
	struct explain_args a;

	memset(&a, 0, sizeof(a));
	for (int i = 0; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--source") == 0)
			a.source = v;
		else if (strcmp(k, "--transport") == 0)
			a.transport = v;
		else if (strcmp(k, "--trunk") == 0)
			a.trunk = v;
		else if (strcmp(k, "--number") == 0)
			a.number = v;
		else if (strcmp(k, "--from") == 0)
			a.from = v;
		else if (strcmp(k, "--at") == 0)
			a.at = v;
		else if (strcmp(k, "--tz") == 0)
			a.tz = v;
		else if (strcmp(k, "--active") == 0)
			a.active = (unsigned)atoi(v);
		else
			return tool_fail("explain: unknown option %s", k);
	}
	if (argc % 2)
		return tool_fail("explain: option %s needs a value", argv[argc - 1]);
	if (!a.number || (!a.source == !a.trunk))
		return tool_fail("explain DB (--source ADDR[:PORT] | --trunk NAME) --number N");
	return run(db, &a);
}
