/* What the daemon answers by itself: validation of received requests
 * (RFC 3261 8.2) and of received responses (8.1.3.3), and the answers to
 * out-of-dialog requests that no call handles. */
#ifndef B2BUA_CORE_UA_H
#define B2BUA_CORE_UA_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/sip.h"

/* the methods this element understands, for Allow */
#define UA_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO, MESSAGE, NOTIFY, REFER"
/* the methods accepted outside a dialog, for the Allow of a 405 */
#define UA_ALLOW_OUT_OF_DIALOG "INVITE, ACK, CANCEL, OPTIONS"
/* option tags this element supports, for Supported: replaces (RFC 3891:
 * the call core translates a Replaces to the other leg's dialog) */
#define UA_SUPPORTED "replaces"
#define UA_ACCEPT "application/sdp"

struct ua_verdict {
	uint16_t status;	/* 0: acceptable, hand it to the method handler */
	const char *reason;	/* reason phrase, NULL for the default */
	char extra[512];	/* complete header lines (CRLF-terminated) to add */
};

/* RFC 3261 8.2.1 to 8.2.3 in order: malformed, method, URI scheme,
 * Max-Forwards, Require, Content-Type, Accept.  Fills v and returns
 * v->status. */
uint16_t ua_check_request(const struct sip_msg *req, struct ua_verdict *v);

/* The final answer to a request that matched no transaction and no dialog
 * and passed ua_check_request: 200 for OPTIONS, 481 for requests that need
 * a dialog, 405 for methods this element does not serve, 0 for an ACK
 * (never answered). */
uint16_t ua_answer_out_of_dialog(const struct sip_msg *req, struct ua_verdict *v);

/* both steps: what the daemon answers a request received outside any
 * transaction or dialog (0: nothing is sent) */
uint16_t ua_verdict(const struct sip_msg *req, struct ua_verdict *v);

/* RFC 3261 8.1.3.3 and RFC 4475 3.1.2.5, 3.3.10: false when a response
 * must be dropped; *why says why */
bool ua_check_response(const struct sip_msg *resp, const char **why);

/* true when the request can be answered at all: it names a top Via we can
 * send to, a Call-ID, From, To and CSeq are optional for 400 */
bool ua_can_answer(const struct sip_msg *req);

#endif
