/* The message parser: start line, header lines, the headers every message
 * needs, the body.  One pass over the header section; nothing is copied
 * and the receive buffer is never written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip_priv.h"

#define BAD(msg_, st_, why_) \
	do { \
		if (!(msg_)->bad.status) { \
			(msg_)->bad.status = (st_); \
			(msg_)->bad.reason = (why_); \
		} \
	} while (0)

static int framing_error(struct sip_parse_err *errp, const char *why)
{
	if (errp) {
		errp->status = 400;
		errp->reason = why;
	}
	return EBADMSG;
}

/* line end: returns the position of '\n' (or end), *eol_len is the width
 * of the terminator (2 for CRLF, 1 for a bare LF, 0 at end of input) */
static inline const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl) {
		*next = end;
		return end;
	}
	*next = nl + 1;
	if (nl > p && nl[-1] == '\r')
		return nl - 1;
	return nl;
}

static int parse_request_line(struct sip_msg *msg, const char *p, const char *e)
{
	const char *sp1, *sp2;

	/* Method SP Request-URI SP SIP-Version, single spaces (RFC 3261 25.1;
	 * RFC 4475 3.1.2.9 and 3.1.2.10 allow rejecting extra whitespace) */
	sp1 = memchr(p, ' ', (size_t)(e - p));
	if (!sp1 || sp1 == p)
		return EBADMSG;
	msg->method_pl = pl_make(p, (size_t)(sp1 - p));
	for (const char *s = p; s < sp1; s++) {
		if (!cc_is((unsigned char)*s, CC_TOKEN))
			return EBADMSG;
	}
	msg->method = sip_method_lookup(&msg->method_pl);
	p = sp1 + 1;
	sp2 = memchr(p, ' ', (size_t)(e - p));
	if (!sp2 || sp2 == p)
		return EBADMSG;
	msg->ruri_pl = pl_make(p, (size_t)(sp2 - p));
	msg->version = pl_make(sp2 + 1, (size_t)(e - sp2 - 1));
	if (memchr(msg->version.p, ' ', msg->version.l) || msg->version.l == 0)
		return EBADMSG;
	/* RFC 3261 7.1: the version is case-insensitive */
	if (!PL_CASEEQ(&msg->version, "sip/2.0")) {
		/* RFC 4475 3.1.2.16: another version is answered 505 */
		if (msg->version.l > 4 && caseeq(msg->version.p, 4, "sip/", 4))
			BAD(msg, 505, "Version Not Supported");
		else
			return EBADMSG;
	}
	if (sip_uri_decode(&msg->ruri, &msg->ruri_pl))
		BAD(msg, 400, "Malformed Request-URI");
	else if (msg->ruri.headers.p)
		/* RFC 3261 19.1.1: headers are not allowed in a Request-URI */
		BAD(msg, 400, "Request-URI With Headers");
	return 0;
}

static int parse_status_line(struct sip_msg *msg, const char *p, const char *e)
{
	const char *sp = memchr(p, ' ', (size_t)(e - p));
	uint32_t code;
	struct pl cpl;

	if (!sp)
		return EBADMSG;
	msg->version = pl_make(p, (size_t)(sp - p));
	if (!PL_CASEEQ(&msg->version, "sip/2.0"))
		return EBADMSG;
	p = sp + 1;
	cpl = pl_make(p, 0);
	while (p < e && cc_is((unsigned char)*p, CC_DIGIT))
		p++;
	cpl.l = (size_t)(p - cpl.p);
	/* Status-Code = 3DIGIT, 100 to 699 (RFC 4475 3.1.2.19) */
	if (cpl.l != 3 || pl_u32(&cpl, 699, &code) || code < 100)
		return EBADMSG;
	msg->scode = (uint16_t)code;
	if (p < e) {
		if (*p != ' ')
			return EBADMSG;
		p++;
	}
	msg->reason = pl_make(p, (size_t)(e - p));
	return 0;
}

static void add_header(struct sip_msg *msg, int16_t *last, const char *ns, const char *ne,
		       const char *vs, const char *ve)
{
	struct sip_hdr *h;
	uint16_t i = msg->nhdr;

	if (i >= SIP_MAX_HEADERS) {
		BAD(msg, 400, "Too Many Headers");
		return;
	}
	h = &msg->hdr[i];
	h->name = pl_make(ns, (size_t)(ne - ns));
	vs = skip_lws(vs, ve);
	ve = rskip_lws(vs, ve);
	h->val = pl_make(vs, (size_t)(ve - vs));
	h->id = sip_hdr_lookup(ns, (size_t)(ne - ns));
	h->next = -1;
	if (msg->first[h->id] < 0)
		msg->first[h->id] = (int16_t)i;
	else
		msg->hdr[last[h->id]].next = (int16_t)i;
	last[h->id] = (int16_t)i;
	msg->nhdr++;
}

/* decodes the single-valued headers; a second occurrence is malformed
 * (RFC 4475 3.3.8) */
static const struct sip_hdr *single(struct sip_msg *msg, enum sip_hdr_id id, const char *missing,
				    const char *dup)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, id);

	if (!h) {
		if (missing)
			BAD(msg, 400, missing);
		return NULL;
	}
	if (h->next >= 0) {
		BAD(msg, 400, dup);
		return NULL;
	}
	return h;
}

static void decode_essentials(struct sip_msg *msg)
{
	const struct sip_hdr *h;
	size_t pos;
	struct pl v;
	int err;

	/* top Via; every Via value is checked, the top one kept */
	h = sip_msg_hdr(msg, SIP_HDR_VIA);
	if (!h) {
		BAD(msg, 400, "Missing Via Header");
	} else {
		bool first = true;
		for (; h; h = sip_msg_hdr_next(msg, h)) {
			pos = 0;
			unsigned n = 0;
			while (sip_value_next(&h->val, &pos, &v, &err)) {
				struct sip_via tmp, *via = first ? &msg->via : &tmp;
				if (err || sip_via_decode(via, &v)) {
					BAD(msg, 400, "Malformed Via Header");
					break;
				}
				first = false;
				if (++n > SIP_MAX_VALUES) {
					BAD(msg, 400, "Too Many Via Values");
					break;
				}
			}
			if (err || n == 0)
				BAD(msg, 400, "Malformed Via Header");
		}
	}

	h = single(msg, SIP_HDR_FROM, "Missing From Header", "Duplicate From Header");
	if (h && sip_addr_decode(&msg->from, &h->val))
		BAD(msg, 400, "Malformed From Header");
	h = single(msg, SIP_HDR_TO, "Missing To Header", "Duplicate To Header");
	if (h && sip_addr_decode(&msg->to, &h->val))
		BAD(msg, 400, "Malformed To Header");

	h = single(msg, SIP_HDR_CALL_ID, "Missing Call-ID Header", "Duplicate Call-ID Header");
	if (h) {
		size_t i = 0;
		msg->callid = h->val;
		while (i < h->val.l && !cc_is((unsigned char)h->val.p[i], CC_CTL))
			i++;
		if (i < h->val.l || !h->val.l)
			BAD(msg, 400, "Malformed Call-ID Header");
	}

	h = single(msg, SIP_HDR_CSEQ, "Missing CSeq Header", "Duplicate CSeq Header");
	if (h) {
		if (sip_cseq_decode(&msg->cseq, &h->val)) {
			BAD(msg, 400, "Malformed CSeq Header");
		} else if (msg->req && !pl_eq(&msg->cseq.method_pl, &msg->method_pl)) {
			/* RFC 4475 3.1.2.18: an unknown method earns 501 first */
			if (msg->method == SIP_METHOD_UNKNOWN)
				BAD(msg, 501, "Not Implemented");
			else
				BAD(msg, 400, "CSeq Method Does Not Match");
		}
	}

	h = single(msg, SIP_HDR_MAX_FORWARDS, NULL, "Duplicate Max-Forwards Header");
	if (h) {
		/* RFC 3261 20.22: 1*DIGIT; values above 255 are out of range */
		if (pl_u32(&h->val, 255, &msg->max_forwards))
			BAD(msg, 400, "Malformed Max-Forwards Header");
		else
			msg->has_max_forwards = true;
	}

	h = sip_msg_hdr(msg, SIP_HDR_CONTENT_TYPE);
	if (h)
		msg->ctype = h->val;
}

static void decode_clen(struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH);

	if (!h)
		return;
	if (pl_u32(&h->val, SIP_MAX_MSG_SIZE, &msg->clen)) {
		BAD(msg, 400, "Malformed Content-Length Header");
		msg->clen = 0;
		return;
	}
	for (h = sip_msg_hdr_next(msg, h); h; h = sip_msg_hdr_next(msg, h)) {
		uint32_t other;
		/* RFC 4475 3.3.9: conflicting values make framing impossible */
		if (pl_u32(&h->val, SIP_MAX_MSG_SIZE, &other) || other != msg->clen) {
			BAD(msg, 400, "Conflicting Content-Length Headers");
			msg->clen = 0;
			return;
		}
	}
	msg->has_clen = true;
}

/* A parsed message is large (its header array) and short-lived: one is
 * parsed, handled and freed per datagram.  Each thread keeps a few for
 * reuse instead of handing them back to malloc, whose bins for blocks of
 * this size cost more than the rest of a small message's parse. */
enum { MSG_SPARES = 4 };
static _Thread_local struct sip_msg *msg_spare[MSG_SPARES];
static _Thread_local unsigned msg_nspare;

static struct sip_msg *msg_get(void)
{
	if (msg_nspare)
		return msg_spare[--msg_nspare];
	return malloc(sizeof(struct sip_msg));
}

static void msg_put(struct sip_msg *msg)
{
	if (msg_nspare < MSG_SPARES)
		msg_spare[msg_nspare++] = msg;
	else
		free(msg);
}

void sip_msg_cache_flush(void)
{
	while (msg_nspare)
		free(msg_spare[--msg_nspare]);
}

int sip_msg_parse(struct sip_msg **msgp, struct mbuf *mb, size_t off, size_t len,
		  unsigned flags, struct sip_parse_err *errp)
{
	struct sip_msg *msg;
	const char *p, *end, *e, *next;
	int16_t last[SIP_HDR_COUNT];
	int err;

	if (!msgp || !mb || off > mb->len || len > mb->len - off)
		return EINVAL;
	if (len > SIP_MAX_MSG_SIZE)
		return framing_error(errp, "Message Too Large");

	p = mb->data + off;
	end = p + len;
	/* RFC 3261 7.5: ignore CRLFs before the start line */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return framing_error(errp, "Empty Message");

	msg = msg_get();
	if (!msg)
		return ENOMEM;
	/* the header array is not cleared: nhdr says how much is valid */
	memset(msg, 0, offsetof(struct sip_msg, hdr));
	memset(msg->first, 0xff, sizeof(msg->first));
	msg->raw = pl_make(p, (size_t)(end - p));

	e = line_end(p, end, &next);
	if ((size_t)(e - p) > SIP_MAX_LINE) {
		err = framing_error(errp, "Start Line Too Long");
		goto fail;
	}
	if (e - p >= 4 && caseeq(p, 4, "sip/", 4)) {
		msg->req = false;
		err = parse_status_line(msg, p, e);
		if (err) {
			framing_error(errp, "Malformed Status Line");
			goto fail;
		}
	} else {
		msg->req = true;
		/* a bad request line still gets an answer if the headers allow */
		if (parse_request_line(msg, p, e)) {
			BAD(msg, 400, "Malformed Request Line");
			msg->method = SIP_METHOD_UNKNOWN;
		}
	}

	/* header lines, unfolding continuations (RFC 3261 7.3.1) */
	p = next;
	const char *ns = NULL, *ne = NULL, *vs = NULL, *ve = NULL;
	bool ended = false;
	while (p < end) {
		e = line_end(p, end, &next);
		if (e == p) {			/* the empty line */
			ended = true;
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (!ns) {
				err = framing_error(errp, "Continuation Without Header");
				goto fail;
			}
			ve = e;			/* fold: the value grows */
		} else {
			if (ns)
				add_header(msg, last, ns, ne, vs, ve);
			ns = p;
			while (p < e && cc_is((unsigned char)*p, CC_TOKEN))
				p++;
			ne = p;
			p = skip_lws(p, e);
			if (ne == ns || p >= e || *p != ':') {
				/* no usable name: keep going so the request can
				 * still be answered 400 */
				BAD(msg, 400, "Malformed Header Line");
				ns = NULL;
				p = next;
				continue;
			}
			vs = p + 1;
			ve = e;
		}
		if ((size_t)(ve - (ns ? ns : p)) > SIP_MAX_LINE)
			BAD(msg, 400, "Header Line Too Long");
		p = next;
	}
	if (ns)
		add_header(msg, last, ns, ne, vs, ve);
	if (!ended && !(flags & SIP_PARSE_DGRAM)) {
		err = framing_error(errp, "Incomplete Header Section");
		goto fail;
	}

	decode_essentials(msg);
	decode_clen(msg);

	/* the body: Content-Length decides; over UDP a missing one means the
	 * rest of the datagram and octets past it are ignored (RFC 3261 18.3) */
	size_t avail = (size_t)(end - p);
	if (msg->has_clen) {
		if (msg->clen > avail) {
			BAD(msg, 400, "Content-Length Larger Than Body");
			msg->body = pl_make(p, avail);
		} else {
			msg->body = pl_make(p, msg->clen);
		}
	} else {
		msg->body = pl_make(p, avail);
	}
	msg->raw.l = (size_t)(msg->body.p + msg->body.l - msg->raw.p);

	msg->mb = mbuf_ref(mb);
	*msgp = msg;
	return 0;

fail:
	msg_put(msg);
	return err;
}

void sip_msg_free(struct sip_msg *msg)
{
	if (!msg)
		return;
	mbuf_unref(msg->mb);
	msg_put(msg);
}

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id)
{
	int16_t i;

	if ((unsigned)id >= SIP_HDR_COUNT)
		return NULL;
	i = msg->first[id];
	return i < 0 ? NULL : &msg->hdr[i];
}

const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg, const struct sip_hdr *h)
{
	return h->next < 0 ? NULL : &msg->hdr[h->next];
}

const struct sip_hdr *sip_msg_hdr_by_name(const struct sip_msg *msg, const char *name)
{
	enum sip_hdr_id id = sip_hdr_lookup(name, strlen(name));

	if (id != SIP_HDR_OTHER)
		return sip_msg_hdr(msg, id);
	for (const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_OTHER); h;
	     h = sip_msg_hdr_next(msg, h)) {
		if (pl_casecmp_str(&h->name, name))
			return h;
	}
	return NULL;
}

unsigned sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id)
{
	unsigned n = 0;

	for (const struct sip_hdr *h = sip_msg_hdr(msg, id); h; h = sip_msg_hdr_next(msg, h))
		n++;
	return n;
}
