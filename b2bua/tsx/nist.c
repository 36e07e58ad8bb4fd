/* The non-INVITE server transaction: RFC 3261 17.2.2. */
#include <errno.h>

#include "tsx/tsx_priv.h"

int tsx_nist_respond(struct tsx *t, uint16_t scode, struct mbuf *resp)
{
	int err;

	if (t->state != TSX_TRYING && t->state != TSX_PROCEEDING)
		return EPROTO;
	err = tsx_server_send(t, scode, resp);
	if (err) {
		tsx_terminate(t);
		return err;
	}
	if (scode < 200) {
		tsx_set_state(t, TSX_PROCEEDING);
		return 0;
	}
	tsx_set_state(t, TSX_COMPLETED);
	/* timer J absorbs request retransmissions */
	tsx_life_start(t, t->reliable ? 0 : 64 * t->l->tm.t1);
	return 0;
}

int tsx_nist_recv(struct tsx *t, const struct sip_msg *req)
{
	(void)req;
	if (t->state == TSX_TRYING) {
		/* 17.2.2: nothing sent yet, the retransmission is discarded */
		t->l->st.absorbed++;
		return EALREADY;
	}
	return tsx_server_resend(t);
}

void tsx_nist_timer_life(struct tsx *t)
{
	if (t->state == TSX_COMPLETED)
		tsx_terminate(t);	/* timer J */
}
