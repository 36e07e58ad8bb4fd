/* Decoders for header values: Via, name-addr/addr-spec, CSeq, lists and
 * parameters.  All results are views into the value. */
#include <errno.h>
#include <string.h>

#include "sip_priv.h"

/* where the value starting at p ends: at the first ',' outside quotes and
 * < >, or at end; NULL when a quoted string is unterminated */
static const char *value_end(const char *p, const char *end)
{
	const char *comma = memchr(p, ',', (size_t)(end - p));
	const char *stop = comma ? comma : end;
	int depth = 0;

	/* Most values have no quote, and no '<' before a comma: the comma (or
	 * the end) found by memchr is the answer without a look at each byte. */
	if (!memchr(p, '"', (size_t)(stop - p)) && (!comma || !memchr(p, '<', (size_t)(stop - p))))
		return stop;
	for (; p < end; p++) {
		if (*p == '"') {
			p = sip_scan_quoted(p, end);
			if (!p)
				return NULL;
			p--;
		} else if (*p == '<') {
			depth = 1;
		} else if (*p == '>') {
			depth = 0;
		} else if (*p == ',' && !depth) {
			break;
		}
	}
	return p;
}

bool sip_value_next(const struct pl *hval, size_t *pos, struct pl *val, int *errp)
{
	const char *start, *p, *end;

	if (errp)
		*errp = 0;
	if (!hval->p || *pos >= hval->l)
		return false;
	start = hval->p + *pos;
	end = hval->p + hval->l;
	p = value_end(start, end);
	if (!p) {
		if (errp)
			*errp = EBADMSG;
		*pos = hval->l;
		return false;
	}
	const char *vs = skip_lws(start, p);
	const char *ve = rskip_lws(vs, p);
	*val = pl_make(vs, (size_t)(ve - vs));
	*pos = (size_t)(p - hval->p) + (p < end ? 1 : 0);
	if (val->l == 0 || (p < end && *pos >= hval->l)) {
		/* ",," or a trailing ',' */
		if (errp)
			*errp = EBADMSG;
		*pos = hval->l;
		return val->l != 0;
	}
	return true;
}

bool sip_param_next(const struct pl *params, size_t *pos, struct pl *name, struct pl *val)
{
	const char *p, *end, *q;

	if (!params->p || *pos >= params->l)
		return false;
	p = params->p + *pos;
	end = params->p + params->l;
	p = skip_lws(p, end);
	const char *ns = p;
	while (p < end && cc_is((unsigned char)*p, CC_TOKEN))
		p++;
	*name = pl_make(ns, (size_t)(p - ns));
	q = skip_lws(p, end);
	*val = pl_make(q, 0);
	if (q < end && *q == '=') {
		const char *vs = skip_lws(q + 1, end);
		const char *ve = vs;
		if (ve < end && *ve == '"') {
			ve = sip_scan_quoted(ve, end);
			if (!ve)
				ve = end;
		} else {
			while (ve < end && *ve != ';')
				ve++;
		}
		*val = pl_make(vs, (size_t)(rskip_lws(vs, ve) - vs));
		q = ve;
	}
	q = memchr(q, ';', (size_t)(end - q));
	*pos = q ? (size_t)(q + 1 - params->p) : params->l;
	return true;
}

bool sip_param_get(const struct pl *params, const char *name, struct pl *val)
{
	size_t pos = 0, nlen = strlen(name);
	struct pl n, v;

	while (sip_param_next(params, &pos, &n, &v)) {
		if (n.l == nlen && pl_casecmp_str(&n, name)) {
			if (val)
				*val = v;
			return true;
		}
	}
	return false;
}

bool sip_token_list_has(const struct pl *list, const char *tok)
{
	size_t pos = 0;
	struct pl v;
	int err;

	while (sip_value_next(list, &pos, &v, &err)) {
		if (pl_casecmp_str(&v, tok))
			return true;
	}
	return false;
}

/* the ";a=b;c" after a Via sent-by or an address: nothing but LWS, or
 * well-formed parameters to the end (at most SIP_MAX_URI_PARAMS); *params
 * (without the first ';') is left unset when there are none.  In the same
 * pass, vals[i] (unset on entry) gets the value of the first parameter
 * named names[i] (compared case-insensitively; names in lower case); all
 * stay unset when the list is malformed.  0 or EBADMSG */
static int trailing_params(const char *p, const char *end, struct pl *params,
			   const struct pl *names, struct pl *vals, unsigned nnames)
{
	const char *s = skip_lws(p, end);
	unsigned n = 0;

	if (s == end)
		return 0;
	if (*s != ';')
		return EBADMSG;
	for (p = s; p < end && *p == ';'; p = skip_lws(p, end)) {
		struct pl name, val;

		if (++n > SIP_MAX_URI_PARAMS)
			goto bad;
		p = sip_param_scan(p, end, &name, &val);
		if (!p)
			goto bad;
		for (unsigned i = 0; i < nnames; i++) {
			if (!vals[i].p && caseeq(name.p, name.l, names[i].p, names[i].l))
				vals[i] = val;
		}
	}
	if (p != end)
		goto bad;
	*params = pl_make(s + 1, (size_t)(end - s - 1));
	return 0;

bad:
	for (unsigned i = 0; i < nnames; i++)
		vals[i] = (struct pl)PL_INIT;
	return EBADMSG;
}

#define NAME(s) { (s), sizeof(s) - 1 }

/* the Via parameters the transaction and transport layers read */
enum { VIA_BRANCH, VIA_RECEIVED, VIA_RPORT, VIA_MADDR, VIA_NPARAMS };
static const struct pl via_param_names[VIA_NPARAMS] = {
	[VIA_BRANCH] = NAME("branch"),
	[VIA_RECEIVED] = NAME("received"),
	[VIA_RPORT] = NAME("rport"),
	[VIA_MADDR] = NAME("maddr"),
};
static const struct pl tag_name = NAME("tag");

int sip_via_decode(struct sip_via *via, const struct pl *value)
{
	const char *p, *end, *s;
	uint32_t port;

	memset(via, 0, sizeof(*via));
	via->value = *value;
	p = value->p;
	end = p + value->l;

	/* sent-protocol = protocol-name SLASH protocol-version SLASH transport,
	 * SLASH = SWS "/" SWS */
	const char *proto_start = p;
	for (int part = 0; part < 3; part++) {
		p = skip_lws(p, end);
		s = p;
		while (p < end && cc_is((unsigned char)*p, CC_TOKEN))
			p++;
		if (p == s)
			return EBADMSG;
		/* name and version are tokens (RFC 3261 25.1): a request of
		 * another SIP version still gets its 505 through this Via */
		if (part == 2) {
			via->tp_pl = pl_make(s, (size_t)(p - s));
			via->tp = sip_transport_lookup(&via->tp_pl);
			break;
		}
		p = skip_lws(p, end);
		if (p >= end || *p != '/')
			return EBADMSG;
		p++;
	}
	via->proto = pl_make(proto_start, (size_t)(p - proto_start));

	/* sent-by = host [ COLON port ], LWS before it is required */
	s = p;
	p = skip_lws(p, end);
	if (p == s || p >= end)
		return EBADMSG;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (!rb || !sip_check_ipv6(p + 1, (size_t)(rb - p - 1)))
			return EBADMSG;
		via->host = pl_make(p + 1, (size_t)(rb - p - 1));
		via->host_type = SIP_HOST_IPV6;
		p = rb + 1;
	} else {
		s = p;
		bool ok = sip_host_scan(s, end, &p, &via->host_type);
		if (p == s)
			return EBADMSG;
		via->host = pl_make(s, (size_t)(p - s));
		if (!ok)
			return EBADMSG;
	}
	s = skip_lws(p, end);
	if (s < end && *s == ':') {
		s = skip_lws(s + 1, end);
		p = scan_port(s, end, &port);
		if (p == s || port > 65535)
			return EBADMSG;
		via->port = (uint16_t)port;
	}
	/* the first occurrence of each parameter we read counts */
	struct pl vals[VIA_NPARAMS] = { PL_INIT, PL_INIT, PL_INIT, PL_INIT };
	if (trailing_params(p, end, &via->params, via_param_names, vals, VIA_NPARAMS))
		return EBADMSG;
	via->branch = vals[VIA_BRANCH];
	via->received = vals[VIA_RECEIVED];
	via->rport = vals[VIA_RPORT];
	via->has_rport = vals[VIA_RPORT].p != NULL;
	via->maddr = vals[VIA_MADDR];
	return 0;
}

/* display-name = *(token LWS) (a quoted-string is checked as it is
 * skipped); octets above 0x7f are tolerated (RFC 4475 3.1.1.2) */
static bool dname_tokens_valid(const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (!cc_is(c, CC_TOKEN | CC_WS) && c < 0x80)
			return false;
	}
	return true;
}

int sip_addr_decode(struct sip_addr *addr, const struct pl *value)
{
	const char *p, *end, *s, *ue;
	int err;

	memset(addr, 0, sizeof(*addr));
	addr->value = *value;
	p = value->p;
	end = p + value->l;
	p = skip_lws(p, end);
	if (p >= end)
		return EBADMSG;

	if (*p == '*') {
		s = skip_lws(p + 1, end);
		if (s == end || *s == ';') {
			addr->star = true;
			p = s;
			goto params;
		}
	}

	/* name-addr if a '<' comes before any ';' outside quotes */
	s = p;
	if (*s == '"') {
		/* a quoted display name, checked as it is skipped */
		s = sip_scan_quoted(s, end);
		if (!s)
			return EBADMSG;
		s = skip_lws(s, end);
		if (s >= end || *s != '<')
			return EBADMSG;
	} else {
		while (s < end && *s != '<' && *s != ';' && *s != '"')
			s++;
		if (s < end && *s == '"')
			return EBADMSG;
		if (s < end && *s == '<' && !dname_tokens_valid(p, s))
			return EBADMSG;
	}
	if (s < end && *s == '<') {
		const char *gt;
		addr->dname = pl_make(p, (size_t)(rskip_lws(p, s) - p));
		addr->angle = true;
		gt = memchr(s, '>', (size_t)(end - s));
		if (!gt)
			return EBADMSG;
		addr->uri_pl = pl_make(s + 1, (size_t)(gt - s - 1));
		p = gt + 1;
	} else {
		/* addr-spec: the URI ends at the first ';' (RFC 3261 20.10: a URI
		 * with ',', '?' or ';' must be in angle brackets) */
		ue = p;
		while (ue < end && *ue != ';' && !cc_is((unsigned char)*ue, CC_WS))
			ue++;
		addr->uri_pl = pl_make(p, (size_t)(ue - p));
		if (memchr(addr->uri_pl.p, '?', addr->uri_pl.l) ||
		    memchr(addr->uri_pl.p, ',', addr->uri_pl.l))
			return EBADMSG;
		p = ue;
	}
	err = sip_uri_decode(&addr->uri, &addr->uri_pl);
	if (err)
		return err;
params:
	if (trailing_params(p, end, &addr->params, &tag_name, &addr->tag, 1))
		return EBADMSG;
	return 0;
}

int sip_cseq_decode(struct sip_cseq *cseq, const struct pl *value)
{
	const char *p = value->p, *end = p + value->l, *s;
	struct pl num;

	memset(cseq, 0, sizeof(*cseq));
	p = skip_lws(p, end);
	s = p;
	while (p < end && cc_is((unsigned char)*p, CC_DIGIT))
		p++;
	num = pl_make(s, (size_t)(p - s));
	/* RFC 3261 8.1.1.5: the sequence number is below 2**31 */
	if (pl_u32(&num, 0x7fffffffu, &cseq->num))
		return EBADMSG;
	s = p;
	p = skip_lws(p, end);
	if (p == s)
		return EBADMSG;
	s = p;
	while (p < end && cc_is((unsigned char)*p, CC_TOKEN))
		p++;
	if (p == s || skip_lws(p, end) != end)
		return EBADMSG;
	cseq->method_pl = pl_make(s, (size_t)(p - s));
	cseq->method = sip_method_lookup(&cseq->method_pl);
	return 0;
}
