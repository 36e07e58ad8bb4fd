/* Framing SIP messages on a stream (RFC 3261 18.3).
 *
 * A stream carries messages back to back, possibly separated by blank
 * lines (RFC 5626 keep-alives).  A message is its header section, up to
 * the first empty line, and exactly Content-Length bytes of body.  Only the
 * header lines are looked at, one memchr per line; the body is counted,
 * never scanned.
 */
#include <errno.h>
#include <string.h>

#include "transport.h"

void tp_frame_init(struct tp_frame *f)
{
	memset(f, 0, sizeof(*f));
}

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static bool name_is(const char *p, size_t len, const char *name)
{
	if (len != strlen(name))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (lower((unsigned char)p[i]) != (unsigned char)name[i])
			return false;
	}
	return true;
}

static inline bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of a Content-Length header: LWS, digits, LWS and nothing else
 * (folds are LWS).  returns 0 or EBADMSG. */
static int clen_parse(const char *p, size_t len, uint32_t *out)
{
	size_t i = 0, digits = 0;
	uint32_t v = 0;

	while (i < len && is_lws(p[i]))
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
		v = v * 10 + (uint32_t)(p[i] - '0');
		if (v > TP_FRAME_MAX)
			return EBADMSG;
	}
	while (i < len && is_lws(p[i]))
		i++;
	if (digits == 0 || i != len)
		return EBADMSG;
	*out = v;
	return 0;
}

/* A logical header line is complete: if it is Content-Length (or its
 * compact form "l", RFC 3261 7.3.3), take its value. */
static int header_done(struct tp_frame *f, const char *p)
{
	const char *h = p + f->hdr;
	size_t len = f->hdr_end - f->hdr;
	const char *colon;
	size_t nlen;
	uint32_t v;
	int err;

	if (!f->has_hdr)
		return 0;
	f->has_hdr = false;
	colon = memchr(h, ':', len);
	if (!colon)
		return 0;	/* not a header; the parser will say so */
	nlen = (size_t)(colon - h);
	while (nlen > 0 && (h[nlen - 1] == ' ' || h[nlen - 1] == '\t'))
		nlen--;
	if (!name_is(h, nlen, "content-length") && !name_is(h, nlen, "l"))
		return 0;
	err = clen_parse(colon + 1, len - (size_t)(colon + 1 - h), &v);
	if (err)
		return err;
	/* two different lengths: which one frames the stream is unknowable */
	if (f->has_clen && f->clen != v)
		return EBADMSG;
	f->clen = v;
	f->has_clen = true;
	return 0;
}

/* Scans whole lines of the header section from f->pos on.  returns 0 once
 * the empty line is found (f->body set), EAGAIN, EBADMSG. */
static int scan_headers(struct tp_frame *f, const char *p, size_t len)
{
	int err;

	while (f->pos < len) {
		const char *nl = memchr(p + f->pos, '\n', len - f->pos);
		size_t line = f->line, end, eol;

		if (!nl) {
			f->pos = len;
			break;
		}
		eol = (size_t)(nl - p);
		if (eol >= TP_FRAME_MAX)
			return EBADMSG;
		end = eol;
		if (end > line && p[end - 1] == '\r')
			end--;
		f->pos = f->line = eol + 1;

		if (end == line) {
			/* the empty line: CRLFCRLF, or LFLF from lenient peers */
			err = header_done(f, p);
			if (err)
				return err;
			/* RFC 3261 18.3: mandatory on a stream */
			if (!f->has_clen)
				return EBADMSG;
			if (eol + 1 + f->clen > TP_FRAME_MAX)
				return EBADMSG;
			f->body = eol + 1;
			return 0;
		}
		if (p[line] == ' ' || p[line] == '\t') {
			/* a folded continuation belongs to the pending header */
			if (f->has_hdr)
				f->hdr_end = end;
			continue;
		}
		err = header_done(f, p);
		if (err)
			return err;
		if (!f->start_line) {
			f->start_line = true;
			continue;
		}
		f->hdr = line;
		f->hdr_end = end;
		f->has_hdr = true;
	}
	if (f->pos >= TP_FRAME_MAX)
		return EBADMSG;
	return EAGAIN;
}

/* Blank lines between messages: returns how many bytes of CRLF or LF
 * line ends start p (a CR alone at the end is left for later) and their
 * number in *lines. */
static size_t blank_run(const char *p, size_t len, unsigned *lines)
{
	size_t i = 0;

	*lines = 0;
	for (;;) {
		if (i < len && p[i] == '\n')
			i += 1;
		else if (i + 1 < len && p[i] == '\r' && p[i + 1] == '\n')
			i += 2;
		else
			return i;
		(*lines)++;
	}
}

int tp_frame_scan(struct tp_frame *f, const char *p, size_t len, size_t *msglen)
{
	size_t total;
	int err;

	if (!f || !msglen || (!p && len))
		return EINVAL;

	f->keepalive = false;
	f->pongs = 0;
	if (!f->in_msg) {
		unsigned lines;
		size_t n = blank_run(p, len, &lines);

		if (n > 0) {
			/* RFC 5626 4.4.1: each CRLFCRLF is a ping, even when
			 * its halves arrive in different reads */
			f->keepalive = true;
			f->pongs = (f->odd_blank + lines) / 2;
			f->odd_blank = (f->odd_blank + lines) & 1;
			*msglen = n;
			return 0;
		}
		if (len == 0 || (len == 1 && p[0] == '\r'))
			return EAGAIN;
		f->in_msg = true;
	}

	if (!f->body) {
		err = scan_headers(f, p, len);
		if (err)
			return err;
	}
	total = f->body + f->clen;
	if (len < total)
		return EAGAIN;

	tp_frame_init(f);
	*msglen = total;
	return 0;
}
