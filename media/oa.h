/* Offer/answer state of one leg (RFC 3264, RFC 3311, RFC 6337).
 *
 * One offer may be outstanding per leg.  The leg keeps the last negotiated
 * local and remote SDP; a pending offer becomes current only with its
 * answer.  Late offer (INVITE without SDP: offer in our 200, answer in the
 * ACK) is the same sequence with the roles as they come.
 */
#ifndef MEDIA_OA_H
#define MEDIA_OA_H

#include <stdbool.h>

#include "media/sdp.h"

enum media_oa_state {
	MEDIA_OA_STABLE = 0,	/* no offer outstanding */
	MEDIA_OA_LOCAL_OFFER,	/* we sent an offer, the answer is due */
	MEDIA_OA_REMOTE_OFFER,	/* we received an offer and must answer */
};

struct media_oa {
	enum media_oa_state state;
	struct media_sdp *local;	/* last negotiated, ours */
	struct media_sdp *remote;	/* last negotiated, theirs */
	struct media_sdp *offer;	/* the outstanding offer (either side) */
	unsigned mlines;		/* m-lines so far: never fewer (RFC 3264 8) */
};

void media_oa_init(struct media_oa *oa);
void media_oa_reset(struct media_oa *oa);

/* Each takes ownership of sdp on success only.  Errors:
 *   EBUSY    an offer is already outstanding (answer 491 / 500 Retry-After)
 *   EPROTO   an answer with no offer outstanding, or an answer of ours to
 *            our own offer
 *   EBADMSG  the SDP breaks RFC 3264: fewer m-lines than before in an
 *            offer, an answer whose m-line count, order or media types
 *            differ from the offer, an answer accepting a stream the offer
 *            rejected */
int media_oa_offer_sent(struct media_oa *oa, struct media_sdp *sdp);
int media_oa_offer_received(struct media_oa *oa, struct media_sdp *sdp);
int media_oa_answer_sent(struct media_oa *oa, struct media_sdp *sdp);
int media_oa_answer_received(struct media_oa *oa, struct media_sdp *sdp);
/* the offer failed (488, 491, timeout, CANCEL): back to the last
 * negotiated state; EPROTO when none was outstanding */
int media_oa_rollback(struct media_oa *oa);

/* checks that answer may answer offer (count, order, types, rejections) */
int media_oa_check_answer(const struct media_sdp *offer, const struct media_sdp *answer);
/* checks that a new offer keeps every m-line of the last negotiation */
int media_oa_check_offer(const struct media_oa *oa, const struct media_sdp *offer);

#endif
