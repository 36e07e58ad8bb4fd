/* Writing messages from our own state into fresh buffers. */
#include <errno.h>
#include <string.h>

#include "sip_priv.h"
#include "../base/sa.h"

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

/* The Via headers as received, except that the top value gets what RFC
 * 3261 18.2.1 and RFC 3581 4 ask of a server: received= when the sent-by
 * host differs from the packet's source address, and the source port in an
 * empty rport. */
static void write_vias(struct mbw *w, const struct sip_msg *req)
{
	const struct sip_hdr *top = sip_msg_hdr(req, SIP_HDR_VIA);
	const struct sip_via *via = &req->via;
	char ip[SA_STRLEN];

	if (!top || !via->value.p || req->src.ss_family == 0 ||
	    via->value.p < top->val.p || via->value.p + via->value.l > top->val.p + top->val.l) {
		copy_all(w, req, SIP_HDR_VIA);
		return;
	}
	sa_ip_fmt(&req->src, ip, sizeof(ip));
	const char *vs = via->value.p, *ve = vs + via->value.l;
	mbw_puts(w, "Via: ");
	if (via->has_rport && via->rport.l == 0) {
		mbw_put(w, vs, (size_t)(via->rport.p - vs));
		mbw_putc(w, '=');
		mbw_u32(w, sa_port(&req->src));
		mbw_put(w, via->rport.p, (size_t)(ve - via->rport.p));
	} else {
		mbw_put(w, vs, via->value.l);
	}
	/* received is added when rport is present too (RFC 3581 4) */
	if (!via->received.p && (!pl_eq_str(&via->host, ip) || via->has_rport)) {
		mbw_puts(w, ";received=");
		mbw_puts(w, ip);
	}
	/* the other values of the top Via header line, then the other lines */
	mbw_put(w, ve, (size_t)(top->val.p + top->val.l - ve));
	mbw_put(w, "\r\n", 2);
	for (const struct sip_hdr *h = sip_msg_hdr_next(req, top); h; h = sip_msg_hdr_next(req, h))
		sip_build_hdr(w, SIP_HDR_VIA, &h->val);
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
	write_vias(&w, req);
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
