/* Requests the layer writes itself: the ACK for a non-2xx final response
 * (RFC 3261 17.1.1.3) and CANCEL (RFC 3261 9.1).  Both are hop-by-hop
 * companions of an INVITE we sent, so they copy our own INVITE, never
 * anything of the far end except the To of the response being ACKed. */
#include <errno.h>

#include "tsx/tsx_priv.h"

/* Writes a request to the INVITE's target with its top Via, Route set,
 * From and Call-ID; to is the To value, method goes in the CSeq. */
static int build(struct mbuf **mbp, const struct sip_msg *inv, enum sip_method method,
		 const struct pl *to)
{
	const char *mname = sip_method_name(method);
	const struct sip_hdr *h;
	struct mbw w;
	int err;

	err = mbw_init(&w, inv->raw.l / 2 + 128);
	if (err)
		return err;
	mbw_printf(&w, "%s %.*s SIP/2.0\r\n", mname, PL_FMT(inv->ruri_pl));
	/* exactly one Via: the top one of the INVITE, branch included */
	sip_build_hdr(&w, SIP_HDR_VIA, &inv->via.value);
	for (h = sip_msg_hdr(inv, SIP_HDR_ROUTE); h; h = sip_msg_hdr_next(inv, h))
		sip_build_hdr(&w, SIP_HDR_ROUTE, &h->val);
	mbw_puts(&w, "Max-Forwards: 70\r\n");
	sip_build_hdr(&w, SIP_HDR_FROM, &inv->from.value);
	sip_build_hdr(&w, SIP_HDR_TO, to);
	sip_build_hdr(&w, SIP_HDR_CALL_ID, &inv->callid);
	mbw_printf(&w, "CSeq: %u %s\r\n", inv->cseq.num, mname);
	sip_build_body(&w, NULL, NULL);
	return mbw_finish(&w, mbp);
}

static int parse_own(struct sip_msg **msgp, struct mbuf *mb)
{
	/* our own request: parsed again rather than kept parsed, so that a
	 * live transaction holds one buffer and no header table */
	int err = sip_msg_parse(msgp, mb, 0, mb->len, SIP_PARSE_DGRAM, NULL);

	if (err)
		return err == ENOMEM ? ENOMEM : EINVAL;
	return 0;
}

int tsx_build_ack(struct mbuf **mbp, struct mbuf *invite, const struct sip_msg *resp)
{
	struct sip_msg *inv;
	int err;

	err = parse_own(&inv, invite);
	if (err)
		return err;
	/* the To of the response: it carries the tag of whoever refused */
	err = build(mbp, inv, SIP_METHOD_ACK, &resp->to.value);
	sip_msg_free(inv);
	return err;
}

int tsx_build_cancel(struct mbuf **mbp, struct mbuf *invite)
{
	struct sip_msg *inv;
	int err;

	err = parse_own(&inv, invite);
	if (err)
		return err;
	err = build(mbp, inv, SIP_METHOD_CANCEL, &inv->to.value);
	sip_msg_free(inv);
	return err;
}
