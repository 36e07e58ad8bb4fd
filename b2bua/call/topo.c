#include "topo.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

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

const char *topo_leak(const struct topo_guard *g, const struct mbuf *mb)
{
	for (unsigned i = 0; i < g->n; i++) {
		const char *t = g->tok[i];
		size_t tl = strlen(t);
		bool colon = memchr(t, ':', tl) != NULL;
		const char *p = mb->data, *end = mb->data + mb->len;

		while ((size_t)(end - p) >= tl) {
			const char *hit = memmem(p, (size_t)(end - p), t, tl);
			if (!hit)
				break;
			/* after a %HH escape ("to-tag%3D..." in a URI header)
			 * a token starts too */
			bool before = hit == mb->data || !tok_char(hit[-1], colon) ||
				      (hit - mb->data >= 3 && hit[-3] == '%' &&
				       isxdigit((unsigned char)hit[-2]) &&
				       isxdigit((unsigned char)hit[-1]));
			bool after = hit + tl == end || !tok_char(hit[tl], colon);
			/* "127.0.0.2" inside "127.0.0.21" or a tag inside a longer
			 * token is not this identifier */
			if (before && after)
				return t;
			p = hit + 1;
		}
	}
	return NULL;
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
