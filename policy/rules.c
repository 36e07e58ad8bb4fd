/* Number rules and the regular expressions they and routes use.
 *
 * POSIX extended regular expressions (<regex.h>): no new dependency, and
 * number rewriting needs nothing that ERE lacks.  Patterns are compiled
 * once when the snapshot is built. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

int policy_regex_compile(const char *text, struct policy_regex **rep, char *msg, size_t msgsz)
{
	struct policy_regex *re = calloc(1, sizeof(*re));
	int rc;

	if (!re)
		return ENOMEM;
	re->text = strdup(text);
	if (!re->text) {
		free(re);
		return ENOMEM;
	}
	rc = regcomp(&re->re, text, REG_EXTENDED);
	if (rc) {
		regerror(rc, &re->re, msg, msgsz);
		free(re->text);
		free(re);
		return EINVAL;
	}
	*rep = re;
	return 0;
}

void policy_regex_free(struct policy_regex *re)
{
	if (!re)
		return;
	regfree(&re->re);
	free(re->text);
	free(re);
}

bool policy_regex_match(const struct policy_regex *re, const char *s)
{
	return regexec(&re->re, s, 0, NULL, 0) == 0;
}

void policy_rule_free(struct policy_rule *r)
{
	policy_regex_free(r->re);
	free(r->replace);
}

/* replaces the first match of re in in with repl (\0..\9 refer to groups) */
static int regex_subst(const struct policy_regex *re, const char *repl, const char *in,
		       char *out, size_t size)
{
	regmatch_t m[10];
	size_t o = 0;

#define PUT(p, n) do {					\
		if (o + (n) >= size)			\
			return ENOSPC;			\
		memcpy(out + o, (p), (n));		\
		o += (n);				\
	} while (0)

	if (regexec(&re->re, in, 10, m, 0) != 0) {
		PUT(in, strlen(in));
		out[o] = '\0';
		return 0;
	}
	PUT(in, (size_t)m[0].rm_so);
	for (const char *r = repl; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '9') {
			int g = r[1] - '0';

			if (m[g].rm_so >= 0)
				PUT(in + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
			r++;
		} else if (r[0] == '\\' && r[1] == '\\') {
			PUT(r, 1);
			r++;
		} else {
			PUT(r, 1);
		}
	}
	PUT(in + m[0].rm_eo, strlen(in + m[0].rm_eo));
	out[o] = '\0';
#undef PUT
	return 0;
}

static const char *const field_names[] = { "ruri", "from", "to" };

/* each rule: strip leading characters, prepend, then the regex rewrite */
int policy_rules_apply(const struct policy_trunk *t, enum policy_dir dir,
		       enum policy_field field, const char *in, char *out, size_t size,
		       char *trace, size_t trace_size)
{
	char a[POLICY_USER_MAX], b[POLICY_USER_MAX], prev[POLICY_USER_MAX];
	size_t in_len = strlen(in);
	int err;

	if (in_len >= sizeof(a))
		return ENOSPC;
	/* most trunks have no rules in a direction: copy once */
	if (!t || !t->n_rules[dir]) {
		if (in_len >= size)
			return ENOSPC;
		memcpy(out, in, in_len + 1);
		return 0;
	}
	strcpy(a, in);
	for (unsigned i = 0; t && i < t->n_rules[dir]; i++) {
		const struct policy_rule *r = &t->rules[dir][i];
		size_t len = strlen(a), strip;

		if (r->field != field)
			continue;
		strcpy(prev, a);
		strip = r->strip < len ? r->strip : len;
		if (strlen(r->prepend) + len - strip >= sizeof(b))
			return ENOSPC;
		strcpy(b, r->prepend);
		strcat(b, a + strip);
		if (r->re) {
			err = regex_subst(r->re, r->replace, b, a, sizeof(a));
			if (err)
				return err;
		} else {
			strcpy(a, b);
		}
		policy_trace(trace, trace_size, "  rule %lld (%s %s): %s -> %s", (long long)r->id,
			     dir == POLICY_DIR_IN ? "in" : "out", field_names[field],
			     prev, a);
	}
	if (strlen(a) >= size)
		return ENOSPC;
	strcpy(out, a);
	return 0;
}
