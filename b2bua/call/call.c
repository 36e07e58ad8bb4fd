/* Calls: the table, the lifecycle, sending on a leg with the egress check,
 * and the initial INVITE from leg A to leg B. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "base/log.h"
#include "base/rand.h"
#include "call/call_priv.h"
#include "db.h"
#include "tsx/tsx.h"

static const char *const leg_name[2] = { "A", "B" };

/* ---- the table of calls by Call-ID ---- */

static size_t hash_pl(const struct pl *v)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < v->l; i++) {
		h ^= (unsigned char)v->p[i];
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

static void table_add(struct call_mgr *m, struct call *c, int leg)
{
	struct pl cid = pl_make(c->leg[leg].callid, strlen(c->leg[leg].callid));
	size_t b = hash_pl(&cid) & (m->nbuckets - 1);

	c->ent[leg].call = c;
	c->ent[leg].leg = leg;
	c->ent[leg].next = m->table[b];
	m->table[b] = &c->ent[leg];
}

static void table_del(struct call_mgr *m, struct call *c, int leg)
{
	struct call_entry **pp;

	if (!c->ent[leg].call || !c->leg[leg].callid)
		return;
	struct pl cid = pl_make(c->leg[leg].callid, strlen(c->leg[leg].callid));
	for (pp = &m->table[hash_pl(&cid) & (m->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == &c->ent[leg]) {
			*pp = c->ent[leg].next;
			break;
		}
	}
	c->ent[leg].call = NULL;
}

struct call *call_find(struct call_mgr *m, const struct pl *callid, int leg)
{
	for (struct call_entry *e = m->table[hash_pl(callid) & (m->nbuckets - 1)]; e; e = e->next) {
		if (e->leg == leg && e->call->state != CALL_ENDED &&
		    pl_eq_str(callid, e->call->leg[leg].callid))
			return e->call;
	}
	return NULL;
}

/* ---- lifecycle ---- */

static void reaper_cb(struct ev_loop *loop, ev_prepare *w, int revents);

int call_mgr_alloc(struct call_mgr **mp, const struct call_env *env)
{
	struct call_mgr *m = calloc(1, sizeof(*m));

	if (!m)
		return ENOMEM;
	m->env = *env;
	/* chunks of 64 KiB: about 40 calls each */
	pool_init(&m->calls_pool, sizeof(struct call) + CALL_STRS, 64 * 1024);
	m->nbuckets = 1u << 16;
	m->table = calloc(m->nbuckets, sizeof(*m->table));
	if (!m->table) {
		free(m);
		return ENOMEM;
	}
	ev_prepare_init(&m->reaper, reaper_cb);
	m->reaper.data = m;
	*mp = m;
	return 0;
}

void call_mgr_set_router(struct call_mgr *m, call_route_h *route, call_route_done_h *done,
			 call_route_next_h *next, void *arg)
{
	m->env.route = route;
	m->env.route_done = done;
	m->env.route_next = next;
	m->env.route_arg = arg;
}

/* a copy of s in the call's arena, or "" when out of memory */
const char *call_keep_str(struct call *c, const char *s)
{
	const char *k = arena_strdup(&c->ar, s ? s : "");

	return k ? k : "";
}

/* keeps what the rest of the call needs of its route, and frees the rest
 * (memory per established call) */
void call_route_keep(struct call *c)
{
	struct call_route *r = c->route;

	if (!r)
		return;
	c->route_handle = r->handle;
	c->route_id = r->route_id;
	c->trunk_in = call_keep_str(c, r->trunk_in);
	c->trunk_out = call_keep_str(c, r->trunk_out);
	c->refer_deny[LEG_A] = r->refer_deny[LEG_A];
	c->refer_deny[LEG_B] = r->refer_deny[LEG_B];
	if (c->setup->fo_on)
		ev_timer_stop(c->mgr->env.loop, &c->setup->fo_tmr);
	free(c->setup);
	c->setup = NULL;
	c->route = NULL;
}

void call_mgr_set_cdr(struct call_mgr *m, struct db_cdr_writer *cdr)
{
	m->env.cdr = cdr;
}

static void ok_stop(struct call *c, int leg)
{
	struct leg_ok *ok = c->ok[leg];

	if (!ok)
		return;
	if (ok->active)
		ev_timer_stop(c->mgr->env.loop, &ok->tmr);
	mbuf_unref(ok->resp);
	free(ok);
	c->ok[leg] = NULL;
}

/* our ACK for a retransmitted 2xx: the one kept, or written again */
static void resend_ack(struct call *c, int leg)
{
	struct leg_ack *a = &c->ack[leg];
	struct mbuf *mb;

	if (a->ack) {
		call_send_raw(c, leg, a->ack);
	} else if (a->sent && dlg_build_ack(&mb, &c->leg[leg], a->cseq, NULL, NULL) == 0) {
		call_send_raw(c, leg, mb);
		mbuf_unref(mb);
	}
}

static void call_free(struct call *c)
{
	struct call_mgr *m = c->mgr;

	for (int leg = 0; leg < 2; leg++) {
		ok_stop(c, leg);
		mbuf_unref(c->ack[leg].ack);
	}
	relay_free_all(c);
	tsx_detach(c->a_ist);
	tsx_detach(c->b_ict);
	sip_msg_free(c->a_invite);
	if (c->route)
		call_route_keep(c);
	if (c->routed && m->env.route_done)
		m->env.route_done(c->route_handle, m->env.route_arg);
	arena_release(&c->ar);
	pool_free(&m->calls_pool, c);
}

static void reaper_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct call_mgr *m = w->data;

	(void)revents;
	ev_prepare_stop(loop, w);
	while (m->zombies) {
		struct call *c = m->zombies;
		m->zombies = c->znext;
		call_free(c);
	}
}

void call_ignore_resp_h(struct tsx *ct, const struct sip_msg *resp, int err, void *arg)
{
	(void)ct;
	(void)resp;
	(void)err;
	(void)arg;
}

/* BYE on a leg whose dialog is confirmed (or answered by us) */
static void send_bye(struct call *c, int leg, const char *why)
{
	struct dlg *d = &c->leg[leg];
	struct mbuf *mb;
	struct mbw w;
	char branch[40];
	struct tsx *ct;

	if (!d->rtag || d->state == DLG_TERMINATED)
		return;
	if (mbw_init(&w, 128))
		return;
	if (c->mgr->env.user_agent)
		mbw_printf(&w, "User-Agent: %s\r\n", c->mgr->env.user_agent);
	if (why)
		mbw_printf(&w, "Reason: SIP;cause=200;text=\"%s\"\r\n", why);
	struct mbuf *extra;
	if (mbw_finish(&w, &extra))
		return;
	if (dlg_build_request(&mb, d, SIP_METHOD_BYE, 0, false, extra->data, NULL, NULL, branch,
			      sizeof(branch)) == 0) {
		if (call_send_request(c, leg, mb, &ct, call_ignore_resp_h, NULL) == 0)
			tsx_detach(ct);
		mbuf_unref(mb);
	}
	mbuf_unref(extra);
	d->state = DLG_TERMINATED;
	log_info(c->id, "BYE sent on leg %s", leg_name[leg]);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void call_cdr_submit(struct call_mgr *m, struct db_cdr *cdr)
{
	if (m->env.cdr && db_cdr_submit(m->env.cdr, cdr))
		log_warn(cdr->call_id, "CDR not queued");
	free(cdr);
}

/* the call detail record of one call attempt: our identifiers only */
static void cdr_make(struct call *c)
{
	struct db_cdr *cdr;
	const char *u = c->users;

	if (!c->mgr->env.cdr || !(cdr = calloc(1, sizeof(*cdr))))
		return;
	str_copy(cdr->call_id, sizeof(cdr->call_id), c->id);
	cdr->attempt = c->attempts ? c->attempts : 1;
	str_copy(cdr->leg_a, sizeof(cdr->leg_a), c->leg[LEG_A].ltag ? c->leg[LEG_A].ltag : "");
	snprintf(cdr->leg_b, sizeof(cdr->leg_b), "%s",
		 c->leg[LEG_B].callid ? c->leg[LEG_B].callid : "");
	call_route_keep(c);
	str_copy(cdr->from_trunk, sizeof(cdr->from_trunk), c->trunk_in);
	str_copy(cdr->to_trunk, sizeof(cdr->to_trunk), c->trunk_out);
	cdr->route_id = c->route_id;
	str_copy(cdr->failover, sizeof(cdr->failover), c->failover);
	if (u) {
		str_copy(cdr->ruri_user, sizeof(cdr->ruri_user), u);
		u += strlen(u) + 1;
		str_copy(cdr->from_user, sizeof(cdr->from_user), u);
		u += strlen(u) + 1;
		str_copy(cdr->to_user, sizeof(cdr->to_user), u);
	}
	cdr->status = c->final_status;
	str_copy(cdr->reason, sizeof(cdr->reason), c->final_reason);
	cdr->setup_time = c->setup_time;
	cdr->answer_time = c->answer_time;
	cdr->end_time = wall_now();
	cdr->hangup_by = (enum db_hangup)c->hangup_by;
	if (c->media)
		call_media_cdr(c, cdr);
	else
		call_cdr_submit(c->mgr, cdr);
}

static void fo_stop(struct call *c)
{
	if (c->setup && c->setup->fo_on) {
		ev_timer_stop(c->mgr->env.loop, &c->setup->fo_tmr);
		c->setup->fo_on = false;
	}
}

void call_end(struct call *c, const char *why)
{
	struct call_mgr *m = c->mgr;

	if (c->state == CALL_ENDED)
		return;
	log_info(c->id, "call ends: %s", why);
	/* leg A still waits for a final response */
	if (!c->a_final && c->a_ist) {
		call_respond(c, LEG_A, c->a_ist, c->a_invite, c->cancelled ? 487 : 500,
			     c->cancelled ? NULL : "Call Ended", NULL, false, NULL, NULL, NULL);
	}
	for (int leg = 0; leg < 2; leg++) {
		if (c->leg[leg].state == DLG_CONFIRMED ||
		    (leg == LEG_A && c->state == CALL_ANSWERED))
			send_bye(c, leg, NULL);
	}
	relay_abort_all(c);
	if (c->b_ict && !c->b_answered && c->state == CALL_ROUTING) {
		struct tsx *cancel;
		if (tsx_client_cancel(c->b_ict, &cancel, call_ignore_resp_h, NULL) == 0)
			tsx_detach(cancel);
	}
	if (!c->b_answered)
		m->stats.failed++;
	m->stats.active--;
	if (c->b_answered && !c->hangup_by) {
		/* an answered call we end ourselves: the CDR says why */
		c->hangup_by = DB_HANGUP_B2BUA;
		c->final_reason = call_keep_str(c, why);
	}
	if (!c->final_reason[0])
		c->final_reason = call_keep_str(c, why);
	if (c->max_dur) {
		ev_timer_stop(m->env.loop, c->max_dur);
		free(c->max_dur);
		c->max_dur = NULL;
	}
	fo_stop(c);
	call_st_free(c);
	cdr_make(c);
	call_media_free(c);
	c->state = CALL_ENDED;
	for (int leg = 0; leg < 2; leg++) {
		ok_stop(c, leg);
		table_del(m, c, leg);
	}
	if (c->lprev)
		c->lprev->lnext = c->lnext;
	else
		m->calls = c->lnext;
	if (c->lnext)
		c->lnext->lprev = c->lprev;
	c->znext = m->zombies;
	m->zombies = c;
	ev_prepare_start(m->env.loop, &m->reaper);
}

void call_mgr_free(struct call_mgr *m)
{
	if (!m)
		return;
	while (m->calls)
		call_end(m->calls, "shutting down");
	ev_prepare_stop(m->env.loop, &m->reaper);
	while (m->zombies) {
		struct call *c = m->zombies;
		m->zombies = c->znext;
		call_free(c);
	}
	call_media_links_free(m);
	free(m->table);
	size_t left = pool_destroy(&m->calls_pool);
	if (left)
		log_err(NULL, "%zu calls not freed at shutdown", left);
	free(m);
}

void call_mgr_stats(const struct call_mgr *m, struct call_stats *out)
{
	*out = m->stats;
}

/* ---- sending on a leg ---- */

/* what must not appear on a leg: the other leg's identifiers and
 * addresses (written from the call's state for each message rather than
 * kept: memory per held call) */
static void guard_of(const struct call *c, int leg, struct topo_guard *g)
{
	int other = OTHER(leg);

	g->n = 0;
	topo_guard_add(g, c->leg[other].callid);
	if (other == LEG_A) {
		topo_guard_add(g, c->leg[LEG_A].rtag);
		topo_guard_add(g, c->a_branch);
	} else if (c->b_answered && c->leg[LEG_B].rtag && strlen(c->leg[LEG_B].rtag) >= 8) {
		/* the callee's tag, final once answered (a tag too short to
		 * be unique would match unrelated tokens) */
		topo_guard_add(g, c->leg[LEG_B].rtag);
	}
	topo_guard_add(g, c->peer_ip[other]);
	if (c->cross_zone)
		topo_guard_add(g, c->our_ip[other]);
}

static bool egress_ok(struct call *c, int leg, const struct mbuf *mb)
{
	struct topo_guard g;
	const char *leak;

	guard_of(c, leg, &g);
	leak = topo_leak(&g, mb);

	if (!leak)
		return true;
	c->mgr->stats.leaks++;
	log_err(c->id, "topology leak: \"%s\" in a message for leg %s; not sent", leak, leg_name[leg]);
	if (c->mgr->env.leak_abort)
		abort();
	return false;
}

/* RFC 3261 18.1.1: a large request goes over TCP; the Via says so */
static int fit_transport(struct call *c, int leg, struct mbuf **mbp)
{
	struct dlg *d = &c->leg[leg];
	enum sip_transport cur = (enum sip_transport)d->dest.tp;
	enum sip_transport tp = transport_choose(c->mgr->env.tp, cur, (*mbp)->len, true);
	char from[32], to[32];
	char *via;

	if (tp == cur)
		return 0;
	snprintf(from, sizeof(from), "Via: SIP/2.0/%s ", sip_transport_name(cur));
	snprintf(to, sizeof(to), "Via: SIP/2.0/%s ", sip_transport_name(tp));
	via = memmem((*mbp)->data, (*mbp)->len, from, strlen(from));
	if (!via || strlen(from) != strlen(to))
		return 0;
	memcpy(via, to, strlen(to));
	d->dest.tp = (uint8_t)tp;
	return 0;
}

int call_send_request(struct call *c, int leg, struct mbuf *mb, struct tsx **ctp,
		      void (*h)(struct tsx *, const struct sip_msg *, int, void *), void *arg)
{
	struct tp_dest dest;
	int err;

	if (!egress_ok(c, leg, mb))
		return EACCES;
	fit_transport(c, leg, &mb);
	dlg_dest_get(&c->leg[leg], &dest);
	dest.listener = c->listener[leg];
	err = tsx_client_start(ctp, c->mgr->env.tsx, mb, &dest, h, arg);
	if (err)
		log_warn(c->id, "cannot send on leg %s: %s", leg_name[leg], strerror(err));
	return err;
}

int call_send_raw(struct call *c, int leg, struct mbuf *mb)
{
	struct tp_dest dest;

	if (!egress_ok(c, leg, mb))
		return EACCES;
	dlg_dest_get(&c->leg[leg], &dest);
	dest.listener = c->listener[leg];
	return transport_send(c->mgr->env.tp, &dest, mb);
}

int call_respond(struct call *c, int leg, struct tsx *st, const struct sip_msg *req,
		 uint16_t scode, const char *reason, const struct sip_msg *from_peer,
		 bool contact, const struct pl *ctype, const struct pl *body, const char *extra_hdrs)
{
	struct mbw w;
	struct mbuf *hdrs, *mb;
	int err;

	if (!st || !req)
		return EINVAL;
	err = mbw_init(&w, 256);
	if (err)
		return err;
	if (contact) {
		struct pl v = pl_make(c->leg[leg].contact, strlen(c->leg[leg].contact));

		sip_build_hdr(&w, SIP_HDR_CONTACT, &v);
	}
	if (extra_hdrs)
		mbw_puts(&w, extra_hdrs);
	if (from_peer)
		topo_copy_headers(&w, from_peer);
	if (c->mgr->env.user_agent) {
		struct pl v = pl_make(c->mgr->env.user_agent, strlen(c->mgr->env.user_agent));

		sip_build_hdr(&w, SIP_HDR_SERVER, &v);
	}
	err = mbw_finish(&w, &hdrs);
	if (err)
		return err;
	err = sip_build_response(&mb, req, scode, reason, c->leg[leg].ltag, hdrs->data, ctype, body);
	mbuf_unref(hdrs);
	if (err)
		return err;
	if (!egress_ok(c, leg, mb)) {
		mbuf_unref(mb);
		return EACCES;
	}
	err = tsx_respond(st, scode, mb);
	if (!err && scode >= 200 && scode < 300 && req->method == SIP_METHOD_INVITE) {
		ok_stop(c, leg);
		c->ok[leg] = calloc(1, sizeof(*c->ok[leg]));
		if (c->ok[leg])
			c->ok[leg]->resp = mbuf_ref(mb);
	}
	mbuf_unref(mb);
	if (st == c->a_ist && scode >= 200) {
		/* leg A's INVITE has its answer: its transaction and the parsed
		 * message are not needed any more (memory per held call) */
		c->a_final = true;
		c->final_status = scode;
		c->final_reason = call_keep_str(c, reason ? reason : sip_reason_phrase(scode));
		tsx_detach(c->a_ist);
		c->a_ist = NULL;
		if (req == c->a_invite) {
			sip_msg_free(c->a_invite);
			c->a_invite = NULL;
		}
	}
	return err;
}

/* ---- our 2xx retransmitted until the ACK (RFC 3261 13.3.1.4) ---- */

static void ok_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct leg_ok *ok = w->data;
	struct call *c = ok->call;
	int leg = ok == c->ok[LEG_A] ? LEG_A : LEG_B;

	(void)revents;
	ok->waited += ok->interval;
	if (ok->waited >= 64 * c->mgr->env.t1) {
		ok->active = false;
		log_warn(c->id, "no ACK on leg %s for our 2xx", leg_name[leg]);
		call_end(c, "no ACK for 2xx");
		return;
	}
	/* the transaction has passed the 2xx up and forgotten it (RFC 6026):
	 * re-sending is ours */
	if (ok->resp && egress_ok(c, leg, ok->resp))
		transport_send(c->mgr->env.tp, &ok->dest, ok->resp);
	ok->interval *= 2;
	if (ok->interval > c->mgr->env.t2)
		ok->interval = c->mgr->env.t2;
	ev_timer_set(w, ok->interval, 0);
	ev_timer_start(loop, w);
}

void call_ok_start(struct call *c, int leg, const struct tp_dest *dest)
{
	struct leg_ok *ok = c->ok[leg];

	if (!ok)
		return;		/* no 2xx kept to re-send */
	ok->call = c;
	ok->dest = *dest;
	ok->interval = c->mgr->env.t1;
	ok->waited = 0;
	ev_timer_init(&ok->tmr, ok_timer_cb, ok->interval, 0);
	ok->tmr.data = ok;
	ev_timer_start(c->mgr->env.loop, &ok->tmr);
	ok->active = true;
}

/* the ACK owed on leg for its 2xx, with the body of with_body (the
 * caller's ACK carrying a late-offer answer) when it may cross */
void call_send_owed_ack(struct call *c, int leg, const struct sip_msg *with_body)
{
	struct leg_ack *owed = &c->ack[leg];
	struct mbuf *mb;
	char *sdp = NULL;
	size_t sdp_len = 0;

	if (!owed->owed)
		return;
	/* a late-offer answer in the other leg's ACK crosses rewritten */
	if (with_body && topo_has_sdp(with_body) &&
	    call_media_sdp(c, OTHER(leg), &with_body->body, false, &sdp, &sdp_len))
		log_warn(c->id, "the answer in the ACK of leg %s is not usable", leg ? "A" : "B");
	struct pl ctype = PL("application/sdp"), body = pl_make(sdp, sdp_len);
	if (dlg_build_ack(&mb, &c->leg[leg], owed->cseq, sdp ? &ctype : NULL,
			  sdp ? &body : NULL) == 0) {
		call_send_raw(c, leg, mb);
		mbuf_unref(owed->ack);
		owed->ack = NULL;
		owed->sent = true;
		if (sdp)
			owed->ack = mb;
		else
			mbuf_unref(mb);
	}
	free(sdp);
	owed->owed = false;
}

/* the ACK for our 2xx arrived on leg: stop re-sending, send the ACK we owe
 * on the other leg (carrying the body for a late-offer answer) */
void call_got_ack(struct call *c, int leg, const struct sip_msg *ack)
{
	if (!c->ok[leg] && !c->ack[OTHER(leg)].owed)
		return;		/* a retransmitted ACK */
	ok_stop(c, leg);
	call_send_owed_ack(c, OTHER(leg), ack);
	if (c->state == CALL_ANSWERED) {
		c->state = CALL_CONFIRMED;
		c->leg[LEG_A].state = DLG_CONFIRMED;
		log_info(c->id, "call confirmed");
		call_st_a_confirmed(c);
	}
	if (c->bye_after_ack[leg]) {
		c->bye_after_ack[leg] = false;
		call_end(c, "the other leg hung up before the ACK");
	}
}

/* ---- the initial INVITE ---- */

static void fork_kill(struct call *c, const struct sip_msg *resp)
{
	struct dlg d;
	struct tp_dest dest;
	struct mbuf *mb;
	struct tsx *ct;
	char branch[40];
	struct arena ar;

	/* RFC 3261 13.2.2.4: another fork's 2xx is acknowledged, then ended */
	arena_init(&ar, NULL, 0);
	dlg_dest_get(&c->leg[LEG_B], &dest);
	if (dlg_new_uac(&d, &ar, c->leg[LEG_B].luri, c->leg[LEG_B].ruri, c->leg[LEG_B].target,
			c->leg[LEG_B].contact, c->leg[LEG_B].via_host, c->leg[LEG_B].via_port,
			&dest)) {
		arena_release(&ar);
		return;
	}
	/* the same dialog identifiers as leg B's, the fork's tag */
	d.callid = c->leg[LEG_B].callid;
	d.ltag = c->leg[LEG_B].ltag;
	if (dlg_uac_response(&d, resp) == 0) {
		if (dlg_build_ack(&mb, &d, c->b_inv_cseq, NULL, NULL) == 0) {
			struct dlg saved = c->leg[LEG_B];
			c->leg[LEG_B] = d;
			call_send_raw(c, LEG_B, mb);
			mbuf_unref(mb);
			if (dlg_build_request(&mb, &d, SIP_METHOD_BYE, 0, false, NULL, NULL, NULL,
					      branch, sizeof(branch)) == 0) {
				if (call_send_request(c, LEG_B, mb, &ct, call_ignore_resp_h, NULL) == 0)
					tsx_detach(ct);
				mbuf_unref(mb);
			}
			c->leg[LEG_B] = saved;
			log_info(c->id, "2xx from another fork acknowledged and ended");
		}
	}
	dlg_free(&d);
	arena_release(&ar);
}

static bool failover(struct call *c, uint16_t code);
static int start_leg_b(struct call *c);

/* Leg B starts again as a new dialog towards what c->route now says (the
 * next target or route, or a redirect's Contact): the old attempt is
 * forgotten, and leg A gets the status if the new one cannot start. */
static void restart_leg_b(struct call *c)
{
	tsx_detach(c->b_ict);
	c->b_ict = NULL;
	table_del(c->mgr, c, LEG_B);
	dlg_free(&c->leg[LEG_B]);
	c->b_rseq_set = false;
	c->attempts++;
	int st = start_leg_b(c);
	if (st) {
		call_respond(c, LEG_A, c->a_ist, c->a_invite, (uint16_t)st, NULL, NULL, false, NULL,
			     NULL, NULL);
		call_end(c, "the next attempt of leg B could not start");
	}
}

/* the first Contact URI of a 3xx */
static bool redirect_target(const struct sip_msg *resp, struct sip_addr *a)
{
	const struct sip_hdr *h = sip_msg_hdr(resp, SIP_HDR_CONTACT);
	struct pl v;
	size_t pos = 0;
	int err;

	return h && sip_value_next(&h->val, &pos, &v, &err) && !err && sip_addr_decode(a, &v) == 0 &&
	       !a->star && (a->uri.scheme == SIP_SCHEME_SIP || a->uri.scheme == SIP_SCHEME_SIPS);
}

/* RFC 3261 8.1.3.4, done by us: leg B starts again towards the Contact of
 * the 3xx, a bounded number of times */
static bool redirect_follow(struct call *c, const struct sip_msg *resp)
{
	struct sip_addr a;
	struct tp_dest d;
	char uri[512];

	if (c->redirects >= CALL_MAX_REDIRECTS || !redirect_target(resp, &a) ||
	    a.uri_pl.l >= sizeof(uri))
		return false;
	pl_strcpy(&a.uri_pl, uri, sizeof(uri));
	if (dlg_uri_dest(uri, c->route->dest.tp, &d))
		return false;
	c->redirects++;
	d.listener = c->route->out_listener;
	c->route->dest = d;
	str_copy(c->route->ruri, sizeof(c->route->ruri), uri);
	log_info(c->id, "leg B redirected (%u) to %s", resp->scode, uri);
	char why[56];
	snprintf(why, sizeof(why), "%u redirect", resp->scode);
	c->failover = call_keep_str(c, why);
	restart_leg_b(c);
	return true;
}

/* the redirect for leg A: the new user at our own address on leg A's zone,
 * so the caller comes back to us and nothing of the inside shows */
static bool redirect_contact(struct call *c, const struct sip_msg *resp, char *buf, size_t size)
{
	struct sip_addr a;
	char user[128];
	const char *host = c->leg[LEG_A].via_host;

	if (!redirect_target(resp, &a) || !a.uri.user.l || a.uri.user.l >= sizeof(user))
		return false;
	pl_strcpy(&a.uri.user, user, sizeof(user));
	snprintf(buf, size, "Contact: <sip:%s@%s:%u>\r\n", user, host, c->leg[LEG_A].via_port);
	return true;
}

static void prack_b(struct call *c, uint32_t rseq)
{
	struct mbuf *mb;
	struct tsx *ct;
	char rack[64], branch[40];

	snprintf(rack, sizeof(rack), "RAck: %u %u INVITE\r\n", rseq, c->b_inv_cseq);
	if (dlg_build_request(&mb, &c->leg[LEG_B], SIP_METHOD_PRACK, 0, false, rack, NULL, NULL,
			      branch, sizeof(branch)))
		return;
	if (call_send_request(c, LEG_B, mb, &ct, call_ignore_resp_h, NULL) == 0)
		tsx_detach(ct);
	mbuf_unref(mb);
	log_debug(c->id, "PRACK for RSeq %u on leg B", rseq);
}

/* leg B neither rang nor answered in time: CANCEL it, next route */
static void fo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct call *c = w->data;
	struct tsx *cancel;

	(void)loop;
	(void)revents;
	c->setup->fo_on = false;
	log_info(c->id, "leg B gave no answer within %us", c->route->failover_timeout);
	if (c->b_ict && tsx_client_cancel(c->b_ict, &cancel, call_ignore_resp_h, NULL) == 0)
		tsx_detach(cancel);
	if (failover(c, 408))
		return;
	if (!c->a_final)
		call_respond(c, LEG_A, c->a_ist, c->a_invite, 408, NULL, NULL, false, NULL, NULL, NULL);
	call_end(c, "leg B timed out");
}

static void max_dur_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct call *c = w->data;

	(void)loop;
	(void)revents;
	call_end(c, "maximum call duration");
}

static void b_invite_resp(struct tsx *ct, const struct sip_msg *resp, int err, void *arg)
{
	struct call *c = arg;
	uint16_t code;

	if (!resp) {
		if (!err) {			/* end notice */
			if (c->b_ict == ct)
				c->b_ict = NULL;
			return;
		}
		if (c->state != CALL_ROUTING)
			return;
		code = err == ETIMEDOUT ? 408 : 503;
		log_info(c->id, "leg B INVITE failed: %s", strerror(err));
		if (failover(c, code))
			return;
		if (!c->a_final)
			call_respond(c, LEG_A, c->a_ist, c->a_invite, c->cancelled ? 487 : code,
				     NULL, NULL, false, NULL, NULL, NULL);
		call_end(c, err == ETIMEDOUT ? "leg B timed out" : "leg B transport error");
		return;
	}
	if (c->state == CALL_ENDED)
		return;
	code = resp->scode;
	if (code > 100)
		fo_stop(c);

	if (code >= 200 && code < 300) {
		if (c->b_answered) {
			if (pl_eq_str(&resp->to.tag, c->leg[LEG_B].rtag)) {
				/* a retransmission: repeat our ACK if it went out */
				resend_ack(c, LEG_B);
			} else {
				fork_kill(c, resp);
			}
			return;
		}
		if (dlg_uac_response(&c->leg[LEG_B], resp) == EEXIST) {
			/* the early dialog was another fork's: this one wins */
			c->leg[LEG_B].rtag = NULL;
			dlg_uac_response(&c->leg[LEG_B], resp);
		}
		c->b_answered = true;
		c->ack[LEG_B].cseq = c->b_inv_cseq;
		c->ack[LEG_B].owed = true;
		/* the SDP of the 2xx: the answer to leg A's offer, or (late
		 * offer) an offer of leg B's that leg A answers in its ACK */
		char *sdp = NULL;
		size_t sdp_len = 0;
		int mst = 0;
		if (!c->cancelled && topo_has_sdp(resp))
			mst = call_media_sdp(c, LEG_B, &resp->body, !c->a_offer, &sdp, &sdp_len);
		if (c->cancelled || mst) {
			/* CANCEL crossed the 2xx, or its media is unusable:
			 * acknowledge and end leg B; leg A has its answer */
			c->leg[LEG_B].state = DLG_CONFIRMED;
			call_send_owed_ack(c, LEG_B, NULL);
			if (!c->a_final)
				call_respond(c, LEG_A, c->a_ist, c->a_invite, c->cancelled ? 487 : 488,
					     NULL, NULL, false, NULL, NULL, NULL);
			free(sdp);
			call_end(c, c->cancelled ? "2xx crossed the CANCEL" : "unusable SDP in the 2xx");
			return;
		}
		c->mgr->stats.answered++;
		c->answer_time = wall_now();
		if (c->mgr->env.route_next)
			c->mgr->env.route_next(c->route, 0, c->mgr->env.route_arg);
		struct pl ctype = PL("application/sdp"), body = pl_make(sdp, sdp_len);
		char st_hdrs[128];
		call_st_b_answered(c, resp);
		call_st_a_headers(c, c->a_invite, st_hdrs, sizeof(st_hdrs));
		int rerr = call_respond(c, LEG_A, c->a_ist, c->a_invite, code, NULL, resp, true,
					sdp ? &ctype : NULL, sdp ? &body : NULL,
					st_hdrs[0] ? st_hdrs : NULL);
		free(sdp);
		if (rerr) {
			call_end(c, "cannot answer leg A");
			return;
		}
		c->state = CALL_ANSWERED;
		call_ok_start(c, LEG_A, &c->setup->a_reply);
		if (c->route->max_duration && (c->max_dur = malloc(sizeof(*c->max_dur)))) {
			ev_timer_init(c->max_dur, max_dur_cb, c->route->max_duration, 0);
			c->max_dur->data = c;
			ev_timer_start(c->mgr->env.loop, c->max_dur);
		}
		call_route_keep(c);
		log_info(c->id, "answered %u", code);
		return;
	}

	if (code < 200) {
		if (code == 100)
			return;
		dlg_uac_response(&c->leg[LEG_B], resp);
		/* RFC 3262 per leg: a reliable provisional on leg B is ours to
		 * acknowledge; leg A gets it unreliably.  A retransmission (an
		 * RSeq not above the last) is neither acknowledged nor relayed
		 * again. */
		const struct sip_hdr *rseq_h = sip_msg_hdr(resp, SIP_HDR_RSEQ);
		const struct sip_hdr *req_h = sip_msg_hdr(resp, SIP_HDR_REQUIRE);
		uint32_t rseq;
		if (rseq_h && req_h && sip_token_list_has(&req_h->val, "100rel") &&
		    pl_u32(&rseq_h->val, 0xffffffffu, &rseq) == 0) {
			if (c->b_rseq_set && rseq <= c->b_rseq)
				return;
			c->b_rseq = rseq;
			c->b_rseq_set = true;
			prack_b(c, rseq);
		}
		if (c->a_final || c->cancelled)
			return;
		/* early media: the answer to leg A's offer (an offer in an
		 * unreliable provisional response is not allowed) */
		char *sdp = NULL;
		size_t sdp_len = 0;
		if (c->a_offer && topo_has_sdp(resp) &&
		    call_media_sdp(c, LEG_B, &resp->body, false, &sdp, &sdp_len))
			sdp = NULL;
		struct pl ctype = PL("application/sdp"), body = pl_make(sdp, sdp_len);
		char reason[64];
		pl_strcpy(&resp->reason, reason, sizeof(reason));
		call_respond(c, LEG_A, c->a_ist, c->a_invite, code, reason[0] ? reason : NULL, resp,
			     true, sdp ? &ctype : NULL, sdp ? &body : NULL, NULL);
		free(sdp);
		return;
	}

	/* 3xx-6xx: the transaction layer has ACKed it */
	char reason[96];
	pl_strcpy(&resp->reason, reason, sizeof(reason));
	uint16_t out = code;
	const char *why = reason[0] ? reason : NULL;
	char extra[600] = "";
	if (code >= 300 && code < 400 && !c->cancelled) {
		if (c->route->on_3xx == CALL_3XX_FOLLOW && redirect_follow(c, resp))
			return;
		if (c->route->on_3xx == CALL_3XX_PASS && redirect_contact(c, resp, extra, sizeof(extra))) {
			/* the caller gets the redirect, pointing back at us */
		} else {
			/* the inside Contact must not reach the caller */
			out = 480;
			why = "Redirection Not Followed";
		}
	} else if (code == 401 || code == 407) {
		/* the credentials are ours to give, not the caller's */
		out = 403;
		why = "Upstream Authentication Failed";
	}
	if (c->cancelled)
		out = 487, why = NULL;
	else if (failover(c, code))
		return;
	log_info(c->id, "leg B failed %u, leg A gets %u", code, out);
	if (!c->a_final)
		call_respond(c, LEG_A, c->a_ist, c->a_invite, out, why,
			     out == code && !extra[0] ? resp : NULL, false, NULL, NULL,
			     extra[0] ? extra : NULL);
	call_end(c, "failed");
}

static int listener_ip(struct call_mgr *m, unsigned idx, char *ip, size_t size, uint16_t *port,
		       const char **zone)
{
	struct sockaddr_storage a;
	const struct tp_listener_cfg *lc = transport_listener(m->env.tp, idx);

	if (!lc || transport_listener_addr(m->env.tp, idx, &a))
		return EINVAL;
	sa_ip_fmt(&a, ip, size);
	*port = sa_port(&a);
	*zone = lc->zone;
	return 0;
}

/* P-Asserted-Identity from our own state: the asserted display name and
 * user, at the host we present on leg B (the caller's host is inside) */
static void write_pai(struct mbw *w, const struct sip_msg *req, const char *from_uri)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_P_ASSERTED_IDENTITY);
	const char *at = strchr(from_uri, '@');
	struct sip_addr a;
	struct pl v;
	size_t pos = 0;
	int err;

	if (!h || !at || !sip_value_next(&h->val, &pos, &v, &err) || sip_addr_decode(&a, &v))
		return;
	if (a.uri.scheme == SIP_SCHEME_TEL) {
		/* the number alone: a phone-context names the inside */
		const char *semi = memchr(a.uri.opaque.p, ';', a.uri.opaque.l);
		size_t n = semi ? (size_t)(semi - a.uri.opaque.p) : a.uri.opaque.l;
		mbw_printf(w, "P-Asserted-Identity: <tel:%.*s>\r\n", (int)n, a.uri.opaque.p);
		return;
	}
	if (!a.uri.user.l)
		return;
	mbw_puts(w, "P-Asserted-Identity: ");
	if (a.dname.l)
		mbw_printf(w, "%.*s ", PL_FMT(a.dname));
	mbw_printf(w, "<sip:%.*s@%s>\r\n", PL_FMT(a.uri.user), at + 1);
}

/* Leg B: a new dialog from our address on the outbound zone, to the
 * route's target.  returns 0, or the status leg A gets. */
static int start_leg_b(struct call *c)
{
	struct call_mgr *m = c->mgr;
	struct sip_msg *req = c->a_invite;
	char contact[256], luri[1024], ruri[1024], via_host[SA_STRLEN + 2], ip[48];
	char replaces[1024];
	const char *zone_a, *zone_b;
	uint16_t port_a, port_b;
	struct mbuf *mb, *extra;
	struct mbw w;
	char branch[40];
	int err;

	c->listener[LEG_B] = c->route->out_listener;
	if (listener_ip(m, c->listener[LEG_A], ip, sizeof(ip), &port_a, &zone_a) ||
	    listener_ip(m, c->route->out_listener, ip, sizeof(ip), &port_b, &zone_b))
		return 500;
	c->cross_zone = strcmp(zone_a, zone_b) != 0;
	c->our_ip[LEG_B] = call_keep_str(c, ip);
	/* RFC 3891: a Replaces crosses only as the identifiers of the leg
	 * it names on leg B's side */
	err = call_replaces_header(c, req, replaces, sizeof(replaces));
	if (err)
		return err;
	snprintf(via_host, sizeof(via_host), strchr(ip, ':') ? "[%s]" : "%s", ip);
	snprintf(contact, sizeof(contact), "<sip:%s:%u>", via_host, port_b);
	if (req->from.dname.l)
		snprintf(luri, sizeof(luri), "%.*s <%s>", PL_FMT(req->from.dname), c->route->from_uri);
	else
		snprintf(luri, sizeof(luri), "<%s>", c->route->from_uri);
	if (req->to.dname.l)
		snprintf(ruri, sizeof(ruri), "%.*s <%s>", PL_FMT(req->to.dname), c->route->to_uri);
	else
		snprintf(ruri, sizeof(ruri), "<%s>", c->route->to_uri);
	if (dlg_new_uac(&c->leg[LEG_B], &c->ar, luri, ruri, c->route->ruri, contact, via_host,
			port_b, &c->route->dest))
		return 500;
	table_add(m, c, LEG_B);
	sa_ip_fmt(&c->route->dest.addr, ip, sizeof(ip));
	c->peer_ip[LEG_B] = call_keep_str(c, ip);

	if (mbw_init(&w, 256))
		return 500;
	/* the default allow-list, as the outbound trunk's policy amends it */
	topo_copy_headers_except(&w, req, c->route->hdr_remove);
	mbw_puts(&w, c->route->hdr_add);
	mbw_puts(&w, replaces);
	if (c->route->pai_cross)
		write_pai(&w, req, c->route->from_uri);
	if (m->env.user_agent)
		mbw_printf(&w, "User-Agent: %s\r\n", m->env.user_agent);
	/* we acknowledge reliable provisionals on leg B ourselves, whatever
	 * leg A supports (not with a late offer: the PRACK would owe an
	 * answer that only leg A could give) */
	if (topo_has_sdp(req))
		mbw_puts(&w, c->route->session_timer_out ? "Supported: 100rel, timer\r\n" :
							  "Supported: 100rel\r\n");
	else if (c->route->session_timer_out)
		mbw_puts(&w, "Supported: timer\r\n");
	if (c->route->session_timer_out)
		mbw_printf(&w, "Session-Expires: %u\r\n", c->route->session_timer_out);
	if (mbw_finish(&w, &extra))
		return 500;
	/* leg A's offer crosses only as SDP written from our own state */
	char *sdp = NULL;
	size_t sdp_len = 0;
	c->a_offer = topo_has_sdp(req);
	if (c->a_offer) {
		err = call_media_sdp(c, LEG_A, &req->body, true, &sdp, &sdp_len);
		if (err) {
			mbuf_unref(extra);
			return (uint16_t)err;
		}
	}
	struct pl ctype = PL("application/sdp"), body = pl_make(sdp, sdp_len);
	err = dlg_build_request(&mb, &c->leg[LEG_B], SIP_METHOD_INVITE, 0, true, extra->data,
				sdp ? &ctype : NULL, sdp ? &body : NULL, branch, sizeof(branch));
	mbuf_unref(extra);
	free(sdp);
	if (err)
		return 500;
	c->b_inv_cseq = c->leg[LEG_B].lcseq;
	log_info(c->id, "leg B to trunk %s (%s): Call-ID %s", c->route->trunk_out, c->route->ruri,
		 c->leg[LEG_B].callid);
	err = call_send_request(c, LEG_B, mb, &c->b_ict, b_invite_resp, c);
	mbuf_unref(mb);
	if (err)
		return 503;
	fo_stop(c);
	if (c->route->failover_timeout) {
		ev_timer_init(&c->setup->fo_tmr, fo_cb, c->route->failover_timeout, 0);
		c->setup->fo_tmr.data = c;
		ev_timer_start(m->env.loop, &c->setup->fo_tmr);
		c->setup->fo_on = true;
	}
	return 0;
}

/* the policy's next alternative after leg B failed with code */
static bool failover(struct call *c, uint16_t code)
{
	struct call_mgr *m = c->mgr;

	if (c->cancelled || !m->env.route_next ||
	    m->env.route_next(c->route, code, m->env.route_arg))
		return false;
	char why[56];
	snprintf(why, sizeof(why), "%u from trunk %s", code, c->route->trunk_out);
	c->failover = call_keep_str(c, why);
	log_info(c->id, "leg B failed %u: failing over to trunk %s", code, c->route->trunk_out);
	restart_leg_b(c);
	return true;
}

void call_mgr_invite(struct call_mgr *m, struct sip_msg *req, struct tsx *st,
		     const struct tp_rx *rx, const struct tp_dest *reply_to, bool *kept)
{
	struct call *c;
	char rnd[13], contact[256], via_host[SA_STRLEN + 2], ip[48];
	char user[128];
	const char *zone_a;
	uint16_t port_a;
	struct tp_dest reply;
	int err;

	*kept = false;
	if (rand_token(rnd, 12) || !(c = pool_zalloc(&m->calls_pool)))
		return;
	c->mgr = m;
	arena_init(&c->ar, c->strs, m->calls_pool.size - sizeof(*c));
	c->trunk_in = c->trunk_out = c->final_reason = c->failover = "";
	snprintf(c->id, sizeof(c->id), "c-%s", rnd);
	c->setup_time = wall_now();
	c->attempts = 1;
	{
		char ru[128], fu[128], tu[128];
		sip_uri_user(&req->ruri, ru, sizeof(ru));
		sip_uri_user(&req->from.uri, fu, sizeof(fu));
		sip_uri_user(&req->to.uri, tu, sizeof(tu));
		size_t lr = strlen(ru), lf = strlen(fu), lt = strlen(tu);
		char *u = arena_alloc(&c->ar, lr + lf + lt + 3);
		if (u) {
			memcpy(u, ru, lr + 1);
			memcpy(u + lr + 1, fu, lf + 1);
			memcpy(u + lr + lf + 2, tu, lt + 1);
		}
		c->users = u;
	}
	c->a_invite = req;
	c->a_cseq = req->cseq.num;
	c->a_ist = st;
	c->setup = calloc(1, sizeof(*c->setup));
	if (c->setup) {
		c->route = &c->setup->route;
		c->setup->a_reply = *reply_to;
	}
	*kept = true;
	m->stats.created++;
	m->stats.active++;
	c->lnext = m->calls;
	if (m->calls)
		m->calls->lprev = c;
	m->calls = c;

	/* leg A: the dialog the caller sees, on the zone it came from */
	c->listener[LEG_A] = rx->listener;
	if (listener_ip(m, rx->listener, ip, sizeof(ip), &port_a, &zone_a)) {
		call_end(c, "no listener");
		return;
	}
	c->our_ip[LEG_A] = call_keep_str(c, ip);
	snprintf(via_host, sizeof(via_host), strchr(ip, ':') ? "[%s]" : "%s", ip);
	sip_uri_user(&req->ruri, user, sizeof(user));
	snprintf(contact, sizeof(contact), "<sip:%s%s%s:%u>", user, user[0] ? "@" : "", via_host,
		 port_a);
	memset(&reply, 0, sizeof(reply));
	reply.tp = rx->tp;
	reply.addr = rx->src;
	reply.listener = rx->listener;
	err = dlg_from_invite(&c->leg[LEG_A], &c->ar, req, contact, via_host, port_a, &reply);
	if (err) {
		call_respond(c, LEG_A, st, req, 400, "Bad Dialog Data", NULL, false, NULL, NULL, NULL);
		call_end(c, "leg A dialog");
		return;
	}
	table_add(m, c, LEG_A);
	sa_ip_fmt(&rx->src, ip, sizeof(ip));
	c->peer_ip[LEG_A] = call_keep_str(c, ip);
	c->a_branch = arena_pldup(&c->ar, &req->via.branch);

	/* where it goes */
	if (!c->setup) {
		call_respond(c, LEG_A, st, req, 500, NULL, NULL, false, NULL, NULL, NULL);
		call_end(c, "out of memory");
		return;
	}
	err = m->env.route(req, rx->listener, c->route, m->env.route_arg);
	if (err) {
		call_respond(c, LEG_A, st, req, 500, "Routing Failed", NULL, false, NULL, NULL, NULL);
		call_end(c, "routing error");
		return;
	}
	c->routed = true;
	if (c->route->status) {
		log_info(c->id, "refused %u %s (trunk %s)", c->route->status, c->route->reason,
			 c->route->trunk_in[0] ? c->route->trunk_in : "none");
		char retry[48] = "";
		if (c->route->retry_after)
			snprintf(retry, sizeof(retry), "Retry-After: %u\r\n", c->route->retry_after);
		call_respond(c, LEG_A, st, req, c->route->status,
			     c->route->reason[0] ? c->route->reason : NULL, NULL, false, NULL, NULL,
			     retry[0] ? retry : NULL);
		call_end(c, "refused by policy");
		return;
	}

	err = start_leg_b(c);
	if (err) {
		call_respond(c, LEG_A, st, req, err, NULL, NULL, false, NULL, NULL, NULL);
		call_end(c, "cannot start leg B");
	}
}

/* ---- requests on existing calls ---- */

/* a CANCEL with a To tag is for a re-INVITE inside one of our dialogs */
static bool cancel_reinvite(struct call_mgr *m, const struct sip_msg *req, struct tsx *st)
{
	if (!req->to.tag.l)
		return false;
	for (int leg = 0; leg < 2; leg++) {
		struct call *c = call_find(m, &req->callid, leg);
		if (c && dlg_match_request(&c->leg[leg], req))
			return relay_cancel(c, leg, req, st);
	}
	return false;
}

static bool handle_cancel(struct call_mgr *m, struct sip_msg *req, struct tsx *st)
{
	struct call *c = call_find(m, &req->callid, LEG_A);
	struct tsx *cancel;

	if (!c || !pl_eq_str(&req->from.tag, c->leg[LEG_A].rtag) ||
	    req->cseq.num != c->a_cseq)
		return cancel_reinvite(m, req, st);
	/* RFC 3261 9.2: 200 to the CANCEL; the INVITE gets 487 unless it
	 * has its final response already */
	call_respond(c, LEG_A, st, req, 200, NULL, NULL, false, NULL, NULL, NULL);
	if (c->a_final || c->state != CALL_ROUTING)
		return true;
	c->cancelled = true;
	log_info(c->id, "CANCEL from leg A");
	call_respond(c, LEG_A, c->a_ist, c->a_invite, 487, NULL, NULL, false, NULL, NULL, NULL);
	if (c->b_ict && tsx_client_cancel(c->b_ict, &cancel, call_ignore_resp_h, c) == 0)
		tsx_detach(cancel);
	/* leg B's final response (487, or a 2xx that crossed) ends the call */
	return true;
}

bool call_mgr_request(struct call_mgr *m, struct sip_msg *req, struct tsx *st,
		      const struct tp_dest *reply_to, bool *kept)
{
	*kept = false;
	if (req->method == SIP_METHOD_CANCEL)
		return handle_cancel(m, req, st);
	if (!req->to.tag.l)
		return false;
	for (int leg = 0; leg < 2; leg++) {
		struct call *c = call_find(m, &req->callid, leg);
		if (!c || !dlg_match_request(&c->leg[leg], req))
			continue;
		if (req->method == SIP_METHOD_ACK) {
			call_got_ack(c, leg, req);
			return true;
		}
		relay_request(c, leg, req, st, reply_to, kept);
		return true;
	}
	if (req->method != SIP_METHOD_ACK)
		m->stats.dialog_481++;
	return false;
}

bool call_mgr_stray_2xx(struct call_mgr *m, const struct sip_msg *resp)
{
	if (resp->cseq.method != SIP_METHOD_INVITE || resp->scode < 200 || resp->scode >= 300)
		return false;
	/* a 2xx to an INVITE of ours on either leg: its From tag is ours */
	for (int leg = 0; leg < 2; leg++) {
		struct call *c = call_find(m, &resp->callid, leg);
		struct dlg *d;
		if (!c)
			continue;
		d = &c->leg[leg];
		if (!pl_eq_str(&resp->from.tag, d->ltag))
			continue;
		if (d->rtag && pl_eq_str(&resp->to.tag, d->rtag)) {
			/* a retransmission: repeat our ACK if it went out */
			resend_ack(c, leg);
		} else if (leg == LEG_B) {
			fork_kill(c, resp);
		}
		return true;
	}
	return false;
}
