/* Session timers (RFC 4028), negotiated and kept per leg: a refresh on
 * one leg is never a reason to send one on the other.  Where we are the
 * refresher we send UPDATE without a body at half the interval, and send
 * it again after a 491 as RFC 3261 14.1 says (glare.c); where the peer
 * is, a session that sees no refresh before it expires ends the whole
 * call (a dead leg must not leave the call half-open). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "call/call_priv.h"
#include "tsx/tsx.h"

enum { ST_MIN_SE = 90 };	/* RFC 4028 4: the smallest interval */

/* Session-Expires of a message: interval, and who refreshes ("uac",
 * "uas", or "" when unsaid).  false when absent or malformed. */
static bool session_expires(const struct sip_msg *m, uint32_t *interval, char *refresher,
			    size_t size)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_SESSION_EXPIRES);
	struct pl num, params, r;
	const char *semi;

	refresher[0] = '\0';
	if (!h)
		return false;
	semi = memchr(h->val.p, ';', h->val.l);
	num = pl_trim(pl_make(h->val.p, semi ? (size_t)(semi - h->val.p) : h->val.l));
	if (pl_u32(&num, 0x7fffffff, interval) || *interval == 0)
		return false;
	if (semi) {
		params = pl_make(semi + 1, (size_t)(h->val.p + h->val.l - semi - 1));
		if (sip_param_get(&params, "refresher", &r))
			pl_strcpy(&r, refresher, size);
	}
	return true;
}

static void st_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

static void st_arm(struct call *c, int leg)
{
	struct leg_st *st = &c->st[leg];
	double after;

	if (st->on)
		ev_timer_stop(c->mgr->env.loop, &st->tmr);
	/* the refresher refreshes at half the interval; the other side gives
	 * up a little before the end (RFC 4028 10: min(32, interval/3)) */
	if (st->we_refresh) {
		after = st->interval / 2.0;
	} else {
		double margin = st->interval / 3.0 < 32 ? st->interval / 3.0 : 32;
		after = st->interval - margin;
	}
	ev_timer_init(&st->tmr, st_timer_cb, after, 0);
	st->tmr.data = c;
	ev_timer_start(c->mgr->env.loop, &st->tmr);
	st->on = true;
}

void call_st_stop(struct call *c)
{
	for (int leg = 0; leg < 2; leg++) {
		if (c->st[leg].on)
			ev_timer_stop(c->mgr->env.loop, &c->st[leg].tmr);
		c->st[leg].on = false;
		if (c->st[leg].retry)
			call_glare_stop(c, c->st[leg].retry);
	}
}

static void st_refresh(struct call *c, int leg);

static void refresh_again(struct call_glare *g)
{
	struct call *c = g->arg;

	if (c->state == CALL_ENDED || c->leg[g->leg].state == DLG_TERMINATED)
		return;
	log_info(c->id, "session refresh sent again on leg %s after 491 (attempt %u)",
		 g->leg == LEG_A ? "A" : "B", g->tries + 1);
	st_refresh(c, g->leg);
}

/* RFC 3261 14.1: our refresh met glare (491) on leg; it goes again after
 * the random delay, a bounded number of times.  Once those are spent it
 * is a refresh that failed with a code other than 408 or 481 (RFC 4028
 * 10), as any such failure: the session is left as it is, and the next
 * refresh goes at its time. */
static void refresh_glare(struct call *c, int leg)
{
	struct leg_st *st = &c->st[leg];
	double delay;

	if (!st->retry)
		st->retry = calloc(1, sizeof(*st->retry));
	if (st->retry && call_glare_retry(c, st->retry, leg, refresh_again, c, &delay)) {
		log_info(c->id, "491 on leg %s: session refresh sent again in %.2f s",
			 leg == LEG_A ? "A" : "B", delay);
		return;
	}
	log_info(c->id, "session refresh on leg %s met 491 %u times: given up until the next one",
		 leg == LEG_A ? "A" : "B", st->retry ? st->retry->tries + 1 : 1);
}

static void refresh_resp(struct tsx *ct, const struct sip_msg *resp, int err, void *arg)
{
	struct call *c = arg;

	if (!resp && !err) {		/* end notice */
		for (int leg = 0; leg < 2; leg++) {
			if (c->st[leg].ct == ct)
				c->st[leg].ct = NULL;
		}
		return;
	}
	if (c->state == CALL_ENDED)
		return;
	if (!resp || resp->scode == 408 || resp->scode == 481) {
		call_end(c, "no answer to a session refresh");
		return;
	}
	if (resp->scode == 491)
		refresh_glare(c, ct == c->st[LEG_A].ct ? LEG_A : LEG_B);
}

/* an UPDATE without a body: refreshes the session on one leg only */
static void st_refresh(struct call *c, int leg)
{
	struct leg_st *st = &c->st[leg];
	char extra[160], branch[40];
	struct mbuf *mb;
	struct tsx *ct;

	/* on leg A we are the UAS of the dialog, on leg B its UAC */
	snprintf(extra, sizeof(extra), "Session-Expires: %u;refresher=%s\r\nSupported: timer\r\n",
		 st->interval, leg == LEG_A ? "uas" : "uac");
	if (dlg_build_request(&mb, &c->leg[leg], SIP_METHOD_UPDATE, 0, true, extra, NULL, NULL,
			      branch, sizeof(branch)))
		return;
	/* the transaction reports timeouts and 481 through refresh_resp; it is
	 * detached when the call ends */
	if (call_send_request(c, leg, mb, &ct, refresh_resp, c) == 0) {
		tsx_detach(c->st[leg].ct);
		c->st[leg].ct = ct;
	}
	mbuf_unref(mb);
	log_debug(c->id, "session refresh sent on leg %s", leg == LEG_A ? "A" : "B");
}

static void st_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct call *c = w->data;
	int leg = w == &c->st[LEG_A].tmr ? LEG_A : LEG_B;

	(void)loop;
	(void)revents;
	c->st[leg].on = false;
	if (!c->st[leg].we_refresh) {
		log_info(c->id, "session timer of leg %s expired", leg == LEG_A ? "A" : "B");
		call_end(c, "session timer expired");
		return;
	}
	if (c->st[leg].retry) {
		/* a new refresh: the last one's retries are over */
		call_glare_stop(c, c->st[leg].retry);
		c->st[leg].retry->tries = 0;
	}
	st_refresh(c, leg);
	st_arm(c, leg);
}

void call_st_b_answered(struct call *c, const struct sip_msg *resp)
{
	char refresher[8];
	uint32_t interval;

	/* RFC 4028 7.2: no Session-Expires in the 2xx, no timer on this leg */
	if (!session_expires(resp, &interval, refresher, sizeof(refresher)))
		return;
	c->st[LEG_B].interval = interval < ST_MIN_SE ? ST_MIN_SE : interval;
	c->st[LEG_B].we_refresh = strcmp(refresher, "uas") != 0;
	st_arm(c, LEG_B);
	log_info(c->id, "session timer on leg B: %us, refreshed by %s", c->st[LEG_B].interval,
		 c->st[LEG_B].we_refresh ? "us" : "the callee");
}

void call_st_a_headers(struct call *c, const struct sip_msg *inv, char *buf, size_t size)
{
	const struct sip_hdr *sup = sip_msg_hdr(inv, SIP_HDR_SUPPORTED);
	bool timer = sup && sip_token_list_has(&sup->val, "timer");
	char refresher[8];
	uint32_t interval = 0;
	bool asked = session_expires(inv, &interval, refresher, sizeof(refresher));

	buf[0] = '\0';
	if (!asked) {
		if (!c->route->session_timer_in)
			return;
		interval = c->route->session_timer_in;
		refresher[0] = '\0';
	}
	if (interval < ST_MIN_SE)
		interval = ST_MIN_SE;
	/* the caller refreshes when it can and did not ask us to (RFC 4028 9) */
	bool they = timer && strcmp(refresher, "uas") != 0;
	c->st[LEG_A].interval = interval;
	c->st[LEG_A].we_refresh = !they;
	snprintf(buf, size, "%sSession-Expires: %u;refresher=%s\r\n", timer ? "Require: timer\r\n" : "",
		 interval, they ? "uac" : "uas");
}

void call_st_a_confirmed(struct call *c)
{
	if (c->st[LEG_A].interval) {
		st_arm(c, LEG_A);
		log_info(c->id, "session timer on leg A: %us, refreshed by %s", c->st[LEG_A].interval,
			 c->st[LEG_A].we_refresh ? "us" : "the caller");
	}
}

bool call_st_refreshed(struct call *c, int leg, const struct sip_msg *req)
{
	char refresher[8];
	uint32_t interval;

	if (!c->st[leg].interval)
		return false;
	if (session_expires(req, &interval, refresher, sizeof(refresher)) && interval >= ST_MIN_SE)
		c->st[leg].interval = interval;
	st_arm(c, leg);
	return true;
}

void call_st_free(struct call *c)
{
	call_st_stop(c);
	for (int leg = 0; leg < 2; leg++) {
		tsx_detach(c->st[leg].ct);
		c->st[leg].ct = NULL;
		free(c->st[leg].retry);
		c->st[leg].retry = NULL;
	}
}
