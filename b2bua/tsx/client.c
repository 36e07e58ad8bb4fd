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

/* The key of a request the core built: its method and the branch of its
 * top Via.  A full parse of our own message would cost more than the rest
 * of starting the transaction, so this reads just the request line and the
 * first Via line; it still checks what it reads (a malformed or foreign
 * message is refused, never guessed at).  Our builders write one Via value
 * on one line, never folded. */
static int own_key(const struct mbuf *req, struct tsx_key *key, struct sip_via *via)
{
	const char *p = (const char *)req->data, *end = p + req->len, *sp, *eol;
	struct pl line, name, val, first;
	size_t pos = 0;
	int err = 0;

	eol = memchr(p, '\n', req->len);
	sp = memchr(p, ' ', req->len);
	if (!eol || !sp || sp == p || sp > eol || eol == p || eol[-1] != '\r')
		return EINVAL;
	line = pl_make(p, (size_t)(eol - 1 - p));
	if (line.l < 8 || memcmp(line.p + line.l - 8, " SIP/2.0", 8))
		return EINVAL;	/* a response, or no request line at all */
	key->method_name = pl_make(p, (size_t)(sp - p));
	key->method = sip_method_lookup(&key->method_name);
	for (p = eol + 1; p < end && *p != '\r'; p = eol + 1) {
		const char *colon;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol || eol[-1] != '\r')
			return EINVAL;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon)
			return EINVAL;
		name = pl_trim(pl_make(p, (size_t)(colon - p)));
		if (sip_hdr_lookup(name.p, name.l) != SIP_HDR_VIA)	/* "Via" or "v" */
			continue;
		val = pl_trim(pl_make(colon + 1, (size_t)(eol - 1 - (colon + 1))));
		if (!sip_value_next(&val, &pos, &first, &err) || sip_via_decode(via, &first))
			return EINVAL;
		key->branch = via->branch;
		return 0;
	}
	return EINVAL;
}

static int client_create(struct tsx **tp, struct tsx_layer *l, struct mbuf *req,
			 const struct tp_dest *dst, enum sip_method expect)
{
	struct tsx_key key = {0};
	struct sip_via via;
	struct tsx *t;
	int err;

	if (own_key(req, &key, &via) || key.method == SIP_METHOD_ACK ||
	    (expect != SIP_METHOD_UNKNOWN && key.method != expect) ||
	    !tsx_is_cookie_branch(&key.branch))
		return EINVAL;
	if (tsx_find_client(l, &key.branch, key.method, &key.method_name))
		return EEXIST;	/* a caller reusing a branch would steal another's responses */
	err = tsx_alloc(&t, l, key.method == SIP_METHOD_INVITE ? TSX_ICT : TSX_NICT, &key, false,
			dst);
	if (err)
		return err;
	t->req = mbuf_ref(req);
	tsx_link(t);
	*tp = t;
	return 0;
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
