/* In-dialog requests: answered here (BYE, OPTIONS, PRACK, a REFER the
 * trunk may not send) or sent on the other leg with that leg's CSeq, route
 * set and target, and their responses carried back (re-INVITE, UPDATE,
 * INFO, MESSAGE, NOTIFY, REFER).  A re-INVITE or UPDATE that meets glare
 * on the other leg (491) is sent again there after the RFC 3261 14.1
 * delay while its sender waits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "base/log.h"
#include "call/call_priv.h"
#include "core/ua.h"
#include "db.h"
#include "tsx/tsx.h"

static void relay_unlink(struct relay *r)
{
	struct relay **pp;

	for (pp = &r->call->relays; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
}

static void relay_free(struct relay *r)
{
	call_glare_stop(r->call, &r->glare);
	relay_unlink(r);
	tsx_detach(r->ct);
	sip_msg_free(r->req);
	free(r);
}

static bool offers(const struct sip_msg *req)
{
	return (req->method == SIP_METHOD_INVITE || req->method == SIP_METHOD_UPDATE) &&
	       topo_has_sdp(req);
}

/* answers the request on its own leg; a final answer ends the relay */
static void relay_answer(struct relay *r, uint16_t code, const char *reason,
			 const struct sip_msg *resp, bool contact, const struct pl *ctype,
			 const struct pl *body)
{
	struct call *c = r->call;

	if (!r->st)
		return;
	/* RFC 3264 8: an offer that fails leaves the session as it was */
	if (code >= 300 && offers(r->req))
		call_media_rollback(c);
	call_respond(c, r->from, r->st, r->req, code, reason, resp, contact, ctype, body, NULL);
	if (code >= 200)
		r->st = NULL;
}

static bool relay_glare(struct relay *r);

static void relay_resp(struct tsx *ct, const struct sip_msg *resp, int err, void *arg)
{
	struct relay *r = arg;
	struct call *c = r->call;
	int other = OTHER(r->from);
	char reason[96];
	uint16_t code;

	if (ct != r->ct)
		return;		/* an attempt given up for a retry */
	if (!resp) {
		if (!err) {			/* end notice */
			r->ct = NULL;
			if (!r->st)
				relay_free(r);
			return;
		}
		/* RFC 3261 12.2.1.2: a timed-out in-dialog request means the
		 * other side is gone: the whole call ends */
		relay_answer(r, err == ETIMEDOUT ? 408 : 503, NULL, NULL, false, NULL, NULL);
		if (err == ETIMEDOUT)
			c->leg[other].state = DLG_TERMINATED;	/* no BYE to a dead peer */
		call_end(c, err == ETIMEDOUT ? "in-dialog request timed out" : "transport error");
		return;
	}
	code = resp->scode;
	if (code == 100 || !r->st)
		return;
	pl_strcpy(&resp->reason, reason, sizeof(reason));
	bool is_invite = r->req->method == SIP_METHOD_INVITE;
	bool refresh = is_invite || r->req->method == SIP_METHOD_UPDATE;

	/* the body: SDP only rewritten by the relay (an answer to the
	 * request's offer, or the other leg's offer when the request had
	 * none); any other body as it is */
	char *sdp = NULL;
	size_t sdp_len = 0;
	struct pl ctype = resp->ctype, body = resp->body;
	bool with_body = resp->body.l > 0;
	if (topo_has_sdp(resp)) {
		with_body = false;
		if (refresh && code < 300 &&
		    call_media_sdp(c, other, &resp->body, !topo_has_sdp(r->req), &sdp, &sdp_len) == 0) {
			ctype = PL("application/sdp");
			body = pl_make(sdp, sdp_len);
			with_body = true;
		}
	}
	if (code < 200) {
		relay_answer(r, code, reason[0] ? reason : NULL, resp, refresh,
			     with_body ? &ctype : NULL, with_body ? &body : NULL);
		free(sdp);
		return;
	}
	if (code < 300) {
		if (is_invite) {
			/* the ACK for this 2xx is owed on the other leg, sent when
			 * the requester ACKs ours */
			c->ack[other].cseq = r->out_cseq;
			c->ack[other].owed = true;
		}
		relay_answer(r, code, reason[0] ? reason : NULL, resp, refresh,
			     with_body ? &ctype : NULL, with_body ? &body : NULL);
		free(sdp);
		if (is_invite)
			call_ok_start(c, r->from, &r->reply_to);
		return;
	}
	free(sdp);
	if (code == 491 && refresh && relay_glare(r))
		return;
	relay_answer(r, code, reason[0] ? reason : NULL, resp, false, NULL, NULL);
	/* RFC 5057 5.1: a 481 to a NOTIFY ends only its subscription (the
	 * implicit one of a REFER, say), not the call */
	bool subscription = r->req->method == SIP_METHOD_NOTIFY ||
			    r->req->method == SIP_METHOD_SUBSCRIBE;
	if (code == 408 || (code == 481 && !subscription)) {
		/* RFC 3261 12.2.1.2: that dialog is over; only the requester's
		 * leg gets a BYE */
		c->leg[other].state = DLG_TERMINATED;
		call_end(c, code == 408 ? "408 to an in-dialog request" : "481: the other side lost the dialog");
	}
}

/* the extra header lines of the request on the other leg */
static int relay_headers(struct relay *r, struct mbuf **extrap, const char **why)
{
	struct call *c = r->call;
	const struct sip_msg *req = r->req;
	struct mbw w;
	int st = 0;

	if (mbw_init(&w, 256))
		return 500;
	if (req->method == SIP_METHOD_NOTIFY) {
		topo_copy_headers_except(&w, req, "Event");
		call_refer_event(c, r->from, req, &w);
	} else {
		topo_copy_headers(&w, req);
	}
	if (req->method == SIP_METHOD_REFER)
		st = call_refer_headers(c, r->from, req, &w, why);
	if (c->mgr->env.user_agent)
		mbw_printf(&w, "User-Agent: %s\r\n", c->mgr->env.user_agent);
	if (mbw_finish(&w, extrap))
		return 500;
	if (st) {
		mbuf_unref(*extrap);
		return st;
	}
	return 0;
}

/* Writes r->req for the other leg from that leg's state (a new CSeq each
 * time) and sends it.  An SDP offer crosses rewritten by the relay (on a
 * retry after 491 it is fed to the relay again, so that it reflects the
 * media as it is now), a refer NOTIFY's sipfrag as its status line, a
 * REFER without its body, other bodies as they are.  returns 0 or the
 * status to answer the request with. */
static int relay_send(struct relay *r, const char **why)
{
	struct call *c = r->call;
	const struct sip_msg *req = r->req;
	int other = OTHER(r->from);
	struct mbuf *extra, *mb;
	char branch[40], frag[64];
	int err;

	*why = NULL;
	err = relay_headers(r, &extra, why);
	if (err)
		return err;
	bool refresh = req->method == SIP_METHOD_INVITE || req->method == SIP_METHOD_UPDATE ||
		       req->method == SIP_METHOD_SUBSCRIBE || req->method == SIP_METHOD_NOTIFY ||
		       req->method == SIP_METHOD_REFER;
	char *sdp = NULL;
	size_t sdp_len = 0;
	struct pl ctype = req->ctype, body = req->body;
	bool with_body = req->body.l > 0 && req->method != SIP_METHOD_REFER;
	if (topo_has_sdp(req)) {
		int mst = offers(req) ? call_media_sdp(c, r->from, &req->body, true, &sdp, &sdp_len)
				      : 488;
		if (mst) {
			mbuf_unref(extra);
			return mst;
		}
		ctype = PL("application/sdp");
		body = pl_make(sdp, sdp_len);
	} else if (with_body && req->ctype.l >= 15 &&
		   strncasecmp(req->ctype.p, "message/sipfrag", 15) == 0) {
		if (call_sipfrag_body(req, frag, sizeof(frag))) {
			mbuf_unref(extra);
			*why = "Bad Sipfrag";
			return 400;
		}
		ctype = PL("message/sipfrag;version=2.0");
		body = pl_make(frag, strlen(frag));
	}
	err = dlg_build_request(&mb, &c->leg[other], req->method, 0, refresh, extra->data,
				with_body ? &ctype : NULL, with_body ? &body : NULL, branch,
				sizeof(branch));
	free(sdp);
	mbuf_unref(extra);
	if (err)
		return 500;
	r->out_cseq = c->leg[other].lcseq;
	err = call_send_request(c, other, mb, &r->ct, relay_resp, r);
	mbuf_unref(mb);
	if (err)
		return 503;
	if (req->method == SIP_METHOD_REFER)
		call_refer_sent(c, r->from, req->cseq.num, r->out_cseq);
	return 0;
}

static void glare_resend(struct call_glare *g)
{
	struct relay *r = g->arg;
	struct call *c = r->call;
	int st;

	if (!r->st)
		return;
	/* the other leg ended while we waited (RFC 3261 15.1.2) */
	if (c->state == CALL_ENDED || c->leg[OTHER(r->from)].state == DLG_TERMINATED) {
		relay_answer(r, 487, "Call Ended", NULL, false, NULL, NULL);
		relay_free(r);
		return;
	}
	log_info(c->id, "%.*s sent again on leg %s after 491 (attempt %u)",
		 PL_FMT(r->req->method_pl), OTHER(r->from) == LEG_A ? "A" : "B", g->tries + 1);
	const char *why;
	st = relay_send(r, &why);
	if (st) {
		relay_answer(r, (uint16_t)st, why, NULL, false, NULL, NULL);
		relay_free(r);
	}
}

/* RFC 3261 14.1: our re-INVITE (or UPDATE with an offer) met glare on the
 * other leg.  It goes again after the random delay (call_glare_retry)
 * while the sender keeps waiting; a bounded number of times, then the 491
 * is passed back.  returns true when a retry is scheduled. */
static bool relay_glare(struct relay *r)
{
	struct call *c = r->call;
	int other = OTHER(r->from);
	double delay;

	if (r->req->method == SIP_METHOD_UPDATE && !topo_has_sdp(r->req))
		return false;
	if (!call_glare_retry(c, &r->glare, other, glare_resend, r, &delay))
		return false;
	/* the old attempt is over for us (the transaction ACKs the 491) */
	tsx_detach(r->ct);
	r->ct = NULL;
	log_info(c->id, "491 on leg %s: %.*s sent again in %.2f s", other == LEG_A ? "A" : "B",
		 PL_FMT(r->req->method_pl), delay);
	return true;
}

static bool reinvite_pending(const struct call *c)
{
	for (const struct relay *r = c->relays; r; r = r->next) {
		if (r->req->method == SIP_METHOD_INVITE && r->st)
			return true;
	}
	return c->ok[LEG_A] || c->ok[LEG_B];
}

/* RFC 3261 14.1: an offer we relayed (re-INVITE or UPDATE) met 491 and
 * waits to be sent again; until then a new offer from either leg is glare
 * too (RFC 3311 5.2 for an UPDATE) */
static bool offer_retry_pending(const struct call *c)
{
	for (const struct relay *r = c->relays; r; r = r->next) {
		if (r->glare.on && offers(r->req))
			return true;
	}
	return false;
}

static void answer_here(struct call *c, int leg, struct tsx *st, const struct sip_msg *req,
			uint16_t code, const char *reason)
{
	call_respond(c, leg, st, req, code, reason, NULL, false, NULL, NULL, NULL);
}

static void update_answer_here(struct call *c, struct tsx *st, const struct sip_msg *req)
{
	char *sdp = NULL;
	size_t len = 0;
	int status = call_media_answer_here(c, LEG_B, &req->body, &sdp, &len);

	if (status) {
		log_info(c->id, "offer in an early UPDATE from leg B refused: %d", status);
		answer_here(c, LEG_B, st, req, (uint16_t)status, NULL);
		return;
	}
	struct pl ctype = PL("application/sdp"), body = pl_make(sdp, len);
	call_respond(c, LEG_B, st, req, 200, NULL, NULL, true, &ctype, &body, NULL);
	free(sdp);
	log_info(c->id, "offer in an early UPDATE from leg B answered here");
}

void relay_request(struct call *c, int leg, struct sip_msg *req, struct tsx *st,
		   const struct tp_dest *reply_to, bool *kept)
{
	struct dlg *d = &c->leg[leg];
	int other = OTHER(leg);
	struct relay *r;
	int err;

	*kept = false;
	if (!st)
		return;
	/* RFC 3261 12.2.2: an older CSeq is out of order */
	if (d->rcseq_set && req->cseq.num < d->rcseq) {
		answer_here(c, leg, st, req, 500, "CSeq Out Of Order");
		return;
	}
	d->rcseq = req->cseq.num;
	d->rcseq_set = true;

	/* RFC 4028: a refresh counts for its own leg only; an UPDATE without
	 * a body is nothing but a refresh and is answered here */
	if ((req->method == SIP_METHOD_INVITE || req->method == SIP_METHOD_UPDATE) &&
	    call_st_refreshed(c, leg, req) && req->method == SIP_METHOD_UPDATE && !req->body.l) {
		char hdrs[96];
		snprintf(hdrs, sizeof(hdrs), "Session-Expires: %u;refresher=%s\r\nRequire: timer\r\n",
			 c->st[leg].interval,
			 c->st[leg].we_refresh ? (leg == LEG_A ? "uas" : "uac") :
						 (leg == LEG_A ? "uac" : "uas"));
		call_respond(c, leg, st, req, 200, NULL, NULL, true, NULL, NULL, hdrs);
		return;
	}

	switch (req->method) {
	case SIP_METHOD_BYE:
		answer_here(c, leg, st, req, 200, NULL);
		d->state = DLG_TERMINATED;
		c->hangup_by = leg == LEG_A ? DB_HANGUP_CALLER : DB_HANGUP_CALLEE;
		log_info(c->id, "BYE from leg %s", leg == LEG_A ? "A" : "B");
		call_end(c, leg == LEG_A ? "leg A hung up" : "leg B hung up");
		return;
	case SIP_METHOD_OPTIONS: {
		struct ua_verdict v;
		ua_answer_out_of_dialog(req, &v);
		answer_here(c, leg, st, req, 200, NULL);
		return;
	}
	case SIP_METHOD_REFER:
		/* the trunk's policy (still in the route before the answer);
		 * otherwise the REFER crosses (relay_send) */
		if (c->route ? c->route->refer_deny[leg] : c->refer_deny[leg]) {
			log_info(c->id, "REFER from leg %s refused: transfers not permitted",
				 leg == LEG_A ? "A" : "B");
			answer_here(c, leg, st, req, 403, "Call Transfer Not Permitted");
			return;
		}
		break;
	case SIP_METHOD_PRACK:
		/* we never send reliable provisional responses on a leg */
		answer_here(c, leg, st, req, 481, NULL);
		return;
	case SIP_METHOD_INVITE:
		if (c->state != CALL_CONFIRMED && c->state != CALL_ANSWERED) {
			answer_here(c, leg, st, req, 491, NULL);
			return;
		}
		/* RFC 3261 14.2: one re-INVITE at a time on a call */
		if (reinvite_pending(c) || offer_retry_pending(c)) {
			answer_here(c, leg, st, req, 491, NULL);
			return;
		}
		break;
	case SIP_METHOD_UPDATE:
		if (topo_has_sdp(req) && offer_retry_pending(c)) {
			answer_here(c, leg, st, req, 491, NULL);
			return;
		}
		break;
	default:
		break;
	}
	/* RFC 3311 5.1: an offer in an UPDATE in leg B's early dialog cannot
	 * go on to leg A, whose answer went in an unreliable provisional (we
	 * never send reliable ones there); the relay anchors the media, so
	 * the offer is answered here and leg A sees nothing of it */
	if (req->method == SIP_METHOD_UPDATE && leg == LEG_B && c->state == CALL_ROUTING &&
	    topo_has_sdp(req)) {
		update_answer_here(c, st, req);
		return;
	}
	if (c->state == CALL_ENDED || c->leg[other].state == DLG_TERMINATED || !c->leg[other].rtag) {
		answer_here(c, leg, st, req, 481, NULL);
		return;
	}

	r = calloc(1, sizeof(*r));
	if (!r) {
		answer_here(c, leg, st, req, 500, NULL);
		return;
	}
	r->call = c;
	r->from = leg;
	r->st = st;
	r->reply_to = *reply_to;
	r->req = req;
	const char *why;
	err = relay_send(r, &why);
	if (err) {
		r->req = NULL;	/* not kept: the caller frees it */
		free(r);
		if (offers(req))
			call_media_rollback(c);
		answer_here(c, leg, st, req, (uint16_t)err, why);
		return;
	}
	*kept = true;
	r->next = c->relays;
	c->relays = r;
	log_info(c->id, "%.*s relayed from leg %s", PL_FMT(req->method_pl), leg == LEG_A ? "A" : "B");
}

/* RFC 3261 9.2: 200 to the CANCEL, and the re-INVITE (the same CSeq and
 * branch) cancelled on the other leg, whose 487, or the final response
 * that crossed the CANCEL there, comes back through relay_resp.  One that
 * waits to be sent again after 491 goes no further: 487 at once.  One
 * answered already is not ours to cancel: the core's 200 does. */
bool relay_cancel(struct call *c, int leg, const struct sip_msg *cancel, struct tsx *st)
{
	struct relay *r;
	struct tsx *ct;

	for (r = c->relays; r; r = r->next) {
		if (r->from == leg && r->st && r->req->method == SIP_METHOD_INVITE &&
		    r->req->cseq.num == cancel->cseq.num &&
		    pl_eq(&r->req->via.branch, &cancel->via.branch))
			break;
	}
	if (!r)
		return false;
	call_respond(c, leg, st, cancel, 200, NULL, NULL, false, NULL, NULL, NULL);
	log_info(c->id, "CANCEL of a re-INVITE from leg %s", leg == LEG_A ? "A" : "B");
	if (r->ct) {
		if (tsx_client_cancel(r->ct, &ct, call_ignore_resp_h, NULL) == 0)
			tsx_detach(ct);
		return true;
	}
	relay_answer(r, 487, NULL, NULL, false, NULL, NULL);
	relay_free(r);
	return true;
}

/* at the end of a call: what is still unanswered gets 487 (RFC 3261
 * 15.1.2), a re-INVITE waiting to be sent again after 491 included */
void relay_abort_all(struct call *c)
{
	for (struct relay *r = c->relays; r; r = r->next) {
		call_glare_stop(c, &r->glare);
		relay_answer(r, 487, NULL, NULL, false, NULL, NULL);
		tsx_detach(r->ct);
		r->ct = NULL;
	}
}

void relay_free_all(struct call *c)
{
	while (c->relays)
		relay_free(c->relays);
}
