/* Private layout of the policy snapshot and its builder. */
#ifndef B2BUA_POLICY_PRIV_H
#define B2BUA_POLICY_PRIV_H

#include <regex.h>
#include <stdarg.h>

#include "policy.h"

struct policy_regex {
	regex_t re;
	char *text;
};

struct policy_rule {
	int64_t id;
	enum policy_field field;
	unsigned strip;
	char prepend[POLICY_PREFIX_MAX];
	struct policy_regex *re;	/* NULL: no rewrite */
	char *replace;
};

/* A digit trie over sorted prefixes.  Children of a node sit side by
 * side; child_mask has one bit per character of the alphabet in ASCII
 * order ('#', '*', '+', '0'..'9'), and a child's index is child_base plus
 * the number of bits set below its own. */
struct policy_trie_node {
	uint32_t child_base;
	uint16_t child_mask;
	uint16_t pad;
	uint32_t first, count;		/* the items whose prefix ends here */
};

struct policy_trie {
	struct policy_trie_node *nodes;
	size_t n_nodes, cap;
};

enum { POLICY_TRIE_DEPTH = POLICY_PREFIX_MAX };

struct policy_blocked_prefix {
	int64_t id;
	int64_t trunk_id;
	const struct policy_trunk *trunk;	/* NULL: any */
	char prefix[POLICY_PREFIX_MAX];
	char reason[POLICY_REASON_MAX];
};

struct policy_blocked_source {
	int64_t id;
	struct policy_source src;
	char reason[POLICY_REASON_MAX];
};

/* a route before its trunks are resolved */
struct policy_route_raw {
	struct policy_route r;
	int64_t from_id, target_id;
};

struct policy_snapshot {
	_Atomic unsigned refs;
	struct policy_trunk *trunks;	/* sorted by id */
	unsigned n_trunks;
	struct policy_route *routes;	/* sorted by prefix, then id */
	size_t n_routes;
	struct policy_trie route_trie;
	struct policy_blocked_prefix *blocks;	/* sorted by prefix */
	size_t n_blocks;
	struct policy_trie block_trie;
	struct policy_blocked_source *bsources;
	size_t n_bsources;
	struct policy_tz **tzs;
	size_t n_tzs;
};

struct policy_builder {
	struct policy_trunk *trunks;
	unsigned n_trunks, cap_trunks;
	struct policy_route_raw *routes;
	size_t n_routes, cap_routes;
	struct policy_blocked_prefix *blocks;
	size_t n_blocks, cap_blocks;
	struct policy_blocked_source *bsources;
	size_t n_bsources, cap_bsources;
	struct policy_tz **tzs;
	size_t n_tzs, cap_tzs;
};

/* grows *arr (of elements of size sz) to hold at least n+1; 0 or ENOMEM */
int policy_grow(void *arrp, size_t *cap, size_t n, size_t sz);

__attribute__((format(printf, 3, 4)))
void policy_errf(char *err, size_t errsz, const char *fmt, ...);

/* "192.0.2.0/24" etc.; 0 or EINVAL */
int policy_source_parse(const char *text, struct policy_source *src);
bool policy_source_contains(const struct policy_source *net,
			    const struct sockaddr_storage *sa);
int policy_transport_parse(const char *s, enum policy_transport *tp);

int policy_regex_compile(const char *text, struct policy_regex **rep, char *msg, size_t msgsz);
void policy_regex_free(struct policy_regex *re);
bool policy_regex_match(const struct policy_regex *re, const char *s);

void policy_rule_free(struct policy_rule *r);
void policy_trunk_release(struct policy_trunk *t);

/* "mon-fri,sun" into a mask (bit 0 Sunday); 0 or EINVAL */
int policy_days_parse(const char *s, uint8_t *mask);
/* "HH:MM" into minutes (24:00 allowed); 0 or EINVAL */
int policy_hhmm_parse(const char *s, unsigned *min);
/* "408,500-599" into ranges; 0 or EINVAL */
int policy_codes_parse(const char *s, struct policy_failover_range *r, unsigned *n);

/* builds a trie over n sorted NUL-terminated prefixes found at
 * base + i * stride; 0 or ENOMEM */
int policy_trie_build(struct policy_trie *t, const char *base, size_t stride, size_t n);
void policy_trie_free(struct policy_trie *t);
/* the nodes holding items along number, shallowest first; returns how
 * many were stored in out (at most POLICY_TRIE_DEPTH + 1) */
unsigned policy_trie_walk(const struct policy_trie *t, const char *number,
			  const struct policy_trie_node **out);

/* appends a line to a trace buffer (NULL: nothing) */
__attribute__((format(printf, 3, 4)))
void policy_trace(char *buf, size_t size, const char *fmt, ...);

#endif
