/* libFuzzer harness: the message parser and everything that reads a
 * parsed message (header decoders, request/response checks, the response
 * builder, multipart).  The first input byte picks datagram or stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ua.h"
#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_headers(const struct sip_msg *msg)
{
	for (unsigned i = 0; i < msg->nhdr; i++) {
		const struct sip_hdr *h = &msg->hdr[i];
		size_t pos = 0;
		struct pl v;
		int err;

		while (sip_value_next(&h->val, &pos, &v, &err)) {
			struct sip_via via;
			struct sip_addr addr;
			struct sip_cseq cseq;
			struct sip_replaces rp;
			char hv[256];
			switch (h->id) {
			case SIP_HDR_VIA:
				(void)sip_via_decode(&via, &v);
				break;
			case SIP_HDR_CSEQ:
				(void)sip_cseq_decode(&cseq, &v);
				break;
			case SIP_HDR_REPLACES:
				(void)sip_replaces_decode(&rp, &h->val);
				break;
			case SIP_HDR_REFER_TO:
				/* what the call core reads of a Refer-To */
				if (sip_addr_decode(&addr, &v) == 0 &&
				    sip_uri_header_get(&addr.uri, "Replaces", hv, sizeof(hv), NULL) == 0) {
					struct pl hp = pl_make(hv, strlen(hv));
					(void)sip_replaces_decode(&rp, &hp);
				}
				break;
			default:
				(void)sip_addr_decode(&addr, &v);
				break;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *msg;
	struct mbuf *mb;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = (data[0] & 1) ? SIP_PARSE_DGRAM : 0;
	if (mbuf_dup(&mb, data + 1, size - 1))
		return 0;
	if (sip_msg_parse(&msg, mb, 0, mb->len, flags, NULL) == 0) {
		struct ua_verdict v;
		struct sip_body_part parts[SIP_MAX_BODY_PARTS];
		unsigned n;

		walk_headers(msg);
		if (msg->body.l) {
			uint16_t code;
			(void)sip_sipfrag_status(&msg->body, &code);
		}
		(void)sip_multipart_split(msg, parts, SIP_MAX_BODY_PARTS, &n);
		if (msg->req) {
			if (ua_can_answer(msg) && ua_verdict(msg, &v)) {
				struct mbuf *resp;
				if (sip_build_response(&resp, msg, v.status, v.reason, "fuzztag",
						       v.extra, NULL, NULL) == 0) {
					struct sip_msg *back;
					/* what we write must frame and parse again */
					if (sip_msg_parse(&back, resp, 0, resp->len, 0, NULL))
						abort();
					sip_msg_free(back);
					mbuf_unref(resp);
				}
			}
		} else {
			(void)ua_check_response(msg, NULL);
		}
		sip_msg_free(msg);
	}
	mbuf_unref(mb);
	return 0;
}
