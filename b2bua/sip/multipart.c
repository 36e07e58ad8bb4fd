/* Multipart bodies (RFC 2046 5.1) split into views; the body itself is
 * kept intact for whoever forwards it. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip_priv.h"

static const char *find(const char *p, const char *end, const char *s, size_t n)
{
	while ((size_t)(end - p) >= n) {
		const char *c = memchr(p, s[0], (size_t)(end - p) - n + 1);
		if (!c)
			return NULL;
		if (memcmp(c, s, n) == 0)
			return c;
		p = c + 1;
	}
	return NULL;
}

/* RFC 2046 5.1.1: a delimiter starts a line (or the body) and is followed
 * by "--" (the close delimiter) or by optional whitespace and a line end */
static const char *find_delim(const char *p, const char *end, const char *body,
			      const char *delim, size_t dlen)
{
	for (const char *c = find(p, end, delim, dlen); c; c = find(c + 1, end, delim, dlen)) {
		const char *after = c + dlen;
		if (c != body && c[-1] != '\n')
			continue;
		if (end - after >= 2 && after[0] == '-' && after[1] == '-')
			return c;
		while (after < end && (*after == ' ' || *after == '\t'))
			after++;
		if (after == end || *after == '\n' || (*after == '\r' && after + 1 < end && after[1] == '\n'))
			return c;
	}
	return NULL;
}

/* the end of a part's header section: the first empty line, CRLF or LF */
static const char *headers_end(const char *p, const char *end, const char **body)
{
	for (const char *nl = memchr(p, '\n', (size_t)(end - p)); nl;
	     nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1))) {
		const char *q = nl + 1;
		if (q < end && *q == '\n') {
			*body = q + 1;
			return nl;
		}
		if (q + 1 < end && q[0] == '\r' && q[1] == '\n') {
			*body = q + 2;
			return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		}
		if (nl + 1 >= end)
			break;
	}
	return NULL;
}

int sip_multipart_split(const struct sip_msg *msg, struct sip_body_part *parts,
			unsigned max, unsigned *n)
{
	struct pl ct = msg->ctype, boundary;
	const char *semi, *p, *end;
	char delim[76 + 4];
	size_t dlen;
	unsigned count = 0;

	*n = 0;
	if (ct.l < 10 || strncasecmp(ct.p, "multipart/", 10) != 0)
		return ENOENT;
	semi = memchr(ct.p, ';', ct.l);
	if (!semi)
		return EBADMSG;
	struct pl params = pl_make(semi + 1, (size_t)(ct.p + ct.l - semi - 1));
	if (!sip_param_get(&params, "boundary", &boundary) || !boundary.l)
		return EBADMSG;
	if (boundary.p[0] == '"') {
		if (boundary.l < 3)
			return EBADMSG;
		boundary.p++;
		boundary.l -= 2;
	}
	/* RFC 2046: a boundary has 1 to 70 characters */
	if (boundary.l > 70)
		return EBADMSG;
	memcpy(delim, "--", 2);
	memcpy(delim + 2, boundary.p, boundary.l);
	dlen = boundary.l + 2;

	const char *body = msg->body.p;
	end = body + msg->body.l;
	p = find_delim(body, end, body, delim, dlen);
	if (!p)
		return EBADMSG;
	for (;;) {
		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;			/* close delimiter */
		/* rest of the delimiter line */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return EBADMSG;
		const char *ps = nl + 1;
		const char *next = find_delim(ps, end, body, delim, dlen);
		if (!next)
			return EBADMSG;
		/* the line end before the delimiter belongs to it */
		const char *pe = next;
		if (pe > ps && pe[-1] == '\n')
			pe--;
		if (pe > ps && pe[-1] == '\r')
			pe--;
		if (count >= max)
			return E2BIG;
		/* part headers end at the first empty line; none at all is allowed */
		const char *pb;
		if (ps < pe && (*ps == '\n' || (*ps == '\r' && ps + 1 < pe && ps[1] == '\n'))) {
			pb = ps + (*ps == '\r' ? 2 : 1);
			parts[count].headers = pl_make(ps, 0);
			parts[count].body = pl_make(pb, (size_t)(pe - pb));
		} else {
			const char *he = headers_end(ps, pe, &pb);
			if (he) {
				parts[count].headers = pl_make(ps, (size_t)(he - ps));
				parts[count].body = pl_make(pb, (size_t)(pe > pb ? pe - pb : 0));
			} else {
				parts[count].headers = pl_make(ps, (size_t)(pe - ps));
				parts[count].body = pl_make(pe, 0);
			}
		}
		count++;
		p = next;
	}
	*n = count;
	return 0;
}
