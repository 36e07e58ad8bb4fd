/* The decision for a new call: inbound rules, blocked prefixes, the
 * longest prefix with an eligible route, priority and weighted order,
 * then each attempt's targets and outbound rules.  A value, with a trace
 * the explain tool prints. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy_priv.h"

_Static_assert(6 + 20 + 10 + POLICY_NAME_MAX <= POLICY_REASON_MAX, "go_reason fits");

/* splitmix64: small, fast, and the same sequence for the same seed */
static uint64_t next_rand(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Orders items by priority, then by a weighted draw without replacement
 * among equal priorities (RFC 2782 style); weight 0 goes last. */
static void weighted_order(const void **items, unsigned n, unsigned (*prio)(const void *),
			   unsigned (*weight)(const void *), uint64_t *st)
{
	/* insertion sort by priority keeps equal ones in input order */
	for (unsigned i = 1; i < n; i++) {
		const void *x = items[i];
		unsigned j = i;

		while (j && prio(items[j - 1]) > prio(x)) {
			items[j] = items[j - 1];
			j--;
		}
		items[j] = x;
	}
	for (unsigned lo = 0; lo < n;) {
		unsigned hi = lo;

		while (hi < n && prio(items[hi]) == prio(items[lo]))
			hi++;
		for (unsigned i = lo; i + 1 < hi; i++) {
			uint64_t sum = 0, pick;
			unsigned k;

			for (k = i; k < hi; k++)
				sum += weight(items[k]);
			if (!sum)
				break;
			pick = next_rand(st) % sum;
			for (k = i; k < hi; k++) {
				if (pick < weight(items[k]))
					break;
				pick -= weight(items[k]);
			}
			const void *t = items[i];
			items[i] = items[k];
			items[k] = t;
		}
		lo = hi;
	}
}

static unsigned route_prio(const void *p) { return ((const struct policy_route *)p)->priority; }
static unsigned route_weight(const void *p) { return ((const struct policy_route *)p)->weight; }
static unsigned target_prio(const void *p) { return ((const struct policy_target *)p)->priority; }
static unsigned target_weight(const void *p) { return ((const struct policy_target *)p)->weight; }

static void refuse(struct policy_decision *out, int status, const char *what, const char *arg)
{
	out->status = status;
	out->reason[0] = '\0';
	strncat(out->reason, what, sizeof(out->reason) - 1);
	strncat(out->reason, arg, sizeof(out->reason) - 1 - strlen(out->reason));
	policy_trace(out->trace, out->trace_size, "refused: %d %s", status, out->reason);
}

static const char *blocked(const struct policy_snapshot *s, const struct policy_trunk *from,
			   const char *number, const struct policy_blocked_prefix **bpp)
{
	const struct policy_trie_node *nodes[POLICY_TRIE_DEPTH + 1];
	unsigned n = policy_trie_walk(&s->block_trie, number, nodes);

	while (n--) {
		for (uint32_t i = 0; i < nodes[n]->count; i++) {
			const struct policy_blocked_prefix *bp = &s->blocks[nodes[n]->first + i];

			if (!bp->trunk || bp->trunk == from) {
				*bpp = bp;
				return bp->reason;
			}
		}
	}
	return NULL;
}

/* the eligible routes at the longest prefix that has any; routes of the
 * caller's own trunk beat routes for any trunk at the same length */
static unsigned eligible_routes(const struct policy_snapshot *s, const struct policy_trunk *from,
				const char *number, time_t now, const struct policy_route **out,
				unsigned max, bool *incomplete, char *trace, size_t trace_size)
{
	const struct policy_trie_node *nodes[POLICY_TRIE_DEPTH + 1];
	unsigned n = policy_trie_walk(&s->route_trie, number, nodes);
	size_t len = strlen(number);

	while (n--) {
		for (int own = 1; own >= 0; own--) {
			unsigned cnt = 0;

			for (uint32_t i = 0; i < nodes[n]->count; i++) {
				const struct policy_route *r = &s->routes[nodes[n]->first + i];

				if (own ? r->from != from || !from : r->from != NULL)
					continue;
				if (!policy_route_open(r, now)) {
					policy_trace(trace, trace_size, "  route %lld (prefix \"%s\"): "
						     "closed at this time", (long long)r->id, r->prefix);
					continue;
				}
				if (r->re && !policy_regex_match(r->re, number)) {
					policy_trace(trace, trace_size, "  route %lld (prefix \"%s\"): "
						     "user does not match /%s/", (long long)r->id,
						     r->prefix, r->user_regex);
					continue;
				}
				if (len < r->min_length) {
					policy_trace(trace, trace_size, "  route %lld (prefix \"%s\"): "
						     "number shorter than %u digits", (long long)r->id,
						     r->prefix, r->min_length);
					*incomplete = true;
					continue;
				}
				if (cnt < max)
					out[cnt++] = r;
			}
			if (cnt)
				return cnt;
		}
	}
	return 0;
}

static int fill_attempt(const struct policy_route *r, const struct policy_decision *d,
			struct policy_attempt *a, uint64_t *st)
{
	const struct policy_trunk *t = r->target;
	const void *tg[POLICY_TARGETS_MAX];
	int err;

	a->route = r;
	a->trunk = t;
	a->n_targets = t->n_targets < POLICY_TARGETS_MAX ? t->n_targets : POLICY_TARGETS_MAX;
	for (unsigned i = 0; i < a->n_targets; i++)
		tg[i] = &t->targets[i];
	weighted_order(tg, a->n_targets, target_prio, target_weight, st);
	for (unsigned i = 0; i < a->n_targets; i++)
		a->targets[i] = tg[i];
	err = policy_rules_apply(t, POLICY_DIR_OUT, POLICY_FIELD_RURI, d->ruri_user, a->ruri_user,
				 sizeof(a->ruri_user), d->trace, d->trace_size);
	if (!err)
		err = policy_rules_apply(t, POLICY_DIR_OUT, POLICY_FIELD_FROM, d->from_user,
					 a->from_user, sizeof(a->from_user), d->trace, d->trace_size);
	if (!err)
		err = policy_rules_apply(t, POLICY_DIR_OUT, POLICY_FIELD_TO, d->to_user, a->to_user,
					 sizeof(a->to_user), d->trace, d->trace_size);
	return err;
}

static void trace_attempt(struct policy_decision *d, unsigned i)
{
	const struct policy_attempt *a = &d->attempts[i];
	char line[512];
	int len;

	len = snprintf(line, sizeof(line), "attempt %u: route %lld (prefix \"%s\", priority %u, "
		       "weight %u) -> trunk %s, R-URI user %s, targets", i + 1,
		       (long long)a->route->id, a->route->prefix, a->route->priority,
		       a->route->weight, a->trunk->name, a->ruri_user);
	for (unsigned k = 0; k < a->n_targets && len > 0 && (size_t)len < sizeof(line); k++)
		len += snprintf(line + len, sizeof(line) - (size_t)len,
				strchr(a->targets[k]->host, ':') ? " [%s]:%u/%s" : " %s:%u/%s",
				a->targets[k]->host, a->targets[k]->port,
				policy_transport_name(a->targets[k]->tp));
	policy_trace(d->trace, d->trace_size, "%s", line);
}

/* "route ID to trunk NAME" without the cost of snprintf */
static void go_reason(struct policy_decision *d)
{
	const struct policy_attempt *a = &d->attempts[0];
	char digits[24], *p = digits + sizeof(digits);
	uint64_t id = a->route->id < 0 ? 0 - (uint64_t)a->route->id : (uint64_t)a->route->id;
	size_t o, n;

	*--p = '\0';
	do {
		*--p = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	if (a->route->id < 0)
		*--p = '-';
	/* 6 + 20 + 10 + POLICY_NAME_MAX - 1 fits in POLICY_REASON_MAX */
	memcpy(d->reason, "route ", 6);
	o = 6;
	n = strlen(p);
	memcpy(d->reason + o, p, n);
	o += n;
	memcpy(d->reason + o, " to trunk ", 10);
	o += 10;
	n = strnlen(a->trunk->name, POLICY_NAME_MAX - 1);
	memcpy(d->reason + o, a->trunk->name, n);
	d->reason[o + n] = '\0';
}

unsigned policy_routes_find(const struct policy_snapshot *s, const struct policy_trunk *from,
			    const char *number, time_t now, const struct policy_route **out,
			    unsigned max)
{
	bool incomplete = false;

	if (!s || !number || !out)
		return 0;
	return eligible_routes(s, from, number, now, out, max, &incomplete, NULL, 0);
}

int policy_decide(const struct policy_snapshot *s, const struct policy_trunk *from,
		  const char *ruri_user, const char *from_user, const char *to_user,
		  time_t now, uint64_t seed, struct policy_decision *out)
{
	const struct policy_route *routes[64];
	const struct policy_blocked_prefix *bp;
	bool incomplete = false;
	uint64_t st = seed;
	unsigned n, max;
	char *trace;
	size_t trace_size;

	if (!s || !ruri_user || !out)
		return EINVAL;
	/* Only what a decision is read for is set: the struct is about 4 KB
	 * and clearing it all cost more than the rest of a typical decision.
	 * Attempts past n_attempts and targets past n_targets stay as they
	 * were. */
	trace = out->trace;
	trace_size = out->trace_size;
	if (!trace)
		trace_size = 0;
	else if (trace_size)
		trace[0] = '\0';
	out->status = 0;
	out->retry_after = 0;
	out->reason[0] = '\0';
	out->from = from;
	out->ruri_user[0] = out->from_user[0] = out->to_user[0] = '\0';
	out->n_attempts = 0;
	if (!from) {
		refuse(out, 403, "unknown source: no trunk matches", "");
		return 0;
	}
	policy_trace(trace, trace_size, "from trunk %s (zone %s)", from->name, from->zone);
	if (policy_rules_apply(from, POLICY_DIR_IN, POLICY_FIELD_RURI, ruri_user, out->ruri_user,
			       sizeof(out->ruri_user), trace, trace_size) ||
	    policy_rules_apply(from, POLICY_DIR_IN, POLICY_FIELD_FROM, from_user ? from_user : "",
			       out->from_user, sizeof(out->from_user), trace, trace_size) ||
	    policy_rules_apply(from, POLICY_DIR_IN, POLICY_FIELD_TO, to_user ? to_user : "",
			       out->to_user, sizeof(out->to_user), trace, trace_size)) {
		refuse(out, 404, "number too long after the inbound rules", "");
		return 0;
	}
	policy_trace(trace, trace_size, "number %s", out->ruri_user);
	if (blocked(s, from, out->ruri_user, &bp)) {
		char why[POLICY_REASON_MAX + POLICY_PREFIX_MAX + 32];

		snprintf(why, sizeof(why), "blocked prefix %s%s%s", bp->prefix,
			 bp->reason[0] ? ": " : "", bp->reason);
		refuse(out, 403, why, "");
		return 0;
	}
	n = eligible_routes(s, from, out->ruri_user, now, routes, 64, &incomplete, trace,
			    trace_size);
	if (!n) {
		if (incomplete)
			refuse(out, 484, "incomplete number", "");
		else
			refuse(out, 404, "no route for ", out->ruri_user);
		return 0;
	}
	weighted_order((const void **)routes, n, route_prio, route_weight, &st);
	max = routes[0]->max_attempts;
	if (max > POLICY_ATTEMPTS_MAX)
		max = POLICY_ATTEMPTS_MAX;
	for (unsigned i = 0; i < n && out->n_attempts < max; i++) {
		if (fill_attempt(routes[i], out, &out->attempts[out->n_attempts], &st)) {
			policy_trace(trace, trace_size, "route %lld: number too long after the "
				     "outbound rules, skipped", (long long)routes[i]->id);
			continue;
		}
		if (trace_size)
			trace_attempt(out, out->n_attempts);
		out->n_attempts++;
	}
	if (!out->n_attempts) {
		refuse(out, 404, "no usable route for ", out->ruri_user);
		return 0;
	}
	go_reason(out);
	return 0;
}
