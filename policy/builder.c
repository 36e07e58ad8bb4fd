/* Building a snapshot: rows in, checks that name the bad row, indexes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

int policy_builder_alloc(struct policy_builder **bp)
{
	struct policy_builder *b = calloc(1, sizeof(*b));

	if (!b)
		return ENOMEM;
	*bp = b;
	return 0;
}

void policy_trunk_release(struct policy_trunk *t)
{
	free(t->sources);
	free(t->targets);
	for (int d = 0; d < 2; d++) {
		for (unsigned i = 0; i < t->n_rules[d]; i++)
			policy_rule_free(&t->rules[d][i]);
		free(t->rules[d]);
	}
}

void policy_builder_free(struct policy_builder *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < b->n_trunks; i++)
		policy_trunk_release(&b->trunks[i]);
	free(b->trunks);
	for (size_t i = 0; i < b->n_routes; i++) {
		policy_regex_free(b->routes[i].r.re);
		free((char *)b->routes[i].r.user_regex);
	}
	free(b->routes);
	free(b->blocks);
	free(b->bsources);
	for (size_t i = 0; i < b->n_tzs; i++)
		free(b->tzs[i]);
	free(b->tzs);
	free(b);
}

static struct policy_trunk *trunk_find(struct policy_builder *b, int64_t id)
{
	/* trunks are few; the last one added is the usual hit */
	for (unsigned i = b->n_trunks; i-- > 0;) {
		if (b->trunks[i].id == id)
			return &b->trunks[i];
	}
	return NULL;
}

/* copies an optional string into a fixed field; false if it is too long */
static bool copy_opt(char *dst, size_t size, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return true;
	}
	if (strlen(src) >= size)
		return false;
	strcpy(dst, src);
	return true;
}

static int parse_codecs(struct policy_trunk *t, const char *s)
{
	while (s && *s) {
		size_t len = strcspn(s, ",");

		while (len && (*s == ' ')) {
			s++;
			len--;
		}
		if (!len || len >= POLICY_CODEC_MAX || t->n_codecs == POLICY_CODECS_MAX)
			return EINVAL;
		memcpy(t->codecs[t->n_codecs], s, len);
		t->codecs[t->n_codecs][len] = '\0';
		t->n_codecs++;
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

int policy_builder_trunk(struct policy_builder *b, const struct policy_trunk_def *d,
			 char *err, size_t errsz)
{
	static const char *const modes[] = { "relay", "srtp-required", "srtp-offered", "rtp-only" };
	static const char *const on3[] = { "failover", "follow", "pass" };
	struct policy_trunk t;
	size_t n = b->n_trunks, cap = b->cap_trunks;
	int i;

	memset(&t, 0, sizeof(t));
	t.id = d->id;
	if (!d->name || !*d->name || !copy_opt(t.name, sizeof(t.name), d->name)) {
		policy_errf(err, errsz, "trunk %lld: name is empty or too long", (long long)d->id);
		return EINVAL;
	}
	if (trunk_find(b, d->id)) {
		policy_errf(err, errsz, "trunk %s: id %lld used twice", t.name, (long long)d->id);
		return EINVAL;
	}
	for (unsigned k = 0; k < b->n_trunks; k++) {
		if (strcmp(b->trunks[k].name, t.name) == 0) {
			policy_errf(err, errsz, "trunk %s: name used twice", t.name);
			return EINVAL;
		}
	}
	if (!d->zone || !*d->zone || !copy_opt(t.zone, sizeof(t.zone), d->zone)) {
		policy_errf(err, errsz, "trunk %s: zone is missing", t.name);
		return EINVAL;
	}
	if (!copy_opt(t.auth_user, sizeof(t.auth_user), d->auth_user) ||
	    !copy_opt(t.auth_password, sizeof(t.auth_password), d->auth_password) ||
	    !copy_opt(t.auth_realm, sizeof(t.auth_realm), d->auth_realm) ||
	    !copy_opt(t.from_domain, sizeof(t.from_domain), d->from_domain) ||
	    !copy_opt(t.to_domain, sizeof(t.to_domain), d->to_domain)) {
		policy_errf(err, errsz, "trunk %s: a credential or domain is too long", t.name);
		return EINVAL;
	}
	if (parse_codecs(&t, d->codecs)) {
		policy_errf(err, errsz, "trunk %s: codecs \"%s\" is not a list of up to %d names",
			    t.name, d->codecs, POLICY_CODECS_MAX);
		return EINVAL;
	}
	t.inbound_auth = d->inbound_auth;
	t.limits = d->limits;
	if (t.limits.cps < 0) {
		policy_errf(err, errsz, "trunk %s: cps is negative", t.name);
		return EINVAL;
	}
	t.pai_trust = d->pai_trust;
	for (i = 0; i < 4 && d->media_mode && strcmp(d->media_mode, modes[i]); i++)
		;
	if (i == 4) {
		policy_errf(err, errsz, "trunk %s: media mode \"%s\" is not relay, srtp-required, "
			    "srtp-offered or rtp-only", t.name, d->media_mode);
		return EINVAL;
	}
	t.media_mode = d->media_mode ? (enum policy_media_mode)i : POLICY_MEDIA_RELAY;
	for (i = 0; i < 3 && d->on_3xx && strcmp(d->on_3xx, on3[i]); i++)
		;
	if (i == 3) {
		policy_errf(err, errsz, "trunk %s: on_3xx \"%s\" is not failover, follow or pass",
			    t.name, d->on_3xx);
		return EINVAL;
	}
	t.on_3xx = d->on_3xx ? (enum policy_on_3xx)i : POLICY_3XX_FAILOVER;
	if (d->refer && strcmp(d->refer, "allow") != 0 && strcmp(d->refer, "deny") != 0) {
		policy_errf(err, errsz, "trunk %s: refer \"%s\" is not allow or deny", t.name,
			    d->refer);
		return EINVAL;
	}
	t.refer_deny = d->refer && strcmp(d->refer, "deny") == 0;
	if (d->session_timer && d->session_timer < 90) {
		/* RFC 4028 4: Min-SE is at least 90 seconds */
		policy_errf(err, errsz, "trunk %s: session timer %u is below 90 seconds",
			    t.name, d->session_timer);
		return EINVAL;
	}
	t.session_timer = d->session_timer;
	t.max_duration = d->max_duration;
	if (policy_grow(&b->trunks, &cap, n, sizeof(t)))
		return ENOMEM;
	b->cap_trunks = (unsigned)cap;
	b->trunks[b->n_trunks++] = t;
	return 0;
}

static struct policy_trunk *trunk_ref(struct policy_builder *b, int64_t id, const char *what,
				      char *err, size_t errsz)
{
	struct policy_trunk *t = trunk_find(b, id);

	if (!t)
		policy_errf(err, errsz, "%s: trunk %lld does not exist", what, (long long)id);
	return t;
}

int policy_builder_source(struct policy_builder *b, int64_t trunk, const char *address,
			  unsigned port, const char *tp, char *err, size_t errsz)
{
	char what[96];
	struct policy_trunk *t;
	struct policy_source s, *p;

	snprintf(what, sizeof(what), "source \"%s\"", address ? address : "");
	if (!(t = trunk_ref(b, trunk, what, err, errsz)))
		return EINVAL;
	if (policy_source_parse(address, &s)) {
		policy_errf(err, errsz, "trunk %s: source \"%s\" is not an address or prefix",
			    t->name, address ? address : "");
		return EINVAL;
	}
	if (port > 65535 || policy_transport_parse(tp, &s.tp)) {
		policy_errf(err, errsz, "trunk %s: source \"%s\": bad port %u or transport \"%s\"",
			    t->name, address, port, tp ? tp : "");
		return EINVAL;
	}
	s.port = (uint16_t)port;
	/* a trunk has a handful: grow one by one */
	p = realloc(t->sources, (t->n_sources + 1) * sizeof(*p));
	if (!p)
		return ENOMEM;
	t->sources = p;
	t->sources[t->n_sources++] = s;
	return 0;
}

int policy_builder_target(struct policy_builder *b, int64_t trunk, const char *host,
			  unsigned port, const char *tp, unsigned priority, unsigned weight,
			  char *err, size_t errsz)
{
	struct policy_target tg;
	struct policy_trunk *t;
	struct policy_target *p;

	memset(&tg, 0, sizeof(tg));
	if (!(t = trunk_ref(b, trunk, "target", err, errsz)))
		return EINVAL;
	if (!host || !*host || !copy_opt(tg.host, sizeof(tg.host), host)) {
		policy_errf(err, errsz, "trunk %s: target host is empty or too long", t->name);
		return EINVAL;
	}
	if (port == 0 || port > 65535 || policy_transport_parse(tp, &tg.tp) ||
	    tg.tp == POLICY_TP_ANY) {
		policy_errf(err, errsz, "trunk %s: target %s: bad port %u or transport \"%s\"",
			    t->name, host, port, tp ? tp : "");
		return EINVAL;
	}
	tg.port = (uint16_t)port;
	tg.priority = priority;
	tg.weight = weight;
	p = realloc(t->targets, (t->n_targets + 1) * sizeof(*p));
	if (!p)
		return ENOMEM;
	t->targets = p;
	t->targets[t->n_targets++] = tg;
	return 0;
}

int policy_builder_header(struct policy_builder *b, int64_t trunk, bool add,
			  const char *name, const char *value, char *err, size_t errsz)
{
	struct policy_header h;
	struct policy_trunk *t;

	memset(&h, 0, sizeof(h));
	if (!(t = trunk_ref(b, trunk, "header", err, errsz)))
		return EINVAL;
	if (!name || !*name || strcspn(name, " \t:\r\n") != strlen(name) ||
	    !copy_opt(h.name, sizeof(h.name), name) ||
	    !copy_opt(h.value, sizeof(h.value), add ? value : NULL) ||
	    (add && (!value || strpbrk(value, "\r\n")))) {
		policy_errf(err, errsz, "trunk %s: header \"%s\" is not a valid %s", t->name,
			    name ? name : "", add ? "addition" : "removal");
		return EINVAL;
	}
	if ((add ? t->n_hdr_add : t->n_hdr_remove) == POLICY_HDRS_MAX) {
		policy_errf(err, errsz, "trunk %s: more than %d header %s", t->name,
			    POLICY_HDRS_MAX, add ? "additions" : "removals");
		return EINVAL;
	}
	if (add)
		t->hdr_add[t->n_hdr_add++] = h;
	else
		t->hdr_remove[t->n_hdr_remove++] = h;
	return 0;
}

int policy_builder_rule(struct policy_builder *b, const struct policy_rule_def *d,
			char *err, size_t errsz)
{
	char what[48], msg[128];
	struct policy_rule r, *p;
	struct policy_trunk *t;
	int e;

	memset(&r, 0, sizeof(r));
	snprintf(what, sizeof(what), "rule %lld", (long long)d->id);
	if (!(t = trunk_ref(b, d->trunk, what, err, errsz)))
		return EINVAL;
	if ((unsigned)d->dir > 1 || (unsigned)d->field > 2 || d->strip > 32 ||
	    !copy_opt(r.prepend, sizeof(r.prepend), d->prepend) || (!d->match != !d->replace)) {
		policy_errf(err, errsz, "rule %lld: bad direction, field, strip or prepend, "
			    "or a match without a replacement", (long long)d->id);
		return EINVAL;
	}
	r.id = d->id;
	r.field = d->field;
	r.strip = d->strip;
	if (d->match) {
		e = policy_regex_compile(d->match, &r.re, msg, sizeof(msg));
		if (e == EINVAL)
			policy_errf(err, errsz, "rule %lld: match \"%s\": %s", (long long)d->id,
				    d->match, msg);
		if (e)
			return e;
		r.replace = strdup(d->replace);
		if (!r.replace) {
			policy_regex_free(r.re);
			return ENOMEM;
		}
	}
	p = realloc(t->rules[d->dir], (t->n_rules[d->dir] + 1) * sizeof(*p));
	if (!p) {
		policy_rule_free(&r);
		return ENOMEM;
	}
	t->rules[d->dir] = p;
	p[t->n_rules[d->dir]++] = r;
	return 0;
}

static bool prefix_ok(const char *p)
{
	return p && strlen(p) < POLICY_PREFIX_MAX && strspn(p, "0123456789*#+") == strlen(p);
}

static int tz_get(struct policy_builder *b, const char *rule, const char *name,
		  const struct policy_tz **tzp)
{
	struct policy_tz *tz;
	const char *text = name ? name : rule;

	for (size_t i = 0; i < b->n_tzs; i++) {
		if (strcmp(b->tzs[i]->text, text) == 0) {
			*tzp = b->tzs[i];
			return 0;
		}
	}
	tz = malloc(sizeof(*tz));
	if (!tz)
		return ENOMEM;
	if (policy_tz_parse(rule, tz) || strlen(text) >= sizeof(tz->text)) {
		free(tz);
		return EINVAL;
	}
	strcpy(tz->text, text);
	if (policy_grow(&b->tzs, &b->cap_tzs, b->n_tzs, sizeof(tz))) {
		free(tz);
		return ENOMEM;
	}
	b->tzs[b->n_tzs++] = tz;
	*tzp = tz;
	return 0;
}

int policy_builder_route(struct policy_builder *b, const struct policy_route_def *d,
			 char *err, size_t errsz)
{
	struct policy_route_raw rr;
	struct policy_route *r = &rr.r;
	long long id = (long long)d->id;
	char msg[128];
	int e;

	memset(&rr, 0, sizeof(rr));
	r->id = d->id;
	rr.from_id = d->from_trunk;
	rr.target_id = d->target_trunk;
	if (!prefix_ok(d->prefix ? d->prefix : "")) {
		policy_errf(err, errsz, "route %lld: prefix \"%s\" is not up to %d digits, *, # or +",
			    id, d->prefix, POLICY_PREFIX_MAX - 1);
		return EINVAL;
	}
	strcpy(r->prefix, d->prefix ? d->prefix : "");
	r->days = 0x7f;
	if (d->days && policy_days_parse(d->days, &r->days)) {
		policy_errf(err, errsz, "route %lld: days \"%s\" is not like mon-fri,sun", id, d->days);
		return EINVAL;
	}
	r->end_min = 1440;
	if ((d->time_start && policy_hhmm_parse(d->time_start, &r->start_min)) ||
	    (d->time_end && policy_hhmm_parse(d->time_end, &r->end_min)) ||
	    r->start_min == r->end_min || r->start_min == 1440) {
		policy_errf(err, errsz, "route %lld: time window %s-%s is not HH:MM-HH:MM", id,
			    d->time_start ? d->time_start : "00:00",
			    d->time_end ? d->time_end : "24:00");
		return EINVAL;
	}
	e = tz_get(b, d->tz ? d->tz : "UTC0", d->tz_name ? d->tz_name : (d->tz ? NULL : "UTC"),
		   &r->tz);
	if (e == EINVAL)
		policy_errf(err, errsz, "route %lld: time zone \"%s\" is not a zone or a POSIX rule",
			    id, d->tz_name ? d->tz_name : d->tz);
	if (e)
		return e;
	if (policy_codes_parse(d->failover_codes ? d->failover_codes : "408,500-599",
			       r->failover, &r->n_failover)) {
		policy_errf(err, errsz, "route %lld: failover codes \"%s\" are not like 408,500-599",
			    id, d->failover_codes);
		return EINVAL;
	}
	if (d->max_attempts < 1 || d->max_attempts > POLICY_ATTEMPTS_MAX || d->min_length > 32) {
		policy_errf(err, errsz, "route %lld: max_attempts %u not in 1..%d or min_length %u "
			    "above 32", id, d->max_attempts, POLICY_ATTEMPTS_MAX, d->min_length);
		return EINVAL;
	}
	r->min_length = d->min_length;
	r->priority = d->priority;
	r->weight = d->weight;
	r->failover_timeout = d->failover_timeout;
	r->max_attempts = d->max_attempts;
	if (policy_grow(&b->routes, &b->cap_routes, b->n_routes, sizeof(rr)))
		return ENOMEM;
	if (d->user_regex) {
		e = policy_regex_compile(d->user_regex, &r->re, msg, sizeof(msg));
		if (e == EINVAL)
			policy_errf(err, errsz, "route %lld: user_regex \"%s\": %s", id,
				    d->user_regex, msg);
		if (e)
			return e;
		r->user_regex = strdup(d->user_regex);
		if (!r->user_regex) {
			policy_regex_free(r->re);
			return ENOMEM;
		}
	}
	b->routes[b->n_routes++] = rr;
	return 0;
}

int policy_builder_block_prefix(struct policy_builder *b, int64_t id, int64_t trunk,
				const char *prefix, const char *reason, char *err, size_t errsz)
{
	struct policy_blocked_prefix bp;

	memset(&bp, 0, sizeof(bp));
	if (!prefix_ok(prefix) || !*prefix) {
		policy_errf(err, errsz, "blocked prefix %lld: \"%s\" is not 1 to %d digits, *, # or +",
			    (long long)id, prefix ? prefix : "", POLICY_PREFIX_MAX - 1);
		return EINVAL;
	}
	bp.id = id;
	bp.trunk_id = trunk;
	strcpy(bp.prefix, prefix);
	snprintf(bp.reason, sizeof(bp.reason), "%s", reason ? reason : "");
	if (policy_grow(&b->blocks, &b->cap_blocks, b->n_blocks, sizeof(bp)))
		return ENOMEM;
	b->blocks[b->n_blocks++] = bp;
	return 0;
}

int policy_builder_block_source(struct policy_builder *b, int64_t id, const char *address,
				const char *reason, char *err, size_t errsz)
{
	struct policy_blocked_source bs;

	memset(&bs, 0, sizeof(bs));
	if (policy_source_parse(address, &bs.src)) {
		policy_errf(err, errsz, "blocked source %lld: \"%s\" is not an address or prefix",
			    (long long)id, address ? address : "");
		return EINVAL;
	}
	bs.id = id;
	snprintf(bs.reason, sizeof(bs.reason), "%s", reason ? reason : "");
	if (policy_grow(&b->bsources, &b->cap_bsources, b->n_bsources, sizeof(bs)))
		return ENOMEM;
	b->bsources[b->n_bsources++] = bs;
	return 0;
}
