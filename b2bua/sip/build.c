/* Writing messages from our own state into fresh buffers. */
#include <errno.h>
#include <string.h>

#include "sip_priv.h"

void sip_build_hdr(struct mbw *w, enum sip_hdr_id id, const struct pl *value)
{
	const char *name = sip_hdr_name(id);

	if (!name) {
		w->err = w->err ? w->err : EINVAL;
		return;
	}
	mbw_puts(w, name);
	mbw_put(w, ": ", 2);
	mbw_put(w, value->p, value->l);
	mbw_put(w, "\r\n", 2);
}

void sip_build_body(struct mbw *w, const struct pl *ctype, const struct pl *body)
{
	size_t blen = body && body->p ? body->l : 0;

	if (blen && ctype && ctype->l)
		sip_build_hdr(w, SIP_HDR_CONTENT_TYPE, ctype);
	mbw_put(w, "Content-Length: ", 16);
	mbw_u32(w, (uint32_t)blen);
	mbw_put(w, "\r\n\r\n", 4);
	if (blen)
		mbw_put(w, body->p, blen);
}

/* copies every value of a header, one line per received line */
static void copy_all(struct mbw *w, const struct sip_msg *m, enum sip_hdr_id id)
{
	for (const struct sip_hdr *h = sip_msg_hdr(m, id); h; h = sip_msg_hdr_next(m, h))
		sip_build_hdr(w, id, &h->val);
}

int sip_build_response(struct mbuf **mbp, const struct sip_msg *req, uint16_t scode,
		       const char *reason, const char *totag, const char *extra_hdrs,
		       const struct pl *ctype, const struct pl *body)
{
	struct mbw w;
	const struct sip_hdr *h;
	int err;

	if (!mbp || !req || !req->req || scode < 100 || scode > 699)
		return EINVAL;
	err = mbw_init(&w, 512 + (body ? body->l : 0));
	if (err)
		return err;

	mbw_put(&w, "SIP/2.0 ", 8);
	mbw_u32(&w, scode);
	mbw_putc(&w, ' ');
	mbw_puts(&w, reason ? reason : sip_reason_phrase(scode));
	mbw_put(&w, "\r\n", 2);

	/* RFC 3261 8.2.6.2: Via, From, Call-ID and CSeq as received, To with
	 * our tag added unless the request already carried one */
	copy_all(&w, req, SIP_HDR_VIA);
	h = sip_msg_hdr(req, SIP_HDR_FROM);
	if (h)
		sip_build_hdr(&w, SIP_HDR_FROM, &h->val);
	h = sip_msg_hdr(req, SIP_HDR_TO);
	if (h) {
		sip_build_hdr(&w, SIP_HDR_TO, &h->val);
		if (totag && !req->to.tag.p && scode > 100) {
			/* back up over CRLF to append the tag parameter */
			w.mb->len -= 2;
			mbw_puts(&w, ";tag=");
			mbw_puts(&w, totag);
			mbw_put(&w, "\r\n", 2);
		}
	}
	h = sip_msg_hdr(req, SIP_HDR_CALL_ID);
	if (h)
		sip_build_hdr(&w, SIP_HDR_CALL_ID, &h->val);
	h = sip_msg_hdr(req, SIP_HDR_CSEQ);
	if (h)
		sip_build_hdr(&w, SIP_HDR_CSEQ, &h->val);
	/* RFC 3261 8.2.6.1: a 100 copies the Timestamp */
	if (scode == 100)
		copy_all(&w, req, SIP_HDR_TIMESTAMP);
	if (extra_hdrs)
		mbw_puts(&w, extra_hdrs);
	sip_build_body(&w, ctype, body);
	return mbw_finish(&w, mbp);
}
