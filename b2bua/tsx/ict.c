/* The INVITE client transaction: RFC 3261 17.1.1 with RFC 6026 7.2
 * (2xx responses lead to Accepted, timer M, and every 2xx goes up). */
#include <errno.h>

#include "tsx/tsx_priv.h"

void tsx_ict_start(struct tsx *t)
{
	const struct tsx_timers *tm = &t->l->tm;

	tsx_set_state(t, TSX_CALLING);
	if (!t->reliable)
		tsx_retx_start(t, tm->t1);	/* timer A */
	tsx_life_start(t, 64 * tm->t1);		/* timer B */
}

void tsx_ict_timer_retx(struct tsx *t)
{
	int err;

	if (t->state != TSX_CALLING)
		return;
	/* timer A: the INVITE again, the interval doubled (no T2 cap) */
	err = tsx_send(t, t->req, true);
	if (err) {
		tsx_client_fail(t, err);
		return;
	}
	tsx_retx_next(t, 2 * t->retx_ival);
}

void tsx_ict_timer_life(struct tsx *t)
{
	switch (t->state) {
	case TSX_CALLING:
		tsx_client_fail(t, ETIMEDOUT);	/* timer B */
		break;
	case TSX_COMPLETED:			/* timer D */
	case TSX_ACCEPTED:			/* timer M */
		tsx_terminate(t);
		break;
	default:
		break;
	}
}

/* RFC 3261 17.1.1.3: the ACK for a 3xx-6xx is part of this transaction */
static void send_ack(struct tsx *t, const struct sip_msg *resp)
{
	int err;

	err = tsx_build_ack(&t->ack, t->req, resp);
	if (err) {
		log_warn(t->id, "cannot build the ACK: %d", err);
		tsx_terminate(t);
		return;
	}
	err = tsx_send(t, t->ack, false);
	if (err) {
		/* the TU gets the final response all the same, below */
		tsx_terminate(t);
		return;
	}
	tsx_life_start(t, t->reliable ? 0 : t->l->timer_d);	/* timer D */
}

void tsx_ict_recv(struct tsx *t, const struct sip_msg *resp)
{
	uint16_t sc = resp->scode;
	int err;

	switch (t->state) {
	case TSX_CALLING:
	case TSX_PROCEEDING:
		tsx_retx_stop(t);
		if (sc < 200) {
			/* timer B only guards Calling (17.1.1.2) */
			tsx_life_stop(t);
			tsx_set_state(t, TSX_PROCEEDING);
			tsx_cancel_on_provisional(t);
			tsx_client_pass_up(t, resp, 0);
			return;
		}
		tsx_life_stop(t);
		t->final_up = true;
		if (sc < 300) {
			tsx_set_state(t, TSX_ACCEPTED);
			tsx_life_start(t, 64 * t->l->tm.t1);	/* timer M */
		} else {
			tsx_set_state(t, TSX_COMPLETED);
			send_ack(t, resp);
		}
		tsx_cancel_on_final(t);
		tsx_client_pass_up(t, resp, 0);
		return;

	case TSX_COMPLETED:
		t->l->st.absorbed++;
		if (sc < 300 || !t->ack)
			return;
		/* a retransmitted final: the same ACK again, nothing up */
		err = tsx_send(t, t->ack, true);
		if (err)
			tsx_terminate(t);
		return;

	case TSX_ACCEPTED:
		/* RFC 6026 7.2: each 2xx goes to the TU, which ACKs it */
		if (sc >= 200 && sc < 300)
			tsx_client_pass_up(t, resp, 0);
		else
			t->l->st.absorbed++;
		return;

	default:
		return;
	}
}
