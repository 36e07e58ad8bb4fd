/* Server transactions: receiving requests, responding, and finding the
 * INVITE a CANCEL refers to (RFC 3261 9.2). */
#include <errno.h>

#include "tsx/tsx_priv.h"

void tsx_server_fail(struct tsx *t, int err)
{
	if (err == ETIMEDOUT) {
		t->l->st.timeouts++;
		log_info(t->id, "no ACK for the final response: timer H");
	}
	tsx_terminate(t);
	if (!t->detached && t->srvh)
		t->srvh(t, err, t->srvarg);
}

/* Sends a new response and keeps it for retransmissions. */
int tsx_server_send(struct tsx *t, uint16_t scode, struct mbuf *resp)
{
	mbuf_ref(resp);
	mbuf_unref(t->last);
	t->last = resp;
	t->last_scode = scode;
	t->resp_totag = (struct pl)PL_INIT;
	log_debug(t->id, "sending %u", scode);
	return tsx_send(t, resp, false);
}

/* A retransmitted request: the last response again (17.2.1, 17.2.2).
 * A transport failure ends the transaction (17.2.4). */
int tsx_server_resend(struct tsx *t)
{
	int err;

	t->l->st.absorbed++;
	if (!t->last)
		return EALREADY;
	err = tsx_send(t, t->last, true);
	if (err)
		tsx_server_fail(t, err);
	return EALREADY;
}

static int server_create(struct tsx **stp, struct tsx_layer *l, const struct sip_msg *req,
			 const struct tp_dest *reply_to)
{
	struct tsx_key key;
	bool rfc2543;
	struct tsx *t;
	int err;

	err = tsx_key_from_req(&key, req, &rfc2543);
	if (err)
		return err;
	err = tsx_alloc(&t, l, req->method == SIP_METHOD_INVITE ? TSX_IST : TSX_NIST, &key,
			rfc2543, reply_to);
	if (err)
		return err;
	tsx_link(t);
	log_debug(t->id, "new %.*s server transaction%s", PL_FMT(req->method_pl),
		  rfc2543 ? " (RFC 2543 matching)" : "");

	if (t->kind == TSX_IST) {
		err = tsx_ist_start(t, req);
		if (err) {
			t->detached = true;
			tsx_terminate(t);
			return err;
		}
	}
	*stp = t;
	return 0;
}

int tsx_server_recv(struct tsx_layer *l, const struct sip_msg *req, const struct tp_dest *reply_to,
		    struct tsx **stp)
{
	struct tsx *t;
	int err;

	if (!l || !req || !reply_to || !stp || !req->req)
		return EINVAL;
	if (!pl_isset(&req->via.host) || !pl_isset(&req->cseq.method_pl))
		return EINVAL;

	tsx_enter(l);
	t = tsx_match_server(l, req, false);
	if (req->method == SIP_METHOD_ACK) {
		/* ACK never creates a transaction (17.2.3) */
		err = t ? tsx_ist_recv(t, req) : ENOENT;
		if (!err)
			*stp = NULL;
	} else if (t) {
		err = t->kind == TSX_IST ? tsx_ist_recv(t, req) : tsx_nist_recv(t, req);
	} else {
		err = server_create(stp, l, req, reply_to);
	}
	tsx_leave(l);
	return err;
}

int tsx_respond(struct tsx *st, uint16_t scode, struct mbuf *resp)
{
	struct tsx_layer *l;
	int err;

	if (!st || !resp || scode < 100 || scode > 699)
		return EINVAL;
	if (st->kind != TSX_IST && st->kind != TSX_NIST)
		return EINVAL;

	l = st->l;
	tsx_enter(l);
	if (st->state == TSX_TERMINATED)
		err = EPROTO;
	else if (st->kind == TSX_IST)
		err = tsx_ist_respond(st, scode, resp);
	else
		err = tsx_nist_respond(st, scode, resp);
	tsx_leave(l);
	return err;
}

void tsx_server_set_handler(struct tsx *st, tsx_srv_h *h, void *arg)
{
	if (!st || st->detached)
		return;
	st->srvh = h;
	st->srvarg = arg;
}

struct tsx *tsx_server_find_invite(struct tsx_layer *l, const struct sip_msg *cancel)
{
	struct tsx *t;

	if (!l || !cancel || !cancel->req)
		return NULL;
	t = tsx_match_server(l, cancel, true);
	return t && t->kind == TSX_IST ? t : NULL;
}
