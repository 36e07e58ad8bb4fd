/* Per-trunk limits: concurrent calls in, out and in total, and calls per
 * second as a token bucket.  Runtime state of the signalling thread; the
 * counters are keyed by trunk name so they survive a policy reload. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

enum {
	LIMIT_BUCKETS = 256,
	/* Retry-After for a trunk at its concurrency limit: we cannot know
	 * when a call ends, so a short hint */
	LIMIT_RETRY_BUSY = 5,
};

struct limit_entry {
	struct limit_entry *next;
	unsigned active[2];
	double tokens, last;
	bool primed;
	char name[POLICY_NAME_MAX];
};

struct policy_limiter {
	struct limit_entry *buckets[LIMIT_BUCKETS];
};

static unsigned name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h % LIMIT_BUCKETS;
}

int policy_limiter_alloc(struct policy_limiter **lp)
{
	struct policy_limiter *l = calloc(1, sizeof(*l));

	if (!l)
		return ENOMEM;
	*lp = l;
	return 0;
}

void policy_limiter_free(struct policy_limiter *l)
{
	if (!l)
		return;
	for (int i = 0; i < LIMIT_BUCKETS; i++) {
		while (l->buckets[i]) {
			struct limit_entry *e = l->buckets[i];

			l->buckets[i] = e->next;
			free(e);
		}
	}
	free(l);
}

static struct limit_entry *entry(const struct policy_limiter *l, const char *name)
{
	for (struct limit_entry *e = l->buckets[name_hash(name)]; e; e = e->next) {
		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

int policy_limit_take(struct policy_limiter *l, const struct policy_trunk *t,
		      enum policy_dir dir, double now, unsigned *retry_after, const char **limit)
{
	const struct policy_limits *lim = &t->limits;
	struct limit_entry *e = entry(l, t->name);
	unsigned max_dir = dir == POLICY_DIR_IN ? lim->max_in : lim->max_out;

	if (!e) {
		unsigned h = name_hash(t->name);

		e = calloc(1, sizeof(*e));
		if (!e)
			return ENOMEM;
		strcpy(e->name, t->name);
		e->next = l->buckets[h];
		l->buckets[h] = e;
	}
	/* concurrency first: a refused call must not spend a token */
	if (max_dir && e->active[dir] >= max_dir) {
		*limit = dir == POLICY_DIR_IN ? "max_calls_in" : "max_calls_out";
		*retry_after = LIMIT_RETRY_BUSY;
		return EBUSY;
	}
	if (lim->max_total && e->active[0] + e->active[1] >= lim->max_total) {
		*limit = "max_calls";
		*retry_after = LIMIT_RETRY_BUSY;
		return EBUSY;
	}
	if (lim->cps > 0) {
		double burst = lim->burst ? lim->burst : fmax(1.0, ceil(lim->cps));

		if (!e->primed) {
			e->tokens = burst;
			e->last = now;
			e->primed = true;
		}
		if (now > e->last)
			e->tokens = fmin(burst, e->tokens + (now - e->last) * lim->cps);
		e->last = now;
		if (e->tokens < 1.0) {
			*limit = "cps";
			*retry_after = (unsigned)ceil((1.0 - e->tokens) / lim->cps);
			if (*retry_after < 1)
				*retry_after = 1;
			return EBUSY;
		}
		e->tokens -= 1.0;
	}
	e->active[dir]++;
	return 0;
}

void policy_limit_release(struct policy_limiter *l, const struct policy_trunk *t,
			  enum policy_dir dir)
{
	struct limit_entry *e = entry(l, t->name);

	if (e && e->active[dir])
		e->active[dir]--;
}

unsigned policy_limit_active(const struct policy_limiter *l, const struct policy_trunk *t,
			     enum policy_dir dir)
{
	const struct limit_entry *e = entry(l, t->name);

	return e ? e->active[dir] : 0;
}
