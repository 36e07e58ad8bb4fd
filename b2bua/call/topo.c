#include "topo.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

_Static_assert(TOPO_MAX_TOKENS <= 16, "topo_leak keeps sets of identifiers in 16 bits");

void topo_guard_add(struct topo_guard *g, const char *tok)
{
	if (tok && tok[0] && g->n < TOPO_MAX_TOKENS)
		g->tok[g->n++] = tok;
}

/* a character that continues a token; ':' does only for a token that has
 * one itself (an IPv6 address), so "127.0.0.2:5060" holds "127.0.0.2" */
static bool tok_char(char c, bool colon)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '-' || c == '_' || (c == ':' && colon);
}

/* whether the len bytes at hit are a whole token of the message */
static bool whole_token(const struct mbuf *mb, const char *hit, const char *t, size_t len)
{
	const char *end = mb->data + mb->len;
	bool colon = memchr(t, ':', len) != NULL;
	/* after a %HH escape ("to-tag%3D..." in a URI header) a token starts too */
	bool before = hit == mb->data || !tok_char(hit[-1], colon) ||
		      (hit - mb->data >= 3 && hit[-3] == '%' && isxdigit((unsigned char)hit[-2]) &&
		       isxdigit((unsigned char)hit[-1]));
	bool after = hit + len == end || !tok_char(hit[len], colon);

	/* "127.0.0.2" inside "127.0.0.21" or a tag inside a longer token is
	 * not this identifier */
	return before && after;
}

/* one identifier on its own, every place memmem finds it */
static bool found_alone(const struct mbuf *mb, const char *t, size_t tl)
{
	const char *p = mb->data, *end = mb->data + mb->len;

	while ((size_t)(end - p) >= tl) {
		const char *hit = memmem(p, (size_t)(end - p), t, tl);

		if (!hit)
			return false;
		if (whole_token(mb, hit, t, tl))
			return true;
		p = hit + 1;
	}
	return false;
}

/* TOPO_SET_MIN: identifiers this long or longer are looked for together;
 * a shorter one (an IPv6 "::1", a short tag) would leave the window too
 * short to skip anything and is looked for on its own.  TOPO_WINDOW_MAX
 * keeps a slide within a byte.  TOPO_PAIRS: the size of the table of
 * byte pairs (a collision only makes a slide shorter). */
enum { TOPO_SET_MIN = 4, TOPO_WINDOW_MAX = 64, TOPO_PAIRS = 512 };

static inline unsigned pair_hash(const unsigned char *two)
{
	return ((unsigned)two[0] << 4 ^ two[1]) & (TOPO_PAIRS - 1);
}

/* All the identifiers in one pass over the message (Wu and Manber's
 * algorithm with pairs of bytes): a window as long as the shortest
 * identifier slides along the message; the pair of bytes that ends it
 * says how far the window can slide before it could hold the start of an
 * identifier, or, when it ends an identifier's first window's worth,
 * that this identifier is compared there.  On SIP messages the window
 * slides by nearly its length each time, where memmem went over the
 * message once per identifier. */
const char *topo_leak(const struct topo_guard *g, const struct mbuf *mb)
{
	const unsigned char *d = (const unsigned char *)mb->data;
	const unsigned char *tok[TOPO_MAX_TOKENS];
	size_t len[TOPO_MAX_TOKENS], win = TOPO_WINDOW_MAX;
	unsigned idx[TOPO_MAX_TOKENS], n = 0, found = 0;
	uint8_t slide[TOPO_PAIRS];
	uint16_t ends[TOPO_PAIRS];	/* valid where slide is 0 */

	for (unsigned i = 0; i < g->n; i++) {
		size_t tl = strlen(g->tok[i]);

		if (tl < TOPO_SET_MIN) {
			if (found_alone(mb, g->tok[i], tl))
				found |= 1u << i;
			continue;
		}
		tok[n] = (const unsigned char *)g->tok[i];
		len[n] = tl;
		idx[n++] = i;
		if (tl < win)
			win = tl;
	}
	if (!n || mb->len < win)
		goto out;
	/* a pair in no identifier's window: the window slides past it; else
	 * to line up with its last place in one (j ascending: the last one
	 * written is the shortest slide) */
	memset(slide, (int)win - 1, sizeof(slide));
	for (size_t j = 0; j + 2 < win; j++) {
		for (unsigned k = 0; k < n; k++)
			slide[pair_hash(tok[k] + j)] = (uint8_t)(win - 2 - j);
	}
	for (unsigned k = 0; k < n; k++) {
		unsigned h = pair_hash(tok[k] + win - 2);

		if (slide[h])
			ends[h] = 0;
		slide[h] = 0;
		ends[h] |= (uint16_t)(1u << k);
	}
	for (const unsigned char *q = d, *last = d + mb->len - win; q <= last;) {
		unsigned h = pair_hash(q + win - 2);
		unsigned cand;

		if (slide[h]) {
			q += slide[h];
			continue;
		}
		for (cand = ends[h]; cand; cand &= cand - 1) {
			unsigned k = (unsigned)__builtin_ctz(cand);

			if (len[k] <= (size_t)(d + mb->len - q) && memcmp(q, tok[k], len[k]) == 0 &&
			    whole_token(mb, (const char *)q, (const char *)tok[k], len[k]))
				found |= 1u << idx[k];
		}
		q++;
	}
out:
	/* the first of the guard's identifiers that is there, as looking for
	 * one after the other would name */
	return found ? g->tok[__builtin_ctz(found)] : NULL;
}

/* the default allow-list of end-to-end headers */
static const enum sip_hdr_id crossing[] = {
	SIP_HDR_SUBJECT,
	SIP_HDR_PRIVACY,
	SIP_HDR_REASON,
	SIP_HDR_ALLOW,
	SIP_HDR_ACCEPT,
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_LANGUAGE,
	SIP_HDR_EVENT,
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_PRIORITY,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_MIME_VERSION,
};

static bool named_in(const char *list, const char *name)
{
	struct pl l;

	if (!list || !list[0] || !name)
		return false;
	l = pl_make(list, strlen(list));
	return sip_token_list_has(&l, name);
}

void topo_copy_headers(struct mbw *w, const struct sip_msg *src)
{
	topo_copy_headers_except(w, src, NULL);
}

void topo_copy_headers_except(struct mbw *w, const struct sip_msg *src, const char *remove)
{
	for (size_t i = 0; i < sizeof(crossing) / sizeof(crossing[0]); i++) {
		if (named_in(remove, sip_hdr_name(crossing[i])))
			continue;
		for (const struct sip_hdr *h = sip_msg_hdr(src, crossing[i]); h;
		     h = sip_msg_hdr_next(src, h))
			sip_build_hdr(w, crossing[i], &h->val);
	}
	/* Info-Package (RFC 6086) has no id of its own */
	const struct sip_hdr *h = sip_msg_hdr_by_name(src, "Info-Package");
	if (h && !named_in(remove, "Info-Package")) {
		mbw_puts(w, "Info-Package: ");
		mbw_put(w, h->val.p, h->val.l);
		mbw_put(w, "\r\n", 2);
	}
}

bool topo_has_sdp(const struct sip_msg *msg)
{
	if (!msg->body.l)
		return false;
	if (!msg->ctype.l)
		return true;	/* a body of unknown type: assume the worst */
	if (msg->ctype.l >= 15 && strncasecmp(msg->ctype.p, "application/sdp", 15) == 0)
		return true;
	if (msg->ctype.l >= 10 && strncasecmp(msg->ctype.p, "multipart/", 10) == 0)
		return memmem(msg->body.p, msg->body.l, "application/sdp", 15) != NULL ||
		       memmem(msg->body.p, msg->body.l, "application/SDP", 15) != NULL;
	return false;
}
