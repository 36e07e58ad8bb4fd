#include "core/router.h"

#include <errno.h>
#include <ev.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/pool.h"
#include "base/sa.h"
#include "db.h"
#include "policy.h"
#include "transport/transport.h"

struct router {
	struct ev_loop *loop;
	struct transport *tp;
	struct db_loader *loader;
	pthread_mutex_t lock;
	struct policy_snapshot *pending;	/* from the loader thread */
	ev_async async;
	struct policy_snapshot *snap;		/* in force: signalling thread only */
	struct policy_limiter *limiter;
	uint64_t seed;
	/* the route of every call, kept as long as the call: in a pool of
	 * their own, not among the short-lived allocations (memory per held
	 * call) */
	struct pool holds;
	/* Old snapshots are released on a thread of their own: freeing a
	 * million routes must not stall signalling. */
	pthread_t reaper;
	bool reaper_on, reaper_stop;
	pthread_cond_t reaper_cond;
	struct retired *retired;
};

struct retired {
	struct retired *next;
	struct policy_snapshot *snap;
};

static void *reaper_main(void *arg)
{
	struct router *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->retired) {
			struct retired *x = r->retired;
			r->retired = x->next;
			pthread_mutex_unlock(&r->lock);
			policy_snapshot_unref(x->snap);
			free(x);
			pthread_mutex_lock(&r->lock);
		}
		if (r->reaper_stop)
			break;
		pthread_cond_wait(&r->reaper_cond, &r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* drops a reference to a snapshot on the signalling thread: at once when
 * the snapshot in force still holds one (it cannot be the last), else on
 * the reaper thread */
static void snap_release(struct router *r, struct policy_snapshot *s)
{
	struct retired *x;

	if (s == r->snap || !r->reaper_on || !(x = malloc(sizeof(*x)))) {
		policy_snapshot_unref(s);
		return;
	}
	x->snap = s;
	pthread_mutex_lock(&r->lock);
	x->next = r->retired;
	r->retired = x;
	pthread_cond_signal(&r->reaper_cond);
	pthread_mutex_unlock(&r->lock);
}

/* what a routed call holds until it ends */
struct route_hold {
	struct policy_snapshot *snap;
	const struct policy_trunk *in, *out;
	bool in_taken, out_taken;
	struct policy_decision *dec;	/* the alternatives, until answered */
	unsigned attempt, target;	/* the one in use */
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void install(struct router *r, struct policy_snapshot *s)
{
	struct policy_snapshot *old = r->snap;

	r->snap = s;
	if (old)
		snap_release(r, old);
	log_notice(NULL, "policy in force: %u trunks, %zu routes", policy_snapshot_trunk_count(s),
		   policy_snapshot_route_count(s));
}

/* loader thread: park the snapshot and wake the signalling thread */
static void loaded_h(struct policy_snapshot *s, void *arg)
{
	struct router *r = arg;
	struct policy_snapshot *old;

	pthread_mutex_lock(&r->lock);
	old = r->pending;
	r->pending = s;
	pthread_mutex_unlock(&r->lock);
	if (old)
		policy_snapshot_unref(old);
	ev_async_send(r->loop, &r->async);
}

/* signalling thread: the swap */
static void async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct router *r = w->data;
	struct policy_snapshot *s;

	(void)loop;
	(void)revents;
	pthread_mutex_lock(&r->lock);
	s = r->pending;
	r->pending = NULL;
	pthread_mutex_unlock(&r->lock);
	if (s)
		install(r, s);
}

int router_alloc(struct router **rp, struct ev_loop *loop, struct transport *tp,
		 const char *db_path)
{
	struct router *r = calloc(1, sizeof(*r));
	struct policy_snapshot *s = NULL;
	struct db *db = NULL;
	char err[DB_ERR_MAX];
	int rc;

	if (!r)
		return ENOMEM;
	r->loop = loop;
	r->tp = tp;
	r->seed = (uint64_t)time(NULL);
	pool_init(&r->holds, sizeof(struct route_hold), 16 * 1024);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->reaper_cond, NULL);
	if (pthread_create(&r->reaper, NULL, reaper_main, r) == 0)
		r->reaper_on = true;
	ev_async_init(&r->async, async_cb);
	r->async.data = r;
	ev_async_start(loop, &r->async);
	rc = policy_limiter_alloc(&r->limiter);
	if (rc)
		goto fail;

	/* the first load happens before the loop runs: no call waits on it */
	rc = db_open(&db, db_path, 0);
	if (rc == ENOENT) {
		log_warn(NULL, "policy database %s does not exist: every call is refused "
			 "(create it with b2bua-policy create)", db_path);
		*rp = r;
		return 0;
	}
	if (rc) {
		log_err(NULL, "cannot open the policy database %s: %s", db_path, strerror(rc));
		goto fail;
	}
	rc = db_snapshot_load(db, &s, err, sizeof(err));
	db_close(db);
	if (rc) {
		log_err(NULL, "policy database %s refused: %s", db_path, err);
		goto fail;
	}
	install(r, s);
	rc = db_loader_start(&r->loader, db_path, 250, loaded_h, r);
	if (rc) {
		log_err(NULL, "cannot start the policy loader: %s", strerror(rc));
		goto fail;
	}
	*rp = r;
	return 0;
fail:
	router_free(r);
	return rc;
}

bool router_source_known(const struct router *r, const struct sip_msg *req)
{
	return r->snap && policy_trunk_match(r->snap, &req->src, (enum policy_transport)req->rx_tp);
}

bool router_has_policy(const struct router *r)
{
	return r->snap != NULL;
}

void router_free(struct router *r)
{
	if (!r)
		return;
	db_loader_stop(r->loader);
	ev_async_stop(r->loop, &r->async);
	if (r->pending)
		policy_snapshot_unref(r->pending);
	if (r->snap)
		policy_snapshot_unref(r->snap);
	policy_limiter_free(r->limiter);
	if (r->reaper_on) {
		pthread_mutex_lock(&r->lock);
		r->reaper_stop = true;
		pthread_cond_signal(&r->reaper_cond);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->reaper, NULL);
	}
	pthread_cond_destroy(&r->reaper_cond);
	pthread_mutex_destroy(&r->lock);
	if (pool_destroy(&r->holds))
		log_err(NULL, "routes of calls not released at shutdown");
	free(r);
}

static void route_release(struct route_hold *h, struct router *r)
{
	if (h->in_taken)
		policy_limit_release(r->limiter, h->in, POLICY_DIR_IN);
	if (h->out_taken)
		policy_limit_release(r->limiter, h->out, POLICY_DIR_OUT);
	if (h->snap)
		snap_release(r, h->snap);
	free(h->dec);
	pool_free(&r->holds, h);
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct call_route *out, uint16_t status, const char *fmt, ...)
{
	va_list ap;

	out->status = status;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return 0;
}

/* our listener on zone with transport tp for the address family */
static int out_listener(struct router *r, const char *zone, enum sip_transport tp, int family,
			unsigned *idx)
{
	for (unsigned i = 0; i < transport_listener_count(r->tp); i++) {
		const struct tp_listener_cfg *lc = transport_listener(r->tp, i);
		if (lc && lc->tp == tp && lc->addr.ss_family == family && strcmp(lc->zone, zone) == 0) {
			*idx = i;
			return 0;
		}
	}
	return ENOENT;
}

/* Fills out with target `ti` of attempt `ai` of the held decision, taking
 * the outbound limit of its trunk.  0, or a refusal in out (status set). */
static int fill_attempt(struct router *r, struct route_hold *h, unsigned ai, unsigned ti,
			struct call_route *out)
{
	const struct policy_attempt *at = &h->dec->attempts[ai];
	const struct policy_target *tg = at->targets[ti];
	enum sip_transport tp = tg->tp == POLICY_TP_TCP ? SIP_TP_TCP : SIP_TP_UDP;
	char ip[SA_STRLEN], our_host[SA_STRLEN + 2], tg_host[POLICY_HOST_MAX + 2];
	struct sockaddr_storage ours;
	const char *limit = NULL;
	unsigned retry = 0;
	void *handle = out->handle;

	memset(out, 0, sizeof(*out));
	out->handle = handle;
	str_copy(out->trunk_in, sizeof(out->trunk_in), h->in->name);
	str_copy(out->trunk_out, sizeof(out->trunk_out), at->trunk->name);
	if (h->out != at->trunk || !h->out_taken) {
		if (h->out_taken)
			policy_limit_release(r->limiter, h->out, POLICY_DIR_OUT);
		h->out_taken = false;
		h->out = at->trunk;
		if (policy_limit_take(r->limiter, at->trunk, POLICY_DIR_OUT, mono_now(), &retry, &limit)) {
			out->retry_after = retry ? retry : 1;
			return refuse(out, 503, "Limit %s Reached", limit ? limit : "?");
		}
		h->out_taken = true;
	}
	h->attempt = ai;
	h->target = ti;
	out->route_id = at->route ? at->route->id : 0;
	out->on_3xx = at->trunk->on_3xx == POLICY_3XX_FOLLOW ? CALL_3XX_FOLLOW :
		      at->trunk->on_3xx == POLICY_3XX_PASS ? CALL_3XX_PASS : CALL_3XX_FAILOVER;
	out->failover_timeout = at->route ? at->route->failover_timeout : 0;
	out->max_duration = at->trunk->max_duration;
	out->session_timer_in = h->in->session_timer;
	out->refer_deny[0] = h->in->refer_deny;
	out->refer_deny[1] = at->trunk->refer_deny;
	/* RFC 3325: an identity asserted by a trusted trunk goes on only to a
	 * trunk we trust too */
	out->pai_cross = h->in->pai_trust && at->trunk->pai_trust;
	const struct policy_trunk *tk[2] = { h->in, at->trunk };
	for (int leg = 0; leg < 2; leg++) {
		out->media_mode[leg] = (enum call_media_mode)tk[leg]->media_mode;
		out->codecs[leg][0] = '\0';
		for (unsigned i = 0; i < tk[leg]->n_codecs; i++) {
			size_t used = strlen(out->codecs[leg]);
			snprintf(out->codecs[leg] + used, sizeof(out->codecs[leg]) - used, "%s%s",
				 used ? "," : "", tk[leg]->codecs[i]);
		}
	}
	for (unsigned i = 0; i < at->trunk->n_hdr_add; i++) {
		size_t used = strlen(out->hdr_add);
		const struct policy_header *ph = &at->trunk->hdr_add[i];
		/* a value with a line break would smuggle in a header of its own */
		if (strpbrk(ph->value, "\r\n") || strpbrk(ph->name, " :\r\n"))
			continue;
		snprintf(out->hdr_add + used, sizeof(out->hdr_add) - used, "%s: %s\r\n", ph->name,
			 ph->value);
	}
	for (unsigned i = 0; i < at->trunk->n_hdr_remove; i++) {
		size_t used = strlen(out->hdr_remove);
		snprintf(out->hdr_remove + used, sizeof(out->hdr_remove) - used, "%s%s",
			 used ? "," : "", at->trunk->hdr_remove[i].name);
	}
	out->session_timer_out = at->trunk->session_timer;
	if (h->in->max_duration && (!out->max_duration || h->in->max_duration < out->max_duration))
		out->max_duration = h->in->max_duration;
	if (sa_from_ip(&out->dest.addr, tg->host, strlen(tg->host), tg->port ? tg->port : 5060))
		return refuse(out, 503, "Target %s Is Not An Address", tg->host);
	out->dest.tp = tp;
	if (out_listener(r, at->trunk->zone, tp, out->dest.addr.ss_family, &out->out_listener))
		return refuse(out, 503, "No Listener On Zone %s", at->trunk->zone);
	out->dest.listener = out->out_listener;

	transport_listener_addr(r->tp, out->out_listener, &ours);
	sa_ip_fmt(&ours, ip, sizeof(ip));
	snprintf(our_host, sizeof(our_host), ours.ss_family == AF_INET6 ? "[%s]" : "%s", ip);
	snprintf(tg_host, sizeof(tg_host), strchr(tg->host, ':') ? "[%s]" : "%s", tg->host);
	snprintf(out->ruri, sizeof(out->ruri), "sip:%s@%s:%u%s", at->ruri_user, tg_host,
		 tg->port ? tg->port : 5060, tp == SIP_TP_TCP ? ";transport=tcp" : "");
	snprintf(out->from_uri, sizeof(out->from_uri), "sip:%s@%s", at->from_user,
		 at->trunk->from_domain[0] ? at->trunk->from_domain : our_host);
	snprintf(out->to_uri, sizeof(out->to_uri), "sip:%s@%s", at->to_user,
		 at->trunk->to_domain[0] ? at->trunk->to_domain : tg_host);
	return 0;
}

int router_route(const struct sip_msg *inv, unsigned in_listener, struct call_route *out,
		 void *arg)
{
	struct router *r = arg;
	const struct tp_listener_cfg *in_lc = transport_listener(r->tp, in_listener);
	const struct policy_trunk *in;
	struct route_hold *hold;
	char ruser[POLICY_USER_MAX], fuser[POLICY_USER_MAX], tuser[POLICY_USER_MAX];
	const char *why, *limit = NULL;
	unsigned retry = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!r->snap)
		return refuse(out, 403, "No Policy In Force");
	why = policy_source_blocked(r->snap, &inv->src);
	if (why)
		return refuse(out, 403, "Blocked Source: %s", why);
	in = policy_trunk_match(r->snap, &inv->src, (enum policy_transport)inv->rx_tp);
	if (!in)
		return refuse(out, 403, "Source Matches No Trunk");
	str_copy(out->trunk_in, sizeof(out->trunk_in), in->name);
	if (!in_lc || strcmp(in_lc->zone, in->zone) != 0)
		return refuse(out, 403, "Trunk %s Is Not On This Zone", in->name);

	hold = pool_zalloc(&r->holds);
	if (!hold)
		return ENOMEM;
	hold->dec = malloc(sizeof(*hold->dec));
	if (!hold->dec) {
		pool_free(&r->holds, hold);
		return ENOMEM;
	}
	hold->in = in;
	sip_uri_user(&inv->ruri, ruser, sizeof(ruser));
	sip_uri_user(&inv->from.uri, fuser, sizeof(fuser));
	sip_uri_user(&inv->to.uri, tuser, sizeof(tuser));
	hold->dec->trace = NULL;	/* no explanation wanted on the signalling path */
	hold->dec->trace_size = 0;
	rc = policy_decide(r->snap, in, ruser, fuser, tuser, time(NULL), r->seed++, hold->dec);
	if (rc) {
		route_release(hold, r);
		return rc;
	}
	if (hold->dec->status) {
		out->retry_after = hold->dec->retry_after;
		refuse(out, (uint16_t)hold->dec->status, "%s", hold->dec->reason);
		route_release(hold, r);
		return 0;
	}
	if (!hold->dec->n_attempts || !hold->dec->attempts[0].n_targets) {
		route_release(hold, r);
		return refuse(out, 404, "No Target");
	}
	if (policy_limit_take(r->limiter, in, POLICY_DIR_IN, mono_now(), &retry, &limit)) {
		route_release(hold, r);
		out->retry_after = retry ? retry : 1;
		return refuse(out, 503, "Limit %s Reached", limit ? limit : "?");
	}
	hold->in_taken = true;
	policy_snapshot_ref(r->snap);
	hold->snap = r->snap;
	out->handle = hold;
	if (fill_attempt(r, hold, 0, 0, out) || out->status) {
		out->handle = NULL;
		route_release(hold, r);
	}
	return 0;
}

int router_route_next(struct call_route *route, unsigned code, void *arg)
{
	struct router *r = arg;
	struct route_hold *h = route->handle;

	if (!h || !h->dec)
		return ENOENT;
	if (code == 0) {
		/* answered: the alternatives are not needed any more */
		free(h->dec);
		h->dec = NULL;
		return ENOENT;
	}
	const struct policy_attempt *at = &h->dec->attempts[h->attempt];
	if (!policy_route_fails_over(at->route, code))
		return ENOENT;
	/* the trunk's next target, then the next route */
	unsigned ai = h->attempt, ti = h->target + 1;
	while (ai < h->dec->n_attempts) {
		if (ti < h->dec->attempts[ai].n_targets) {
			if (fill_attempt(r, h, ai, ti, route) == 0 && !route->status)
				return 0;
			return ENOENT;
		}
		ai++;
		ti = 0;
	}
	return ENOENT;
}

void router_route_done(void *handle, void *arg)
{
	if (handle)
		route_release(handle, arg);
}
