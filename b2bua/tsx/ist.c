/* The INVITE server transaction: RFC 3261 17.2.1 with RFC 6026 7.1 (a 2xx
 * leads to Accepted and timer L; the ACK for a 2xx goes to the TU). */
#include <errno.h>

#include "tsx/tsx_priv.h"

/* RFC 3261 17.2.1: 100 Trying at once, so that the client stops
 * retransmitting while the TU thinks */
int tsx_ist_start(struct tsx *t, const struct sip_msg *req)
{
	struct mbuf *mb;
	int err;

	err = sip_build_response(&mb, req, 100, NULL, NULL, NULL, NULL, NULL);
	if (err) {
		log_warn(t->id, "cannot build 100 Trying: %d", err);
		return err;
	}
	err = tsx_server_send(t, 100, mb);
	mbuf_unref(mb);
	return err;
}

/* RFC 2543 peers: their ACK is matched by the To tag of our response */
static void note_totag(struct tsx *t)
{
	struct sip_msg *m;

	if (!t->rfc2543)
		return;
	if (sip_msg_parse(&m, t->last, 0, t->last->len, SIP_PARSE_DGRAM, NULL))
		return;
	t->resp_totag = m->to.tag;	/* a view into t->last, which we keep */
	sip_msg_free(m);
}

int tsx_ist_respond(struct tsx *t, uint16_t scode, struct mbuf *resp)
{
	const struct tsx_timers *tm = &t->l->tm;
	int err;

	if (t->state == TSX_ACCEPTED) {
		/* RFC 6026 7.1: the TU re-sends its 2xx through us */
		if (scode < 200 || scode >= 300)
			return EPROTO;
		return tsx_server_send(t, scode, resp);
	}
	if (t->state != TSX_PROCEEDING)
		return EPROTO;

	err = tsx_server_send(t, scode, resp);
	if (err) {
		tsx_terminate(t);
		return err;
	}
	if (scode < 200)
		return 0;
	if (scode < 300) {
		tsx_set_state(t, TSX_ACCEPTED);
		tsx_life_start(t, 64 * tm->t1);		/* timer L */
		return 0;
	}
	note_totag(t);
	tsx_set_state(t, TSX_COMPLETED);
	if (!t->reliable)
		tsx_retx_start(t, tm->t1);		/* timer G */
	tsx_life_start(t, 64 * tm->t1);			/* timer H */
	return 0;
}

/* A retransmitted INVITE, or an ACK with the INVITE's key.
 * returns EALREADY (INVITE absorbed), 0 (ACK absorbed) or ENOENT (an ACK
 * the TU must see). */
int tsx_ist_recv(struct tsx *t, const struct sip_msg *req)
{
	if (req->method != SIP_METHOD_ACK) {
		if (t->state == TSX_PROCEEDING || t->state == TSX_COMPLETED)
			return tsx_server_resend(t);
		/* Confirmed, or Accepted where the TU re-sends the 2xx itself */
		t->l->st.absorbed++;
		return EALREADY;
	}

	switch (t->state) {
	case TSX_COMPLETED:
		tsx_retx_stop(t);
		tsx_life_stop(t);
		tsx_set_state(t, TSX_CONFIRMED);
		/* timer I absorbs further ACKs */
		tsx_life_start(t, t->reliable ? 0 : t->l->tm.t4);
		return 0;
	case TSX_ACCEPTED:
		/* RFC 6026 7.1: the ACK for a 2xx is the TU's */
		return ENOENT;
	default:
		/* Confirmed: a retransmitted ACK; Proceeding: an ACK before
		 * any final response, which acknowledges nothing */
		t->l->st.absorbed++;
		return 0;
	}
}

void tsx_ist_timer_retx(struct tsx *t)
{
	double next;
	int err;

	if (t->state != TSX_COMPLETED)
		return;
	/* timer G: the final response again, doubling up to T2 */
	err = tsx_send(t, t->last, true);
	if (err) {
		tsx_server_fail(t, err);
		return;
	}
	next = 2 * t->retx_ival;
	if (next > t->l->tm.t2)
		next = t->l->tm.t2;
	tsx_retx_next(t, next);
}

void tsx_ist_timer_life(struct tsx *t)
{
	switch (t->state) {
	case TSX_COMPLETED:
		tsx_server_fail(t, ETIMEDOUT);	/* timer H */
		break;
	case TSX_CONFIRMED:			/* timer I */
	case TSX_ACCEPTED:			/* timer L */
		tsx_terminate(t);
		break;
	default:
		break;
	}
}
