/* The non-INVITE client transaction: RFC 3261 17.1.2. */
#include <errno.h>

#include "tsx/tsx_priv.h"

void tsx_nict_start(struct tsx *t)
{
	const struct tsx_timers *tm = &t->l->tm;

	tsx_set_state(t, TSX_TRYING);
	if (!t->reliable)
		tsx_retx_start(t, tm->t1);	/* timer E */
	tsx_life_start(t, 64 * tm->t1);		/* timer F */
}

void tsx_nict_timer_retx(struct tsx *t)
{
	const struct tsx_timers *tm = &t->l->tm;
	double next;
	int err;

	if (t->state != TSX_TRYING && t->state != TSX_PROCEEDING)
		return;
	err = tsx_send(t, t->req, true);
	if (err) {
		tsx_client_fail(t, err);
		return;
	}
	/* 17.1.2.2: doubling up to T2 while Trying, T2 once Proceeding */
	next = 2 * t->retx_ival;
	if (t->state == TSX_PROCEEDING || next > tm->t2)
		next = tm->t2;
	tsx_retx_next(t, next);
}

void tsx_nict_timer_life(struct tsx *t)
{
	switch (t->state) {
	case TSX_TRYING:
	case TSX_PROCEEDING:
		tsx_client_fail(t, ETIMEDOUT);	/* timer F */
		break;
	case TSX_COMPLETED:			/* timer K */
		tsx_terminate(t);
		break;
	default:
		break;
	}
}

void tsx_nict_recv(struct tsx *t, const struct sip_msg *resp)
{
	if (t->cancel_waiting)
		return;		/* not sent yet: nothing can answer it */
	switch (t->state) {
	case TSX_TRYING:
	case TSX_PROCEEDING:
		if (resp->scode < 200) {
			tsx_set_state(t, TSX_PROCEEDING);
			tsx_client_pass_up(t, resp, 0);
			return;
		}
		tsx_retx_stop(t);
		tsx_life_stop(t);
		t->final_up = true;
		tsx_set_state(t, TSX_COMPLETED);
		/* timer K: buffers response retransmissions */
		tsx_life_start(t, t->reliable ? 0 : t->l->tm.t4);
		tsx_client_pass_up(t, resp, 0);
		return;

	case TSX_COMPLETED:
		t->l->st.absorbed++;
		return;

	default:
		return;
	}
}
