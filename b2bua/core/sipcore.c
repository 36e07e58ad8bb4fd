#include "sipcore.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/rand.h"
#include "base/sa.h"
#include "core/config.h"
#include "core/ua.h"
#include "sip/sip.h"
#include "transport/transport.h"
#include "tsx/tsx.h"
#include "call/call.h"
#include "core/router.h"
#include "db.h"
#include "media/log.h"
#include "media/media.h"

struct sipcore {
	struct ev_loop *loop;
	char server_hdr[CFG_USER_AGENT_MAX + 16];	/* "Server: ...\r\n" */
	struct transport *tp;
	struct tsx_layer *tsx;
	struct call_mgr *calls;
	struct router *router;
	struct media_engine *media;
	struct call_zone *zones;
	unsigned n_zones;
	struct db_cdr_writer *cdr;
	bool *drop_unknown;		/* per listener */
	ev_timer trim;			/* gives freed memory back to the system */
	unsigned n_listeners;
	struct sipcore_stats stats;
};

/* A log id for a message: its Call-ID made printable, or a placeholder. */
static const char *msg_log_id(const struct sip_msg *msg, char *buf, size_t size)
{
	size_t n = 0;

	if (!msg || !msg->callid.l) {
		snprintf(buf, size, "no-call-id");
		return buf;
	}
	for (size_t i = 0; i < msg->callid.l && n + 1 < size; i++) {
		unsigned char c = (unsigned char)msg->callid.p[i];
		buf[n++] = (c > ' ' && c < 0x7f && c != '[' && c != ']') ? (char)c : '?';
	}
	buf[n] = '\0';
	return buf;
}

/* RFC 3261 18.2.2 with RFC 3581: where responses to req go. */
static void reply_dest(const struct sip_msg *req, const struct tp_rx *rx, struct tp_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->tp = rx->tp;
	d->listener = rx->listener;
	d->addr = rx->src;
	if (rx->tp != SIP_TP_UDP) {
		/* reliable: back on the connection the request came on */
		d->conn_id = rx->conn_id;
		return;
	}
	/* unreliable: the source address, with the rport (RFC 3581) or the
	 * sent-by port, 5060 by default */
	if (!req->via.has_rport)
		sa_set_port(&d->addr, req->via.port ? req->via.port : 5060);
}

static int send_h(const struct tp_dest *dst, struct mbuf *mb, void *arg)
{
	struct sipcore *sc = arg;

	return transport_send(sc->tp, dst, mb);
}

static void count_answer(struct sipcore *sc, uint16_t status)
{
	if (status >= 100 && status < 700)
		sc->stats.answered[status / 100]++;
}

static int build_answer(struct sipcore *sc, struct mbuf **mbp, const struct sip_msg *req,
			struct ua_verdict *v)
{
	char totag[17];
	size_t used = strlen(v->extra);

	if (rand_token(totag, 16))
		return EIO;
	snprintf(v->extra + used, sizeof(v->extra) - used, "%s", sc->server_hdr);
	return sip_build_response(mbp, req, v->status, v->reason, totag, v->extra, NULL, NULL);
}

/* RFC 4475: a malformed request is answered without a transaction */
static void answer_stateless(struct sipcore *sc, const struct sip_msg *req,
			     const struct tp_rx *rx, struct ua_verdict *v, const char *id)
{
	struct tp_dest d;
	struct mbuf *mb;
	int err;

	reply_dest(req, rx, &d);
	err = build_answer(sc, &mb, req, v);
	if (!err) {
		err = transport_send(sc->tp, &d, mb);
		mbuf_unref(mb);
	}
	if (err)
		log_warn(id, "cannot send %u: %s", v->status, strerror(err));
	else
		count_answer(sc, v->status);
}

static void handle_cancel(struct sipcore *sc, struct tsx *st, const struct sip_msg *req, const char *id)
{
	struct tsx *inv = tsx_server_find_invite(sc->tsx, req);
	struct ua_verdict v;
	struct mbuf *mb;

	memset(&v, 0, sizeof(v));
	/* RFC 3261 9.2: 481 when no transaction matches; 200 otherwise,
	 * and 487 to the INVITE if it has not had a final response */
	v.status = inv ? 200 : 481;
	if (build_answer(sc, &mb, req, &v) == 0) {
		if (tsx_respond(st, v.status, mb) == 0)
			count_answer(sc, v.status);
		mbuf_unref(mb);
	}
	log_info(id, "CANCEL answered %u", v.status);
}

/* returns true when the message was kept by a call */
static bool handle_request(struct sipcore *sc, struct sip_msg *req, const struct tp_rx *rx)
{
	char idbuf[96], src[SA_STRLEN];
	const char *id = msg_log_id(req, idbuf, sizeof(idbuf));
	struct ua_verdict v;
	struct tp_dest d;
	struct tsx *st = NULL;
	struct mbuf *mb;
	bool kept = false;
	int err;

	sc->stats.rx_requests++;
	sa_fmt(&rx->src, src, sizeof(src));
	if (!ua_can_answer(req)) {
		sc->stats.unanswerable++;
		log_info(id, "dropped request from %s %s: %s", src, sip_transport_name(rx->tp),
			 req->bad.reason ? req->bad.reason : "no usable Via");
		return false;
	}
	if (req->bad.status) {
		sc->stats.bad_requests++;
		ua_check_request(req, &v);
		log_info(id, "%.*s from %s rejected %u %s", PL_FMT(req->method_pl), src,
			 v.status, v.reason ? v.reason : sip_reason_phrase(v.status));
		answer_stateless(sc, req, rx, &v, id);
		return false;
	}

	/* a listener may drop, unanswered, new calls from unknown sources
	 * (no 100 Trying either: the transaction is never created) */
	if (req->method == SIP_METHOD_INVITE && !req->to.tag.l && sc->drop_unknown &&
	    rx->listener < sc->n_listeners && sc->drop_unknown[rx->listener] &&
	    !(sc->router && router_source_known(sc->router, req))) {
		sc->stats.dropped_unknown++;
		log_info(id, "INVITE from %s dropped: no trunk matches the source", src);
		return false;
	}

	reply_dest(req, rx, &d);
	err = tsx_server_recv(sc->tsx, req, &d, &st);
	if (err == EALREADY) {
		sc->stats.retransmissions++;
		return false;
	}
	if (err == ENOENT) {
		/* an ACK for a 2xx: the dialog's business */
		if (!call_mgr_request(sc->calls, req, NULL, &d, &kept))
			log_debug(id, "ACK from %s matches no dialog", src);
		return kept;
	}
	if (err == 0 && !st)
		return false;		/* an ACK absorbed by its transaction */
	if (err == EINVAL) {
		ua_check_request(req, &v);
		if (!v.status)
			v.status = 400;
		answer_stateless(sc, req, rx, &v, id);
		return false;
	}
	if (err) {
		log_warn(id, "no transaction for %.*s from %s: %s", PL_FMT(req->method_pl), src,
			 strerror(err));
		return false;
	}

	if (req->method == SIP_METHOD_CANCEL) {
		if (!call_mgr_request(sc->calls, req, st, &d, &kept))
			handle_cancel(sc, st, req, id);
		return kept;
	}
	if (req->to.tag.l && ua_check_request(req, &v) == 0) {
		if (call_mgr_request(sc->calls, req, st, &d, &kept))
			return kept;
	} else if (req->method == SIP_METHOD_INVITE && ua_check_request(req, &v) == 0) {
		call_mgr_invite(sc->calls, req, st, rx, &d, &kept);
		return kept;
	}
	if (!ua_verdict(req, &v))
		return false;
	err = build_answer(sc, &mb, req, &v);
	if (err) {
		log_err(id, "cannot build %u: %s", v.status, strerror(err));
		return false;
	}
	err = tsx_respond(st, v.status, mb);
	mbuf_unref(mb);
	if (err) {
		log_warn(id, "cannot send %u to %s: %s", v.status, src, strerror(err));
		return false;
	}
	count_answer(sc, v.status);
	log_info(id, "%.*s from %s answered %u %s", PL_FMT(req->method_pl), src, v.status,
		 v.reason ? v.reason : sip_reason_phrase(v.status));
	return false;
}

static void handle_response(struct sipcore *sc, struct sip_msg *resp, const struct tp_rx *rx)
{
	char idbuf[96], src[SA_STRLEN];
	const char *id = msg_log_id(resp, idbuf, sizeof(idbuf));
	const char *why = NULL;

	sc->stats.rx_responses++;
	if (!ua_check_response(resp, &why)) {
		sc->stats.bad_responses++;
		sa_fmt(&rx->src, src, sizeof(src));
		log_info(id, "dropped %u response from %s: %s", resp->scode, src, why);
		return;
	}
	if (tsx_client_recv(sc->tsx, resp) == ENOENT && !call_mgr_stray_2xx(sc->calls, resp)) {
		sc->stats.stray_responses++;
		log_debug(id, "stray %u response dropped", resp->scode);
	}
}

static void recv_h(struct mbuf *mb, size_t off, size_t len, const struct tp_rx *rx, void *arg)
{
	struct sipcore *sc = arg;
	struct sip_parse_err perr = { 0, NULL };
	struct sip_msg *msg;
	char src[SA_STRLEN];
	int err;

	err = sip_msg_parse(&msg, mb, off, len, rx->tp == SIP_TP_UDP ? SIP_PARSE_DGRAM : 0, &perr);
	if (err) {
		sc->stats.unframed++;
		sa_fmt(&rx->src, src, sizeof(src));
		log_info(NULL, "dropped %zu bytes from %s %s: %s", len, src,
			 sip_transport_name(rx->tp), perr.reason ? perr.reason : strerror(err));
		return;
	}
	msg->rx_tp = rx->tp;
	msg->src = rx->src;
	msg->dst = rx->local;
	msg->rx_listener = rx->listener;
	msg->rx_conn_id = rx->conn_id;
	if (msg->req) {
		if (handle_request(sc, msg, rx))
			return;		/* a call keeps it */
	} else {
		handle_response(sc, msg, rx);
	}
	sip_msg_free(msg);
}

static void error_h(const struct tp_dest *dst, int err, void *arg)
{
	char addr[SA_STRLEN];

	(void)arg;
	sa_fmt(&dst->addr, addr, sizeof(addr));
	log_info(NULL, "stream to %s failed: %s", addr, strerror(err));
}

/* Transactions come and go by the thousand: their freed memory would stay
 * in the process without this, and resident memory would not tell what
 * the established calls really hold. */
static void trim_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	malloc_trim(0);
}

/* the media library logs through ours (its threads too: log_line locks) */
static void media_log(enum media_log_level level, const char *msg, void *arg)
{
	(void)arg;
	switch (level) {
	case MEDIA_LOG_ERR:
		log_err("media", "%s", msg);
		break;
	case MEDIA_LOG_WARN:
		log_warn("media", "%s", msg);
		break;
	case MEDIA_LOG_INFO:
		log_info("media", "%s", msg);
		break;
	default:
		log_debug("media", "%s", msg);
		break;
	}
}

/* The relay: one media thread per core beyond the signalling one, and each
 * zone's media address and port range. */
static int media_start(struct sipcore *sc, struct ev_loop *loop, const struct config *cfg)
{
	struct media_engine_cfg mc = { 0 };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int err;

	media_log_set(media_log, NULL);
	mc.threads = cores > 2 ? (unsigned)cores - 1 : 1;
	mc.loop = loop;
	mc.eventh = call_media_event;
	mc.kfwd = cfg->media_kfwd ? MEDIA_KFWD_AUTO : MEDIA_KFWD_OFF;
	err = media_engine_alloc(&sc->media, &mc);
	if (err)
		return err;
	sc->zones = calloc(cfg->n_zones ? cfg->n_zones : 1, sizeof(*sc->zones));
	if (!sc->zones)
		return ENOMEM;
	for (unsigned i = 0; i < cfg->n_zones; i++) {
		const struct cfg_zone *z = &cfg->zones[i];
		struct call_zone *cz = &sc->zones[i];
		snprintf(cz->name, sizeof(cz->name), "%s", z->name);
		sa_ip_fmt(&z->media_addr, cz->media_ip, sizeof(cz->media_ip));
		cz->ip6 = z->media_addr.ss_family == AF_INET6;
		/* released ports rest 10 s before reuse: late packets of the
		 * old call must not reach the new one */
		err = media_engine_zone_add(sc->media, z->name, cz->media_ip, z->media_port_min,
					    z->media_port_max, 10000);
		if (err) {
			log_err(NULL, "media zone %s: %s", z->name, strerror(err));
			return err;
		}
		sc->n_zones++;
	}
	return 0;
}

/* Until a routing policy is given, no source is a trunk. */
static int no_route(const struct sip_msg *invite, unsigned in_listener, struct call_route *out,
		    void *arg)
{
	(void)invite;
	(void)in_listener;
	(void)arg;
	memset(out, 0, sizeof(*out));
	out->status = 403;
	snprintf(out->reason, sizeof(out->reason), "No Trunk For This Source");
	return 0;
}

int sipcore_alloc(struct sipcore **scp, struct ev_loop *loop, const struct config *cfg)
{
	struct tp_listener_cfg *lc = NULL;
	struct sipcore *sc;
	struct tp_cfg tc;
	struct tsx_timers timers;
	int err;

	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return ENOMEM;
	sc->loop = loop;
	if (cfg->user_agent[0])
		snprintf(sc->server_hdr, sizeof(sc->server_hdr), "Server: %s\r\n", cfg->user_agent);

	lc = calloc(cfg->n_listeners ? cfg->n_listeners : 1, sizeof(*lc));
	if (!lc) {
		err = ENOMEM;
		goto out;
	}
	sc->drop_unknown = calloc(cfg->n_listeners ? cfg->n_listeners : 1, sizeof(bool));
	if (!sc->drop_unknown) {
		err = ENOMEM;
		goto out;
	}
	sc->n_listeners = cfg->n_listeners;
	for (unsigned i = 0; i < cfg->n_listeners; i++) {
		sc->drop_unknown[i] = cfg->listeners[i].drop_unknown;
		snprintf(lc[i].name, sizeof(lc[i].name), "%s", cfg->listeners[i].name);
		snprintf(lc[i].zone, sizeof(lc[i].zone), "%s", cfg->listeners[i].zone);
		lc[i].tp = cfg->listeners[i].tp;
		lc[i].addr = cfg->listeners[i].addr;
	}
	memset(&tc, 0, sizeof(tc));
	tc.listeners = lc;
	tc.n_listeners = cfg->n_listeners;
	tc.tcp_max_conns = cfg->tcp_max_conns;
	tc.tcp_idle_timeout = cfg->tcp_idle_timeout;
	tc.tcp_partial_timeout = cfg->tcp_partial_timeout;
	tc.udp_size_limit = cfg->udp_size_limit;
	err = transport_alloc(&sc->tp, loop, &tc, recv_h, error_h, sc);
	if (err)
		goto out;

	timers.t1 = cfg->t1;
	timers.t2 = cfg->t2;
	timers.t4 = cfg->t4;
	err = tsx_layer_alloc(&sc->tsx, loop, &timers, send_h, sc);
	if (err)
		goto out;
	err = media_start(sc, loop, cfg);
	if (err)
		goto out;
	ev_timer_init(&sc->trim, trim_cb, 10.0, 10.0);
	ev_timer_start(loop, &sc->trim);

	struct call_env env = {
		.loop = loop,
		.tsx = sc->tsx,
		.tp = sc->tp,
		.route = no_route,
		.user_agent = cfg->user_agent[0] ? cfg->user_agent : NULL,
		.t1 = cfg->t1 > 0 ? cfg->t1 : 0.5,
		.t2 = cfg->t2 > 0 ? cfg->t2 : 4,
#ifdef B2BUA_LEAK_ABORT
		.leak_abort = true,
#endif
		.media = sc->media,
		.zones = sc->zones,
		.n_zones = cfg->n_zones,
		.media_timeout_ms = (uint32_t)(cfg->media_timeout * 1000),
		.media_hold_timeout_ms = (uint32_t)(cfg->media_hold_timeout * 1000),
	};
	err = call_mgr_alloc(&sc->calls, &env);
	if (err)
		goto out;
	if (cfg->policy_db[0]) {
		err = router_alloc(&sc->router, loop, sc->tp, cfg->policy_db);
		if (err)
			goto out;
		call_mgr_set_router(sc->calls, router_route, router_route_done, router_route_next,
				    sc->router);
		/* CDRs go to the same database, written by their own thread */
		if (router_has_policy(sc->router)) {
			err = db_cdr_writer_start(&sc->cdr, cfg->policy_db, 500, 200);
			if (err) {
				log_err(NULL, "cannot start the CDR writer: %s", strerror(err));
				goto out;
			}
			call_mgr_set_cdr(sc->calls, sc->cdr);
		}
	}

out:
	free(lc);
	if (err) {
		sipcore_free(sc);
		return err;
	}
	*scp = sc;
	return 0;
}

void sipcore_free(struct sipcore *sc)
{
	if (!sc)
		return;
	ev_timer_stop(sc->loop, &sc->trim);
	/* every call ends (its CDR queued), then every CDR is written */
	call_mgr_free(sc->calls);
	if (sc->cdr) {
		uint64_t rows = 0, batches = 0;
		db_cdr_writer_stats(sc->cdr, &rows, &batches);
		if (db_cdr_writer_stop(sc->cdr))
			log_err(NULL, "some CDRs could not be written");
		log_notice(NULL, "CDR writer stopped (%llu rows written before the last batch)",
			   (unsigned long long)rows);
	}
	router_free(sc->router);
	media_engine_free(sc->media);
	free(sc->zones);
	free(sc->drop_unknown);
	tsx_layer_free(sc->tsx);
	transport_free(sc->tp);
	free(sc);
}

void sipcore_stats(const struct sipcore *sc, struct sipcore_stats *out)
{
	*out = sc->stats;
}

void sipcore_log_counters(struct sipcore *sc)
{
	struct call_stats cs;
	struct media_port_stats ps;

	call_mgr_stats(sc->calls, &cs);
	log_notice(NULL, "calls: %llu active, %llu created, %llu answered, %llu failed",
		   (unsigned long long)cs.active, (unsigned long long)cs.created,
		   (unsigned long long)cs.answered, (unsigned long long)cs.failed);
	log_notice(NULL, "messages: %llu requests and %llu responses received, %llu retransmissions absorbed",
		   (unsigned long long)sc->stats.rx_requests, (unsigned long long)sc->stats.rx_responses,
		   (unsigned long long)sc->stats.retransmissions);
	for (unsigned i = 0; i < sc->n_zones; i++) {
		if (media_engine_zone_ports(sc->media, sc->zones[i].name, &ps))
			continue;
		log_notice(NULL, "media ports of zone %s: %u in use, %u in quarantine, %u of %u free",
			   sc->zones[i].name, ps.in_use, ps.quarantined,
			   ps.capacity - ps.in_use - ps.quarantined, ps.capacity);
	}
}

struct call_mgr *sipcore_calls(struct sipcore *sc)
{
	return sc->calls;
}
