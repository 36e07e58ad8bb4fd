/* Routing and admission policy: pure decisions on an immutable snapshot.
 *
 * A snapshot is built once (by the database loader, a test or a benchmark)
 * with a policy_builder, then only read.  It is reference counted with an
 * atomic counter so the thread that built it and the signalling thread can
 * share it; a call keeps a reference to the snapshot it started with.
 * Nothing here does I/O, takes a lock or starts a thread.
 *
 * Limits are runtime state, not policy: a policy_limiter belongs to the
 * signalling thread and survives reloads (counters are keyed by trunk name).
 */
#ifndef B2BUA_POLICY_H
#define B2BUA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

enum {
	POLICY_NAME_MAX = 32,		/* trunk and zone names, NUL included */
	POLICY_HOST_MAX = 254,
	POLICY_DOMAIN_MAX = 128,
	POLICY_CRED_MAX = 64,
	POLICY_USER_MAX = 128,		/* a rewritten user part, NUL included */
	POLICY_PREFIX_MAX = 32,
	POLICY_CODECS_MAX = 16,
	POLICY_CODEC_MAX = 24,
	POLICY_HDRS_MAX = 16,
	POLICY_HDR_NAME_MAX = 64,
	POLICY_HDR_VALUE_MAX = 256,
	POLICY_TZ_MAX = 64,
	POLICY_FAILOVER_CODES_MAX = 8,	/* ranges per route */
	POLICY_ATTEMPTS_MAX = 8,
	POLICY_TARGETS_MAX = 8,		/* targets of one trunk in one attempt */
	POLICY_REASON_MAX = 160,
	POLICY_ERR_MAX = 256,		/* a validation error */
};

/* Numbered like enum sip_transport (NONE=0, UDP, TCP, TLS) so the core can
 * convert with a cast; POLICY_TP_ANY matches every transport. */
enum policy_transport {
	POLICY_TP_ANY = 0,
	POLICY_TP_UDP = 1,
	POLICY_TP_TCP = 2,
	POLICY_TP_TLS = 3,
};

enum policy_media_mode {
	POLICY_MEDIA_RELAY = 0,		/* relay whatever the offer carries */
	POLICY_MEDIA_SRTP_REQUIRED,	/* refuse plain RTP on this trunk */
	POLICY_MEDIA_SRTP_OFFERED,	/* offer SRTP, accept RTP */
	POLICY_MEDIA_RTP_ONLY,		/* never SRTP on this trunk */
};

/* what to do with a 3xx from this trunk */
enum policy_on_3xx {
	POLICY_3XX_FAILOVER = 0,	/* treat it as a failure: next route */
	POLICY_3XX_FOLLOW,		/* send the call to the Contact */
	POLICY_3XX_PASS,		/* relay the 3xx to the caller */
};

enum policy_dir { POLICY_DIR_IN = 0, POLICY_DIR_OUT = 1 };
enum policy_field { POLICY_FIELD_RURI = 0, POLICY_FIELD_FROM, POLICY_FIELD_TO };

/* An address or CIDR prefix that a source must fall in. */
struct policy_source {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network order, host bits cleared */
	unsigned prefix_len;		/* 0..32 or 0..128 */
	uint16_t port;			/* 0: any */
	enum policy_transport tp;	/* POLICY_TP_ANY: any */
};

struct policy_target {
	char host[POLICY_HOST_MAX];
	uint16_t port;
	enum policy_transport tp;
	unsigned priority;		/* lower first */
	unsigned weight;		/* share among targets of equal priority */
};

struct policy_limits {			/* 0: unlimited */
	unsigned max_in, max_out, max_total;	/* concurrent calls */
	double cps;			/* new calls per second, both directions */
	unsigned burst;			/* token bucket size; 0: max(1, cps) */
};

struct policy_header {
	char name[POLICY_HDR_NAME_MAX];
	char value[POLICY_HDR_VALUE_MAX];	/* empty for a removal */
};

struct policy_rule;			/* a number rule; see policy_rules_apply */
struct policy_regex;

struct policy_trunk {
	int64_t id;			/* database row id */
	char name[POLICY_NAME_MAX];
	char zone[POLICY_NAME_MAX];
	struct policy_source *sources;
	unsigned n_sources;
	struct policy_target *targets;
	unsigned n_targets;
	/* outbound digest credentials; empty user: none */
	char auth_user[POLICY_CRED_MAX], auth_password[POLICY_CRED_MAX];
	char auth_realm[POLICY_CRED_MAX];
	bool inbound_auth;		/* challenge requests from this trunk */
	struct policy_limits limits;
	char codecs[POLICY_CODECS_MAX][POLICY_CODEC_MAX];	/* in order */
	unsigned n_codecs;		/* 0: any */
	struct policy_header hdr_add[POLICY_HDRS_MAX];
	unsigned n_hdr_add;
	struct policy_header hdr_remove[POLICY_HDRS_MAX];
	unsigned n_hdr_remove;
	char from_domain[POLICY_DOMAIN_MAX];	/* empty: our address */
	char to_domain[POLICY_DOMAIN_MAX];
	bool pai_trust;			/* keep its P-Asserted-Identity */
	enum policy_media_mode media_mode;
	unsigned session_timer;		/* seconds, 0: none (RFC 4028) */
	unsigned max_duration;		/* seconds, 0: none */
	enum policy_on_3xx on_3xx;
	bool refer_deny;		/* a REFER from this trunk gets 403 */
	/* number rules in order, by direction (private layout) */
	struct policy_rule *rules[2];
	unsigned n_rules[2];
};

/* A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), parsed. */
struct policy_tz {
	char text[POLICY_TZ_MAX];	/* as given (a name or the rule) */
	long std_off, dst_off;		/* seconds east of UTC */
	bool has_dst;
	struct policy_tz_rule {
		char kind;		/* 'M' month.week.day, 'J' 1..365, 'D' 0..365 */
		int m, w, d;		/* for 'M'; d is the day for 'J'/'D' */
		long time;		/* seconds after local midnight */
	} start, end;
};

struct policy_failover_range { uint16_t lo, hi; };

struct policy_route {
	int64_t id;			/* database row id */
	const struct policy_trunk *from;	/* NULL: any trunk */
	char prefix[POLICY_PREFIX_MAX];
	const char *user_regex;		/* POSIX ERE on the R-URI user, or NULL */
	struct policy_regex *re;	/* its compiled form (private) */
	unsigned min_length;		/* shorter numbers are incomplete (484) */
	uint8_t days;			/* bit 0 Sunday .. bit 6 Saturday */
	unsigned start_min, end_min;	/* [start, end) minutes of local day;
					 * end < start runs past midnight */
	const struct policy_tz *tz;
	unsigned priority, weight;
	const struct policy_trunk *target;
	struct policy_failover_range failover[POLICY_FAILOVER_CODES_MAX];
	unsigned n_failover;
	unsigned failover_timeout;	/* seconds, 0: none */
	unsigned max_attempts;
};

/* Definitions handed to the builder; strings are copied.  Fields hold the
 * database's text so that validation can name what is wrong with it. */
struct policy_trunk_def {
	int64_t id;
	const char *name, *zone;
	const char *auth_user, *auth_password, *auth_realm;	/* NULL: none */
	bool inbound_auth;
	struct policy_limits limits;
	const char *codecs;		/* "PCMA,PCMU" or NULL */
	const char *from_domain, *to_domain;
	bool pai_trust;
	const char *media_mode;		/* relay, srtp-required, srtp-offered, rtp-only */
	unsigned session_timer, max_duration;
	const char *on_3xx;		/* failover, follow, pass; NULL: failover */
	const char *refer;		/* allow, deny; NULL: allow */
};

struct policy_route_def {
	int64_t id;
	int64_t from_trunk;		/* trunk id, 0: any */
	const char *prefix;
	const char *user_regex;		/* NULL: none */
	unsigned min_length;
	const char *days;		/* "mon-fri,sun"; NULL: every day */
	const char *time_start, *time_end;	/* "HH:MM"; NULL: whole day */
	const char *tz;			/* POSIX TZ rule; NULL: UTC */
	const char *tz_name;		/* the operator's name for it, or NULL */
	unsigned priority, weight;
	int64_t target_trunk;
	const char *failover_codes;	/* "408,500-599"; NULL: that default */
	unsigned failover_timeout, max_attempts;
};

struct policy_rule_def {
	int64_t id;
	int64_t trunk;
	enum policy_dir dir;
	enum policy_field field;
	unsigned strip;
	const char *prepend;		/* NULL: none */
	const char *match, *replace;	/* POSIX ERE and replacement, or NULL */
};

struct policy_builder;
struct policy_snapshot;

/* Building.  Every add function returns 0, ENOMEM, or EINVAL with a
 * message naming the row in err ("route 7: target trunk 9 does not
 * exist").  Rows may come in any order: references are resolved and
 * checked by policy_builder_finish. */
int policy_builder_alloc(struct policy_builder **bp);
void policy_builder_free(struct policy_builder *b);
int policy_builder_trunk(struct policy_builder *b, const struct policy_trunk_def *def,
			 char *err, size_t errsz);
/* address: "192.0.2.1", "192.0.2.0/24", "2001:db8::/32"; tp: "any", "udp" ... */
int policy_builder_source(struct policy_builder *b, int64_t trunk, const char *address,
			  unsigned port, const char *tp, char *err, size_t errsz);
int policy_builder_target(struct policy_builder *b, int64_t trunk, const char *host,
			  unsigned port, const char *tp, unsigned priority, unsigned weight,
			  char *err, size_t errsz);
/* add: true to add "name: value", false to remove every "name" */
int policy_builder_header(struct policy_builder *b, int64_t trunk, bool add,
			  const char *name, const char *value, char *err, size_t errsz);
int policy_builder_rule(struct policy_builder *b, const struct policy_rule_def *def,
			char *err, size_t errsz);
int policy_builder_route(struct policy_builder *b, const struct policy_route_def *def,
			 char *err, size_t errsz);
/* trunk 0: blocked for calls from every trunk */
int policy_builder_block_prefix(struct policy_builder *b, int64_t id, int64_t trunk,
				const char *prefix, const char *reason, char *err, size_t errsz);
int policy_builder_block_source(struct policy_builder *b, int64_t id, const char *address,
				const char *reason, char *err, size_t errsz);
/* Checks every reference, builds the indexes and hands over a snapshot
 * with one reference; *sp is set only on success.  The builder is spent
 * either way: free it. */
int policy_builder_finish(struct policy_builder *b, struct policy_snapshot **sp,
			  char *err, size_t errsz);

void policy_snapshot_ref(struct policy_snapshot *s);
void policy_snapshot_unref(struct policy_snapshot *s);
unsigned policy_snapshot_trunk_count(const struct policy_snapshot *s);
const struct policy_trunk *policy_snapshot_trunk(const struct policy_snapshot *s, unsigned i);
size_t policy_snapshot_route_count(const struct policy_snapshot *s);

/* The trunk a source is: the most specific matching prefix wins; then a
 * source with a port beats one without, and a transport beats any.
 * NULL: no trunk (403, or a silent drop if the listener says so). */
const struct policy_trunk *policy_trunk_match(const struct policy_snapshot *s,
					      const struct sockaddr_storage *src,
					      enum policy_transport tp);
const struct policy_trunk *policy_trunk_by_name(const struct policy_snapshot *s,
						const char *name);
/* the reason if the source is blocked, else NULL */
const char *policy_source_blocked(const struct policy_snapshot *s,
				  const struct sockaddr_storage *src);

/* One attempt of a call: a route, its trunk, the trunk's targets in
 * priority/weight order, and the users rewritten by the target's rules. */
struct policy_attempt {
	const struct policy_route *route;
	const struct policy_trunk *trunk;
	const struct policy_target *targets[POLICY_TARGETS_MAX];
	unsigned n_targets;
	char ruri_user[POLICY_USER_MAX];
	char from_user[POLICY_USER_MAX];
	char to_user[POLICY_USER_MAX];
};

struct policy_decision {
	int status;			/* 0: go; else 403, 404, 484 or 503 */
	unsigned retry_after;		/* seconds, with 503 */
	char reason[POLICY_REASON_MAX];	/* for the log and the CDR */
	const struct policy_trunk *from;
	/* the users after the source trunk's inbound rules */
	char ruri_user[POLICY_USER_MAX];
	char from_user[POLICY_USER_MAX];
	char to_user[POLICY_USER_MAX];
	struct policy_attempt attempts[POLICY_ATTEMPTS_MAX];
	unsigned n_attempts;		/* at most the first route's max_attempts */
	/* optional: set trace to a buffer before the call to receive the
	 * explanation, one line per step, NUL-terminated */
	char *trace;
	size_t trace_size;
};

/* The decision for a new call from trunk `from` (NULL: unknown source,
 * 403).  seed drives the weighted draws: the same seed gives the same
 * order.  Returns 0 when out holds a decision (see out->status), EINVAL
 * on bad arguments.  out need not be cleared, but out->trace and
 * out->trace_size must be set (NULL and 0: no trace).  Only what a
 * decision is read for is written: status, retry_after, reason, from,
 * the three users, n_attempts, and in attempts[0 .. n_attempts) route,
 * trunk, n_targets, targets[0 .. n_targets) and the users; entries past
 * those counts keep whatever they held. */
int policy_decide(const struct policy_snapshot *s, const struct policy_trunk *from,
		  const char *ruri_user, const char *from_user, const char *to_user,
		  time_t now, uint64_t seed, struct policy_decision *out);

/* The lookup alone: the routes eligible for number (already rewritten by
 * the inbound rules) from trunk `from` at now, at the longest matching
 * prefix, in table order (not yet weighted).  Returns how many were
 * stored in out (at most max). */
unsigned policy_routes_find(const struct policy_snapshot *s, const struct policy_trunk *from,
			    const char *number, time_t now, const struct policy_route **out,
			    unsigned max);

/* Applies a trunk's rules of one direction to one field; in and out may
 * not overlap.  returns 0, or ENOSPC if the result does not fit. */
int policy_rules_apply(const struct policy_trunk *t, enum policy_dir dir,
		       enum policy_field field, const char *in, char *out, size_t size,
		       char *trace, size_t trace_size);

/* true if the route's time window holds at now */
bool policy_route_open(const struct policy_route *r, time_t now);
/* true if this final response code moves the call to the next route */
bool policy_route_fails_over(const struct policy_route *r, unsigned code);

/* Time zones: parses a POSIX TZ rule; returns 0 or EINVAL. */
int policy_tz_parse(const char *rule, struct policy_tz *tz);
/* local broken-down time at t in tz (tm_wday, tm_hour, tm_min ...) */
void policy_tz_local(const struct policy_tz *tz, time_t t, struct tm *tm);

/* Limits.  The limiter belongs to one thread.  now is a monotonic clock in
 * seconds (injected so tests control it). */
struct policy_limiter;
int policy_limiter_alloc(struct policy_limiter **lp);
void policy_limiter_free(struct policy_limiter *l);
/* Takes a slot for a call in direction dir on trunk t.  Returns 0, or
 * EBUSY with *retry_after (seconds, >= 1) and a static reason naming the
 * limit ("max_calls_in", "cps" ...), or ENOMEM. */
int policy_limit_take(struct policy_limiter *l, const struct policy_trunk *t,
		      enum policy_dir dir, double now, unsigned *retry_after,
		      const char **limit);
/* returns the slot of a call that ended (or was not placed) */
void policy_limit_release(struct policy_limiter *l, const struct policy_trunk *t,
			  enum policy_dir dir);
/* concurrent calls of trunk t in dir */
unsigned policy_limit_active(const struct policy_limiter *l, const struct policy_trunk *t,
			     enum policy_dir dir);

const char *policy_transport_name(enum policy_transport tp);
const char *policy_media_mode_name(enum policy_media_mode m);

#endif
