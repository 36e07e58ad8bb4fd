/* Client transactions: starting one, handing it responses, and CANCEL
 * (RFC 3261 9.1). */
#include <errno.h>
#include <string.h>

#include "tsx/tsx_priv.h"

void tsx_client_pass_up(struct tsx *t, const struct sip_msg *resp, int err)
{
	if (t->detached || !t->resph)
		return;
	t->resph(t, resp, err, t->arg);
}

/* Timer B or F, or a transport error: the transaction ends and the TU
 * hears about it once. */
void tsx_client_fail(struct tsx *t, int err)
{
	if (err == ETIMEDOUT) {
		t->l->st.timeouts++;
		log_info(t->id, "no final response: timer %s", t->kind == TSX_ICT ? "B" : "F");
	}
	tsx_terminate(t);
	if (t->final_up)
		return;
	t->final_up = true;
	tsx_client_pass_up(t, NULL, err);
}

static int client_create(struct tsx **tp, struct tsx_layer *l, struct mbuf *req,
			 const struct tp_dest *dst, enum sip_method expect)
{
	struct sip_msg *msg = NULL;
	struct tsx_key key;
	struct tsx *t;
	int err;

	err = sip_msg_parse(&msg, req, 0, req->len, SIP_PARSE_DGRAM, NULL);
	if (err)
		return err == ENOMEM ? ENOMEM : EINVAL;
	if (!msg->req || msg->method == SIP_METHOD_ACK ||
	    (expect != SIP_METHOD_UNKNOWN && msg->method != expect) ||
	    !tsx_is_cookie_branch(&msg->via.branch)) {
		err = EINVAL;
		goto out;
	}
	key = (struct tsx_key){
		.branch = msg->via.branch,
		.method = msg->method,
		.method_name = msg->method_pl,
	};
	if (tsx_match_client(l, msg)) {
		/* a caller reusing a branch would steal another's responses */
		err = EEXIST;
		goto out;
	}
	err = tsx_alloc(&t, l, msg->method == SIP_METHOD_INVITE ? TSX_ICT : TSX_NICT, &key,
			false, dst);
	if (err)
		goto out;
	t->req = mbuf_ref(req);
	tsx_link(t);
	*tp = t;
out:
	sip_msg_free(msg);
	return err;
}

/* The first send; on failure the transaction disappears with no callback. */
static int client_launch(struct tsx *t)
{
	int err = tsx_send(t, t->req, false);

	if (err)
		return err;
	if (t->kind == TSX_ICT)
		tsx_ict_start(t);
	else
		tsx_nict_start(t);
	return 0;
}

static void discard(struct tsx *t)
{
	t->detached = true;
	tsx_terminate(t);
}

int tsx_client_start(struct tsx **ctp, struct tsx_layer *l, struct mbuf *req,
		     const struct tp_dest *dst, tsx_resp_h *resph, void *arg)
{
	struct tsx *t;
	int err;

	if (!ctp || !l || !req || !dst)
		return EINVAL;

	tsx_enter(l);
	err = client_create(&t, l, req, dst, SIP_METHOD_UNKNOWN);
	if (err)
		goto out;
	t->resph = resph;
	t->arg = arg;
	log_debug(t->id, "new %s client transaction", t->kind == TSX_ICT ? "INVITE" : "non-INVITE");
	err = client_launch(t);
	if (err) {
		discard(t);
		goto out;
	}
	*ctp = t;
out:
	tsx_leave(l);
	return err;
}

int tsx_client_recv(struct tsx_layer *l, const struct sip_msg *resp)
{
	struct tsx *t;
	int err = 0;

	if (!l || !resp || resp->req)
		return EINVAL;

	tsx_enter(l);
	t = tsx_match_client(l, resp);
	if (!t) {
		l->st.unmatched++;
		err = ENOENT;
		goto out;
	}
	if (t->kind == TSX_ICT) {
		/* with no TU left to pass it to, a 2xx is the core's stray 2xx */
		bool stray = t->detached && resp->scode >= 200 && resp->scode < 300;

		tsx_ict_recv(t, resp);
		if (stray)
			err = ENOENT;
	} else {
		tsx_nict_recv(t, resp);
	}
out:
	tsx_leave(l);
	return err;
}

/* ---- CANCEL ---- */

static int cancel_send(struct tsx *c)
{
	c->cancel_waiting = false;
	log_debug(c->id, "sending CANCEL");
	return client_launch(c);
}

int tsx_client_cancel(struct tsx *ict, struct tsx **cancel_tsx, tsx_resp_h *h, void *arg)
{
	struct tsx_layer *l;
	struct mbuf *mb = NULL;
	struct tsx *c;
	int err;

	if (!ict || !cancel_tsx || ict->kind != TSX_ICT)
		return EINVAL;
	/* RFC 3261 9.1: nothing to cancel once a final response arrived */
	if ((ict->state != TSX_CALLING && ict->state != TSX_PROCEEDING) || ict->cancel)
		return EALREADY;

	l = ict->l;
	tsx_enter(l);
	err = tsx_build_cancel(&mb, ict->req);
	if (err)
		goto out;
	err = client_create(&c, l, mb, &ict->dst, SIP_METHOD_CANCEL);
	if (err)
		goto out;
	c->resph = h;
	c->arg = arg;
	c->cancel_of = ict;
	ict->cancel = c;

	/* RFC 3261 9.1: not before a provisional response */
	if (ict->state == TSX_PROCEEDING) {
		err = cancel_send(c);
		if (err) {
			discard(c);
			goto out;
		}
	} else {
		c->cancel_waiting = true;
		log_debug(c->id, "CANCEL waits for a provisional response");
	}
	*cancel_tsx = c;
out:
	mbuf_unref(mb);
	tsx_leave(l);
	return err;
}

void tsx_cancel_on_provisional(struct tsx *ict)
{
	struct tsx *c = ict->cancel;
	int err;

	if (!c || !c->cancel_waiting)
		return;
	err = cancel_send(c);
	if (err)
		tsx_client_fail(c, err);
}

/* The INVITE got its final response or ended: a CANCEL still waiting for
 * a provisional is never sent. */
void tsx_cancel_on_final(struct tsx *ict)
{
	struct tsx *c = ict->cancel;

	if (!c)
		return;
	ict->cancel = NULL;
	c->cancel_of = NULL;
	if (!c->cancel_waiting)
		return;
	c->cancel_waiting = false;
	log_debug(c->id, "INVITE completed first: CANCEL not sent");
	tsx_client_fail(c, EALREADY);
}
