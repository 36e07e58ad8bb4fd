/* Decoders for what call transfer carries: the headers of a URI (the
 * Replaces inside a Refer-To, RFC 3515 2.1), Replaces itself (RFC 3891)
 * and the status line of a message/sipfrag body (RFC 3420).  Views into
 * the input, except the %-decoded URI header value, which is written to
 * the caller's buffer. */
#include <errno.h>

#include "sip_priv.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lc(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sip_pct_decode(const struct pl *in, char *buf, size_t size, size_t *lenp)
{
	size_t n = 0;

	if (!size)
		return E2BIG;
	for (size_t i = 0; i < in->l; i++) {
		unsigned char c = (unsigned char)in->p[i];

		if (c == '%') {
			int hi, lo;
			if (in->l - i < 3)
				return EBADMSG;
			hi = hexval((unsigned char)in->p[i + 1]);
			lo = hexval((unsigned char)in->p[i + 2]);
			if (hi < 0 || lo < 0)
				return EBADMSG;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		/* a decoded value is never a place for control characters
		 * (a CR or LF would end a header line it is written into) */
		if (c < 0x20 || c == 0x7f)
			return EBADMSG;
		if (n + 1 >= size)
			return E2BIG;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (lenp)
		*lenp = n;
	return 0;
}

int sip_uri_header_get(const struct sip_uri *uri, const char *name, char *buf, size_t size,
		       size_t *lenp)
{
	const struct pl *h = &uri->headers;
	size_t pos = 0;

	/* RFC 3261 19.1.1: headers = "?" header *( "&" header ),
	 * header = hname "=" hvalue */
	while (h->p && pos < h->l) {
		const char *s = h->p + pos, *end = h->p + h->l;
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *e = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(e - s));

		pos = (size_t)(e - h->p) + (amp ? 1 : 0);
		if (!eq)
			continue;
		/* a header name may itself be escaped; names we look for are
		 * plain tokens, so an escaped name is compared decoded */
		char nbuf[64];
		size_t nlen;
		struct pl hname = pl_make(s, (size_t)(eq - s));
		if (sip_pct_decode(&hname, nbuf, sizeof(nbuf), &nlen))
			continue;
		struct pl dn = pl_make(nbuf, nlen);
		if (!pl_casecmp_str(&dn, name))
			continue;
		struct pl hval = pl_make(eq + 1, (size_t)(e - eq - 1));
		return sip_pct_decode(&hval, buf, size, lenp);
	}
	return ENOENT;
}

static bool all_of(const struct pl *v, uint16_t cls)
{
	for (size_t i = 0; i < v->l; i++) {
		if (!cc_is((unsigned char)v->p[i], cls))
			return false;
	}
	return v->l > 0;
}

/* RFC 3261 25.1 callid = word [ "@" word ]: printable, no separators that
 * would end it in a header (';' starts the Replaces parameters) */
static bool callid_ok(const struct pl *v)
{
	if (!v->l)
		return false;
	for (size_t i = 0; i < v->l; i++) {
		unsigned char c = (unsigned char)v->p[i];
		if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',')
			return false;
	}
	return true;
}

/* the next ";name[=value]" of a Replaces, strictly: a token name and a
 * token value (RFC 3891 2: to-tag, from-tag and generic-param with a
 * token; a quoted generic value is refused too: nothing of ours uses it) */
static int replaces_param(struct pl *rest, struct pl *name, struct pl *val)
{
	const char *semi = memchr(rest->p, ';', rest->l);
	struct pl seg = pl_make(rest->p, semi ? (size_t)(semi - rest->p) : rest->l);

	*rest = semi ? pl_make(semi + 1, (size_t)(rest->p + rest->l - semi - 1)) : pl_make(NULL, 0);
	seg = pl_trim(seg);
	const char *eq = seg.l ? memchr(seg.p, '=', seg.l) : NULL;
	*name = pl_trim(pl_make(seg.p, eq ? (size_t)(eq - seg.p) : seg.l));
	*val = eq ? pl_trim(pl_make(eq + 1, (size_t)(seg.p + seg.l - eq - 1))) : pl_make(NULL, 0);
	if (!all_of(name, CC_TOKEN) || (eq && !all_of(val, CC_TOKEN)))
		return EBADMSG;
	return 0;
}

int sip_replaces_decode(struct sip_replaces *r, const struct pl *value)
{
	struct pl v = pl_trim(*value), rest, n, val;
	const char *semi;
	bool to = false, from = false;
	unsigned count = 0;

	memset(r, 0, sizeof(*r));
	semi = v.l ? memchr(v.p, ';', v.l) : NULL;
	r->callid = pl_trim(pl_make(v.p, semi ? (size_t)(semi - v.p) : v.l));
	if (!callid_ok(&r->callid))
		return EBADMSG;
	if (!semi)
		return EBADMSG;		/* RFC 3891 3: both tags are required */
	rest = pl_make(semi + 1, (size_t)(v.p + v.l - semi - 1));
	while (rest.p) {
		if (++count > SIP_MAX_URI_PARAMS)
			return E2BIG;
		if (replaces_param(&rest, &n, &val))
			return EBADMSG;
		if (pl_casecmp_str(&n, "to-tag")) {
			if (to || !val.l)
				return EBADMSG;
			r->to_tag = val;
			to = true;
		} else if (pl_casecmp_str(&n, "from-tag")) {
			if (from || !val.l)
				return EBADMSG;
			r->from_tag = val;
			from = true;
		} else if (pl_casecmp_str(&n, "early-only")) {
			if (val.p)
				return EBADMSG;
			r->early_only = true;
		}
	}
	return to && from ? 0 : EBADMSG;
}

int sip_sipfrag_status(const struct pl *body, uint16_t *scode)
{
	/* RFC 3420: a sipfrag starts with a start line when it has one;
	 * RFC 3515 2.4.5 wants at least the status line in a refer NOTIFY */
	static const char ver[] = "SIP/2.0 ";
	const size_t vl = sizeof(ver) - 1;
	uint32_t code;

	struct pl start = pl_make(body->p, vl);

	if (body->l < vl + 3 || !pl_casecmp_str(&start, ver))
		return EBADMSG;
	struct pl digits = pl_make(body->p + vl, 3);
	if (!all_of(&digits, CC_DIGIT) || pl_u32(&digits, 699, &code) || code < 100)
		return EBADMSG;
	if (body->l > vl + 3 && body->p[vl + 3] != ' ' && body->p[vl + 3] != '\r' &&
	    body->p[vl + 3] != '\n')
		return EBADMSG;
	*scode = (uint16_t)code;
	return 0;
}
