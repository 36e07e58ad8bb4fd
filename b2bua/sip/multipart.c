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

	p = msg->body.p;
	end = p + msg->body.l;
	p = find(p, end, delim, dlen);
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
		const char *next = find(ps, end, delim, dlen);
		if (!next)
			return EBADMSG;
		/* the CRLF before the delimiter belongs to it */
		const char *pe = next;
		if (pe > ps && pe[-1] == '\n')
			pe--;
		if (pe > ps && pe[-1] == '\r')
			pe--;
		if (count >= max)
			return E2BIG;
		/* part headers end at the first empty line; none at all is allowed */
		const char *hb = ps;
		const char *sep = find(ps, pe, "\r\n\r\n", 4);
		if (ps < pe && (*ps == '\r' || *ps == '\n')) {
			parts[count].headers = pl_make(ps, 0);
			hb = ps + ((*ps == '\r') ? 2 : 1);
			parts[count].body = pl_make(hb, (size_t)(pe > hb ? pe - hb : 0));
		} else if (sep) {
			parts[count].headers = pl_make(ps, (size_t)(sep - ps));
			parts[count].body = pl_make(sep + 4, (size_t)(pe - sep - 4));
		} else {
			parts[count].headers = pl_make(ps, (size_t)(pe - ps));
			parts[count].body = pl_make(pe, 0);
		}
		count++;
		p = next;
	}
	*n = count;
	return 0;
}
