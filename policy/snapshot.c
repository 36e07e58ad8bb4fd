/* Finishing a snapshot (references, indexes) and its life cycle. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

static int trunk_cmp(const void *a, const void *b)
{
	const struct policy_trunk *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int route_cmp(const void *a, const void *b)
{
	const struct policy_route *x = a, *y = b;
	int c = strcmp(x->prefix, y->prefix);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int block_cmp(const void *a, const void *b)
{
	const struct policy_blocked_prefix *x = a, *y = b;

	return strcmp(x->prefix, y->prefix);
}

static const struct policy_trunk *trunk_lookup(const struct policy_snapshot *s, int64_t id)
{
	struct policy_trunk key;

	if (!s->n_trunks)
		return NULL;
	key.id = id;
	return bsearch(&key, s->trunks, s->n_trunks, sizeof(key), trunk_cmp);
}

static void snapshot_free(struct policy_snapshot *s)
{
	for (unsigned i = 0; i < s->n_trunks; i++)
		policy_trunk_release(&s->trunks[i]);
	free(s->trunks);
	for (size_t i = 0; i < s->n_routes; i++) {
		policy_regex_free(s->routes[i].re);
		free((char *)s->routes[i].user_regex);
	}
	free(s->routes);
	policy_trie_free(&s->route_trie);
	policy_trie_free(&s->block_trie);
	free(s->blocks);
	free(s->bsources);
	for (size_t i = 0; i < s->n_tzs; i++)
		free(s->tzs[i]);
	free(s->tzs);
	free(s);
}

/* moves the builder's rows into s; the builder keeps nothing to free */
static void take_rows(struct policy_snapshot *s, struct policy_builder *b)
{
	s->trunks = b->trunks;
	s->n_trunks = b->n_trunks;
	b->trunks = NULL;
	b->n_trunks = 0;
	s->blocks = b->blocks;
	s->n_blocks = b->n_blocks;
	b->blocks = NULL;
	b->n_blocks = 0;
	s->bsources = b->bsources;
	s->n_bsources = b->n_bsources;
	b->bsources = NULL;
	b->n_bsources = 0;
	s->tzs = b->tzs;
	s->n_tzs = b->n_tzs;
	b->tzs = NULL;
	b->n_tzs = 0;
}

static int resolve_routes(struct policy_snapshot *s, struct policy_builder *b,
			  char *err, size_t errsz)
{
	s->routes = malloc((b->n_routes ? b->n_routes : 1) * sizeof(*s->routes));
	if (!s->routes)
		return ENOMEM;
	for (size_t i = 0; i < b->n_routes; i++) {
		struct policy_route_raw *rr = &b->routes[i];
		struct policy_route *r = &s->routes[s->n_routes];

		*r = rr->r;
		/* the snapshot owns the regex from here on */
		rr->r.re = NULL;
		rr->r.user_regex = NULL;
		s->n_routes++;
		r->from = rr->from_id ? trunk_lookup(s, rr->from_id) : NULL;
		if (rr->from_id && !r->from) {
			policy_errf(err, errsz, "route %lld: from trunk %lld does not exist",
				    (long long)r->id, (long long)rr->from_id);
			return EINVAL;
		}
		r->target = trunk_lookup(s, rr->target_id);
		if (!r->target) {
			policy_errf(err, errsz, "route %lld: target trunk %lld does not exist",
				    (long long)r->id, (long long)rr->target_id);
			return EINVAL;
		}
		if (!r->target->n_targets) {
			policy_errf(err, errsz, "route %lld: target trunk %s has no target",
				    (long long)r->id, r->target->name);
			return EINVAL;
		}
	}
	return 0;
}

int policy_builder_finish(struct policy_builder *b, struct policy_snapshot **sp,
			  char *err, size_t errsz)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	int e;

	if (!s)
		return ENOMEM;
	atomic_init(&s->refs, 1);
	take_rows(s, b);
	if (s->n_trunks > 1)
		qsort(s->trunks, s->n_trunks, sizeof(*s->trunks), trunk_cmp);
	e = resolve_routes(s, b, err, errsz);
	if (e)
		goto out;
	for (size_t i = 0; i < s->n_blocks; i++) {
		struct policy_blocked_prefix *bp = &s->blocks[i];

		bp->trunk = bp->trunk_id ? trunk_lookup(s, bp->trunk_id) : NULL;
		if (bp->trunk_id && !bp->trunk) {
			policy_errf(err, errsz, "blocked prefix %lld: trunk %lld does not exist",
				    (long long)bp->id, (long long)bp->trunk_id);
			e = EINVAL;
			goto out;
		}
	}
	if (s->n_routes > 1)
		qsort(s->routes, s->n_routes, sizeof(*s->routes), route_cmp);
	if (s->n_blocks > 1)
		qsort(s->blocks, s->n_blocks, sizeof(*s->blocks), block_cmp);
	e = policy_trie_build(&s->route_trie, s->routes[0].prefix, sizeof(*s->routes),
			      s->n_routes);
	if (!e)
		e = policy_trie_build(&s->block_trie, s->blocks ? s->blocks[0].prefix : "",
				      sizeof(*s->blocks), s->n_blocks);
	if (e == EINVAL)
		policy_errf(err, errsz, "a prefix has a character outside 0-9 * # +");
out:
	if (e) {
		snapshot_free(s);
		return e;
	}
	*sp = s;
	return 0;
}

void policy_snapshot_ref(struct policy_snapshot *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void policy_snapshot_unref(struct policy_snapshot *s)
{
	/* release/acquire: the last owner sees every write of the others */
	if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		snapshot_free(s);
}

unsigned policy_snapshot_trunk_count(const struct policy_snapshot *s)
{
	return s ? s->n_trunks : 0;
}

const struct policy_trunk *policy_snapshot_trunk(const struct policy_snapshot *s, unsigned i)
{
	return s && i < s->n_trunks ? &s->trunks[i] : NULL;
}

size_t policy_snapshot_route_count(const struct policy_snapshot *s)
{
	return s ? s->n_routes : 0;
}
