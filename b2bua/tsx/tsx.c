/* The transaction layer: allocation, the lifecycle of one transaction,
 * sending, the two timers, and deferred destruction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "tsx/tsx_priv.h"

static const char *const state_names[] = {
	[TSX_CALLING] = "Calling",
	[TSX_TRYING] = "Trying",
	[TSX_PROCEEDING] = "Proceeding",
	[TSX_COMPLETED] = "Completed",
	[TSX_CONFIRMED] = "Confirmed",
	[TSX_ACCEPTED] = "Accepted",
	[TSX_TERMINATED] = "Terminated",
};

const char *tsx_state_name(enum tsx_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

static void retx_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void life_cb(struct ev_loop *loop, ev_timer *w, int revents);

int tsx_layer_alloc(struct tsx_layer **lp, struct ev_loop *loop, const struct tsx_timers *t,
		    tsx_send_h *sendh, void *arg)
{
	struct tsx_layer *l;
	int err;

	if (!lp || !loop || !sendh)
		return EINVAL;
	if (t && (t->t1 < 0 || t->t2 < 0 || t->t4 < 0))
		return EINVAL;

	l = calloc(1, sizeof(*l));
	if (!l)
		return ENOMEM;
	l->loop = loop;
	l->sendh = sendh;
	l->arg = arg;
	l->tm.t1 = t && t->t1 > 0 ? t->t1 : 0.5;
	l->tm.t2 = t && t->t2 > 0 ? t->t2 : 4.0;
	l->tm.t4 = t && t->t4 > 0 ? t->t4 : 5.0;
	l->timer_d = 32.0;

	err = rand_bytes(&l->seed, sizeof(l->seed));
	if (err)
		goto out;
	err = tsx_htab_init(&l->srv);
	if (err)
		goto out;
	err = tsx_htab_init(&l->cli);
	if (err)
		goto out;

	*lp = l;
	return 0;
out:
	tsx_htab_free(&l->srv);
	tsx_htab_free(&l->cli);
	free(l);
	return err;
}

static void tsx_destroy(struct tsx *t)
{
	struct tsx_layer *l = t->l;

	ev_timer_stop(l->loop, &t->retx);
	ev_timer_stop(l->loop, &t->life);
	if (t->prev)
		t->prev->next = t->next;
	else
		l->all = t->next;
	if (t->next)
		t->next->prev = t->prev;
	mbuf_unref(t->req);
	mbuf_unref(t->ack);
	mbuf_unref(t->last);
	l->st.live--;
	free(t);
}

void tsx_layer_free(struct tsx_layer *l)
{
	if (!l)
		return;
	while (l->all)
		tsx_destroy(l->all);
	tsx_htab_free(&l->srv);
	tsx_htab_free(&l->cli);
	free(l);
}

int tsx_layer_set_timer_d(struct tsx_layer *l, double secs)
{
	if (!l || secs <= 0)
		return EINVAL;
	l->timer_d = secs;
	return 0;
}

void tsx_layer_stats(const struct tsx_layer *l, struct tsx_stats *st)
{
	if (l && st)
		*st = l->st;
}

static size_t key_len(const struct tsx_key *k)
{
	return k->branch.l + k->method_name.l + k->host.l + k->via_params.l + k->ruri.l + k->from_tag.l +
	       k->to_tag.l + k->callid.l;
}

static void key_copy(struct pl *dst, const struct pl *src, char **pos)
{
	if (!pl_isset(src)) {
		*dst = (struct pl)PL_INIT;
		return;
	}
	memcpy(*pos, src->p, src->l);
	*dst = pl_make(*pos, src->l);
	*pos += src->l;
}

static void make_id(struct tsx *t)
{
	const struct tsx_key *k = &t->key;

	if (k->branch.l && !t->rfc2543)
		snprintf(t->id, sizeof(t->id), "tsx:%.*s", PL_FMT(k->branch));
	else
		snprintf(t->id, sizeof(t->id), "tsx:2543:%u:%.*s", k->cseq, PL_FMT(k->callid));
}

/* Allocates a transaction with its own copy of the key; not yet linked. */
int tsx_alloc(struct tsx **tp, struct tsx_layer *l, enum tsx_kind kind,
	      const struct tsx_key *key, bool rfc2543, const struct tp_dest *dst)
{
	struct tsx *t;
	char *pos;

	t = calloc(1, sizeof(*t) + key_len(key) + 1);
	if (!t)
		return ENOMEM;
	t->l = l;
	t->kind = kind;
	t->state = kind == TSX_ICT ? TSX_CALLING : kind == TSX_IST ? TSX_PROCEEDING : TSX_TRYING;
	t->rfc2543 = rfc2543;
	t->dst = *dst;
	/* RFC 3261 17.1.1.2, 17.1.2.2: retransmissions are for UDP only */
	t->reliable = dst->tp != SIP_TP_UDP;

	t->key = *key;
	pos = t->keybuf;
	key_copy(&t->key.branch, &key->branch, &pos);
	key_copy(&t->key.method_name, &key->method_name, &pos);
	key_copy(&t->key.host, &key->host, &pos);
	key_copy(&t->key.via_params, &key->via_params, &pos);
	key_copy(&t->key.ruri, &key->ruri, &pos);
	key_copy(&t->key.from_tag, &key->from_tag, &pos);
	key_copy(&t->key.to_tag, &key->to_tag, &pos);
	key_copy(&t->key.callid, &key->callid, &pos);
	make_id(t);

	ev_init(&t->retx, retx_cb);
	ev_init(&t->life, life_cb);

	t->next = l->all;
	if (l->all)
		l->all->prev = t;
	l->all = t;
	l->st.live++;
	l->st.created[kind]++;
	*tp = t;
	return 0;
}

/* The end notice: the TU's last word about this transaction. */
static void notify_end(struct tsx *t)
{
	if (t->detached)
		return;
	if ((t->kind == TSX_ICT || t->kind == TSX_NICT) && t->resph)
		t->resph(t, NULL, 0, t->arg);
	else if ((t->kind == TSX_IST || t->kind == TSX_NIST) && t->srvh)
		t->srvh(t, 0, t->srvarg);
}

/* Frees the terminated transactions.  Runs with depth raised, so that a
 * TU calling back into the layer from the end notice adds to the list
 * rather than recursing. */
static void gc(struct tsx_layer *l)
{
	l->depth++;
	while (l->dead) {
		struct tsx *t = l->dead;

		l->dead = t->dnext;
		notify_end(t);
		tsx_destroy(t);
	}
	l->depth--;
}

/* Every public entry point brackets itself with these, so that a
 * transaction whose callback is on the stack is never freed: the dead list
 * is drained only when the outermost entry point returns. */
void tsx_enter(struct tsx_layer *l)
{
	l->depth++;
}

void tsx_leave(struct tsx_layer *l)
{
	if (--l->depth == 0)
		gc(l);
}

static void bury(struct tsx *t)
{
	struct tsx_layer *l = t->l;

	t->dnext = l->dead;
	l->dead = t;
	if (l->depth == 0)
		gc(l);
}

void tsx_set_state(struct tsx *t, enum tsx_state s)
{
	if (t->state == s)
		return;
	log_debug(t->id, "%s -> %s", tsx_state_name(t->state), tsx_state_name(s));
	t->state = s;
}

void tsx_terminate(struct tsx *t)
{
	if (t->state == TSX_TERMINATED)
		return;
	tsx_retx_stop(t);
	tsx_life_stop(t);
	tsx_unlink(t);
	tsx_set_state(t, TSX_TERMINATED);
	t->l->st.terminated[t->kind]++;

	if (t->kind == TSX_ICT)
		tsx_cancel_on_final(t);
	if (t->cancel_of) {
		t->cancel_of->cancel = NULL;
		t->cancel_of = NULL;
	}
	bury(t);
}

void tsx_detach(struct tsx *t)
{
	if (!t || t->detached)
		return;
	t->detached = true;
	t->resph = NULL;
	t->srvh = NULL;
}

const char *tsx_id(const struct tsx *t)
{
	return t ? t->id : "tsx:-";
}

enum tsx_kind tsx_kind(const struct tsx *t)
{
	return t->kind;
}

enum tsx_state tsx_state(const struct tsx *t)
{
	return t->state;
}

bool tsx_is_cookie_branch(const struct pl *branch)
{
	/* RFC 4475 3.1.2.16 (badbranch): the bare cookie is no RFC 3261 branch */
	return branch->l > TSX_COOKIE_LEN && memcmp(branch->p, TSX_COOKIE, TSX_COOKIE_LEN) == 0;
}

int tsx_send(struct tsx *t, struct mbuf *mb, bool retransmit)
{
	struct tsx_layer *l = t->l;
	int err;

	err = l->sendh(&t->dst, mb, l->arg);
	if (err) {
		l->st.tp_errors++;
		log_info(t->id, "send failed: %s", strerror(err));
		return err;
	}
	if (retransmit) {
		l->st.retransmits++;
		log_debug(t->id, "re-sent %zu bytes", mb->len);
	}
	return 0;
}

void tsx_retx_start(struct tsx *t, double ival)
{
	struct ev_loop *loop = t->l->loop;

	ev_timer_stop(loop, &t->retx);
	t->retx_ival = ival;
	t->retx_due = ev_now(loop) + ival;
	ev_timer_set(&t->retx, ival, 0.);
	ev_timer_start(loop, &t->retx);
}

/* the next retransmission, ival after the previous deadline */
void tsx_retx_next(struct tsx *t, double ival)
{
	struct ev_loop *loop = t->l->loop;
	double delay;

	ev_timer_stop(loop, &t->retx);
	t->retx_ival = ival;
	t->retx_due += ival;
	delay = t->retx_due - ev_now(loop);
	ev_timer_set(&t->retx, delay > 0 ? delay : 0., 0.);
	ev_timer_start(loop, &t->retx);
}

void tsx_retx_stop(struct tsx *t)
{
	ev_timer_stop(t->l->loop, &t->retx);
}

/* Starts the timer that ends the current state.  Zero (D, I, J, K over a
 * reliable transport) ends it now. */
void tsx_life_start(struct tsx *t, double secs)
{
	struct ev_loop *loop = t->l->loop;

	ev_timer_stop(loop, &t->life);
	if (secs <= 0) {
		tsx_terminate(t);
		return;
	}
	ev_timer_set(&t->life, secs, 0.);
	ev_timer_start(loop, &t->life);
}

void tsx_life_stop(struct tsx *t)
{
	ev_timer_stop(t->l->loop, &t->life);
}

static void retx_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tsx *t = container_of(w, struct tsx, retx);
	struct tsx_layer *l = t->l;

	(void)loop;
	(void)revents;
	tsx_enter(l);
	switch (t->kind) {
	case TSX_ICT:
		tsx_ict_timer_retx(t);
		break;
	case TSX_NICT:
		tsx_nict_timer_retx(t);
		break;
	case TSX_IST:
		tsx_ist_timer_retx(t);
		break;
	default:
		break;
	}
	tsx_leave(l);
}

static void life_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tsx *t = container_of(w, struct tsx, life);
	struct tsx_layer *l = t->l;

	(void)loop;
	(void)revents;
	tsx_enter(l);
	switch (t->kind) {
	case TSX_ICT:
		tsx_ict_timer_life(t);
		break;
	case TSX_NICT:
		tsx_nict_timer_life(t);
		break;
	case TSX_IST:
		tsx_ist_timer_life(t);
		break;
	case TSX_NIST:
		tsx_nist_timer_life(t);
		break;
	default:
		break;
	}
	tsx_leave(l);
}
