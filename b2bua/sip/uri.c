/* SIP, SIPS and tel URIs (RFC 3261 19.1, 25.1; RFC 3966), views only. */
#include <errno.h>
#include <string.h>

#include "sip_priv.h"

static int host_decode(struct sip_uri *uri, const char *p, const char *end, const char **next)
{
	const char *h = p;

	if (p < end && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (!rb || !sip_check_ipv6(p + 1, (size_t)(rb - p - 1)))
			return EBADMSG;
		uri->host = pl_make(p + 1, (size_t)(rb - p - 1));
		uri->host_type = SIP_HOST_IPV6;
		p = rb + 1;
	} else {
		bool ok = sip_host_scan(h, end, &p, &uri->host_type);
		if (p == h)
			return EBADMSG;
		uri->host = pl_make(h, (size_t)(p - h));
		if (!ok)
			return EBADMSG;
	}
	if (p < end && *p == ':') {
		const char *ps = ++p;
		uint32_t port;
		p = scan_port(p, end, &port);
		uri->port_pl = pl_make(ps, (size_t)(p - ps));
		if (p == ps || port > 65535)
			return EBADMSG;
		uri->port = (uint16_t)port;
	}
	*next = p;
	return 0;
}

static int params_check(const char *p, const char *end)
{
	unsigned n = 0;

	/* p points after the first ';' */
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		const char *ne = eq ? eq : e;

		if (ne == p)
			return EBADMSG;		/* empty parameter name */
		if (!sip_check_escaped(p, (size_t)(ne - p), CC_PARAM, NULL))
			return EBADMSG;
		if (eq && (e == eq + 1 ||
			   !sip_check_escaped(eq + 1, (size_t)(e - eq - 1), CC_PARAM, NULL)))
			return EBADMSG;
		if (++n > SIP_MAX_URI_PARAMS)
			return E2BIG;
		if (!semi)
			break;
		p = semi + 1;
	}
	return 0;
}

/* Where the part after "scheme:" splits, found in the one pass that also
 * checks that it holds no whitespace, control, angle bracket or quote
 * (RFC 3986 2.2: no URI does). */
struct uri_marks {
	const char *question;	/* the first '?' */
	const char *at;		/* the last '@' */
	const char *colon;	/* the first ':' */
};

static int uri_scan(const char *p, const char *end, struct uri_marks *m)
{
	m->question = m->at = m->colon = NULL;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (!cc_is(c, CC_URI_STOP))
			continue;
		if (c == '@') {
			m->at = p;
		} else if (c == '?') {
			if (!m->question)
				m->question = p;
		} else if (c == ':') {
			if (!m->colon)
				m->colon = p;
		} else {
			return EBADMSG;
		}
	}
	return 0;
}

static int sip_part_decode(struct sip_uri *uri, const char *p, const char *end,
			   const struct uri_marks *m)
{
	const char *q = m->question;
	const char *at = m->at;
	int err;

	/* The user part may hold ';', '?' and escaped '@' (RFC 4475 3.1.1.9),
	 * never a raw '@': the last '@' ends the userinfo. */
	if (at) {
		const char *colon = m->colon && m->colon < at ? m->colon : NULL;
		const char *ue = colon ? colon : at;
		if (ue == p)
			return EBADMSG;
		if (!sip_check_escaped(p, (size_t)(ue - p), CC_USER, NULL))
			return EBADMSG;
		uri->user = pl_make(p, (size_t)(ue - p));
		if (colon) {
			if (!sip_check_escaped(colon + 1, (size_t)(at - colon - 1), CC_USER, ":"))
				return EBADMSG;
			uri->password = pl_make(colon + 1, (size_t)(at - colon - 1));
		}
		p = at + 1;
		/* the headers start at the first '?' after the userinfo */
		if (q && q < at)
			q = memchr(p, '?', (size_t)(end - p));
	}
	const char *hend = q ? q : end;
	err = host_decode(uri, p, hend, &p);
	if (err)
		return err;
	if (p < hend) {
		if (*p != ';')
			return EBADMSG;
		uri->params = pl_make(p + 1, (size_t)(hend - p - 1));
		err = params_check(p + 1, hend);
		if (err)
			return err;
	}
	if (q) {
		uri->headers = pl_make(q + 1, (size_t)(end - q - 1));
		if (!uri->headers.l ||
		    !sip_check_escaped(uri->headers.p, uri->headers.l, CC_PARAM, "?=&"))
			return EBADMSG;
	}
	return 0;
}

int sip_uri_decode(struct sip_uri *uri, const struct pl *text)
{
	const char *p, *end, *s;
	struct uri_marks marks;

	if (!uri || !text || !text->p)
		return EINVAL;
	memset(uri, 0, sizeof(*uri));
	p = text->p;
	end = p + text->l;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (p == end || !cc_is((unsigned char)*p, CC_ALPHA))
		return EBADMSG;
	for (s = p + 1; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		if (!cc_is(c, CC_ALPHA | CC_DIGIT) && c != '+' && c != '-' && c != '.')
			break;
	}
	if (s == end || *s != ':')
		return EBADMSG;
	uri->scheme_pl = pl_make(p, (size_t)(s - p));
	if (PL_CASEEQ(&uri->scheme_pl, "sip"))
		uri->scheme = SIP_SCHEME_SIP;
	else if (PL_CASEEQ(&uri->scheme_pl, "sips"))
		uri->scheme = SIP_SCHEME_SIPS;
	else if (PL_CASEEQ(&uri->scheme_pl, "tel"))
		uri->scheme = SIP_SCHEME_TEL;
	else
		uri->scheme = SIP_SCHEME_OTHER;

	p = s + 1;
	if (p == end || uri_scan(p, end, &marks))
		return EBADMSG;
	if (uri->scheme == SIP_SCHEME_SIP || uri->scheme == SIP_SCHEME_SIPS)
		return sip_part_decode(uri, p, end, &marks);
	uri->opaque = pl_make(p, (size_t)(end - p));
	return 0;
}

void sip_uri_user(const struct sip_uri *uri, char *buf, size_t size)
{
	if (uri->user.l)
		pl_strcpy(&uri->user, buf, size);
	else if (uri->opaque.l)
		pl_strcpy(&uri->opaque, buf, size);
	else if (size)
		buf[0] = '\0';
}
