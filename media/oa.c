/* Offer/answer state of one leg (RFC 3264). */
#include <errno.h>
#include <string.h>

#include "media/oa.h"

void media_oa_init(struct media_oa *oa)
{
	memset(oa, 0, sizeof(*oa));
}

void media_oa_reset(struct media_oa *oa)
{
	media_sdp_free(oa->local);
	media_sdp_free(oa->remote);
	media_sdp_free(oa->offer);
	media_oa_init(oa);
}

static bool str_same(const struct media_str *a, const struct media_str *b)
{
	return a->l == b->l && (a->l == 0 || memcmp(a->p, b->p, a->l) == 0);
}

int media_oa_check_offer(const struct media_oa *oa, const struct media_sdp *offer)
{
	/* RFC 3264 8: an m-line is never removed, only rejected (port 0) */
	if (offer->nstreams < oa->mlines)
		return EBADMSG;
	return 0;
}

int media_oa_check_answer(const struct media_sdp *offer, const struct media_sdp *answer)
{
	unsigned i;

	/* RFC 3264 6: as many m-lines as the offer, in the same order */
	if (offer->nstreams != answer->nstreams)
		return EBADMSG;
	for (i = 0; i < offer->nstreams; i++) {
		const struct media_sdp_stream *o = &offer->streams[i], *a = &answer->streams[i];

		if (!str_same(&o->type, &a->type))
			return EBADMSG;
		/* RFC 3264 6: a stream rejected in the offer stays rejected */
		if (o->port == 0 && a->port != 0)
			return EBADMSG;
	}
	return 0;
}

static int offer_in(struct media_oa *oa, struct media_sdp *sdp, enum media_oa_state to)
{
	int err;

	if (!oa || !sdp)
		return EINVAL;
	if (oa->state != MEDIA_OA_STABLE)
		return EBUSY;
	err = media_oa_check_offer(oa, sdp);
	if (err)
		return err;
	oa->offer = sdp;
	oa->state = to;
	return 0;
}

int media_oa_offer_sent(struct media_oa *oa, struct media_sdp *sdp)
{
	return offer_in(oa, sdp, MEDIA_OA_LOCAL_OFFER);
}

int media_oa_offer_received(struct media_oa *oa, struct media_sdp *sdp)
{
	return offer_in(oa, sdp, MEDIA_OA_REMOTE_OFFER);
}

static int answer_in(struct media_oa *oa, struct media_sdp *sdp, enum media_oa_state from,
		     bool local_answer)
{
	int err;

	if (!oa || !sdp)
		return EINVAL;
	if (oa->state != from)
		return EPROTO;
	err = media_oa_check_answer(oa->offer, sdp);
	if (err)
		return err;
	media_sdp_free(oa->local);
	media_sdp_free(oa->remote);
	if (local_answer) {
		oa->local = sdp;
		oa->remote = oa->offer;
	} else {
		oa->local = oa->offer;
		oa->remote = sdp;
	}
	oa->offer = NULL;
	oa->mlines = sdp->nstreams;
	oa->state = MEDIA_OA_STABLE;
	return 0;
}

int media_oa_answer_sent(struct media_oa *oa, struct media_sdp *sdp)
{
	return answer_in(oa, sdp, MEDIA_OA_REMOTE_OFFER, true);
}

int media_oa_answer_received(struct media_oa *oa, struct media_sdp *sdp)
{
	return answer_in(oa, sdp, MEDIA_OA_LOCAL_OFFER, false);
}

int media_oa_rollback(struct media_oa *oa)
{
	if (!oa || oa->state == MEDIA_OA_STABLE)
		return EPROTO;
	media_sdp_free(oa->offer);
	oa->offer = NULL;
	oa->state = MEDIA_OA_STABLE;
	return 0;
}
