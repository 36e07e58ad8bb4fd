/* The connection table: stream connections by id and by peer address, and
 * their two timeouts.
 *
 * Every connection has the same idle timeout and the same partial message
 * timeout, so each timeout is a list ordered by deadline (appending keeps
 * the order) and one ev_timer serves the earliest deadline of both lists.
 * Traffic moves a connection to the tail of the idle list; the timer is not
 * moved: when it fires early it just re-arms.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "tp.h"

static const char *const why_text[] = {
	[TP_CLOSE_PEER] = "closed by the peer",
	[TP_CLOSE_ERROR] = "socket error",
	[TP_CLOSE_FRAME] = "framing error",
	[TP_CLOSE_IDLE] = "idle timeout",
	[TP_CLOSE_PARTIAL] = "partial message timeout",
	[TP_CLOSE_SHUTDOWN] = "shutdown",
};

static void timer_arm(struct transport *t)
{
	ev_tstamp at = 0;
	bool any = false;

	if (!tp_list_empty(&t->idle)) {
		struct tp_conn *c = container_of(t->idle.next, struct tp_conn, idle_le);

		at = c->last + t->idle_timeout;
		any = true;
	}
	if (!tp_list_empty(&t->partial)) {
		struct tp_conn *c = container_of(t->partial.next, struct tp_conn, partial_le);
		ev_tstamp p = c->partial_since + t->partial_timeout;

		if (!any || p < at)
			at = p;
		any = true;
	}
	ev_timer_stop(t->loop, &t->timer);
	if (!any)
		return;
	at -= ev_now(t->loop);
	ev_timer_set(&t->timer, at > 0 ? at : 0, 0);
	ev_timer_start(t->loop, &t->timer);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct transport *t = container_of(w, struct transport, timer);
	ev_tstamp now = ev_now(loop);

	(void)revents;
	while (!tp_list_empty(&t->idle)) {
		struct tp_conn *c = container_of(t->idle.next, struct tp_conn, idle_le);

		if (c->last + t->idle_timeout > now)
			break;
		/* bytes we accepted and could not deliver are a failure the
		 * sender must hear of */
		if (c->connecting || c->q_head)
			tp_conn_fail(c, ETIMEDOUT, TP_CLOSE_IDLE);
		else
			tp_conn_close(c, TP_CLOSE_IDLE);
	}
	while (!tp_list_empty(&t->partial)) {
		struct tp_conn *c = container_of(t->partial.next, struct tp_conn, partial_le);

		if (c->partial_since + t->partial_timeout > now)
			break;
		tp_conn_close(c, TP_CLOSE_PARTIAL);
	}
	timer_arm(t);
}

int tp_conn_table_init(struct transport *t)
{
	size_t n = 16;

	while (n < t->max_conns && n < 65536)
		n <<= 1;
	t->by_id = calloc(n, sizeof(*t->by_id));
	t->by_addr = calloc(n, sizeof(*t->by_addr));
	if (!t->by_id || !t->by_addr)
		return ENOMEM;
	t->mask = n - 1;
	tp_list_init(&t->idle);
	tp_list_init(&t->partial);
	ev_init(&t->timer, timer_cb);
	return 0;
}

void tp_conn_table_close(struct transport *t)
{
	if (t->by_id) {
		while (!tp_list_empty(&t->idle)) {
			struct tp_conn *c = container_of(t->idle.next, struct tp_conn, idle_le);

			tp_conn_close(c, TP_CLOSE_SHUTDOWN);
		}
		ev_timer_stop(t->loop, &t->timer);
	}
	free(t->by_id);
	free(t->by_addr);
	t->by_id = t->by_addr = NULL;
}

static void hash_insert(struct transport *t, struct tp_conn *c)
{
	size_t b = (size_t)c->id & t->mask;

	c->id_next = t->by_id[b];
	t->by_id[b] = c;
	b = tp_sa_hash(&c->peer) & t->mask;
	c->addr_next = t->by_addr[b];
	t->by_addr[b] = c;
}

static void hash_remove(struct transport *t, struct tp_conn *c)
{
	struct tp_conn **pp;

	for (pp = &t->by_id[(size_t)c->id & t->mask]; *pp; pp = &(*pp)->id_next) {
		if (*pp == c) {
			*pp = c->id_next;
			break;
		}
	}
	for (pp = &t->by_addr[tp_sa_hash(&c->peer) & t->mask]; *pp; pp = &(*pp)->addr_next) {
		if (*pp == c) {
			*pp = c->addr_next;
			break;
		}
	}
}

struct tp_conn *tp_conn_find_id(const struct transport *t, uint64_t id)
{
	for (struct tp_conn *c = t->by_id[(size_t)id & t->mask]; c; c = c->id_next) {
		if (c->id == id)
			return c;
	}
	return NULL;
}

struct tp_conn *tp_conn_find_addr(const struct transport *t, const struct sockaddr_storage *peer,
				  unsigned listener)
{
	for (struct tp_conn *c = t->by_addr[tp_sa_hash(peer) & t->mask]; c; c = c->addr_next) {
		if (tp_sa_equal(&c->peer, peer) &&
		    (listener == TP_LISTENER_ANY || tp_same_zone(t, c->listener, listener)))
			return c;
	}
	return NULL;
}

int tp_conn_alloc(struct tp_conn **cp, struct transport *t, int fd, unsigned listener,
		  const struct sockaddr_storage *peer, bool outgoing, bool connecting)
{
	socklen_t alen;
	const int on = 1;
	struct tp_conn *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->t = t;
	c->id = t->next_id++;
	snprintf(c->logid, sizeof(c->logid), "tcp:%" PRIu64, c->id);
	c->fd = fd;
	c->listener = listener;
	c->outgoing = outgoing;
	c->connecting = connecting;
	c->peer = *peer;
	alen = sizeof(c->local);
	if (getsockname(fd, (struct sockaddr *)&c->local, &alen) < 0)
		c->local = t->lst[listener].local;
	/* whole messages are written at once: waiting to coalesce only
	 * delays them */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	tp_frame_init(&c->frame);
	c->q_tail = &c->q_head;

	ev_io_init(&c->rio, tp_conn_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, tp_conn_write_cb, fd, EV_WRITE);
	/* reading starts once connected: a failed connect is reported by
	 * the writable socket */
	ev_io_start(t->loop, connecting ? &c->wio : &c->rio);

	hash_insert(t, c);
	t->n_conns++;
	c->last = ev_now(t->loop);
	tp_list_append(&t->idle, &c->idle_le);
	if (!ev_is_active(&t->timer))
		timer_arm(t);
	*cp = c;
	return 0;
}

void tp_conn_touch(struct tp_conn *c)
{
	struct transport *t = c->t;

	c->last = ev_now(t->loop);
	tp_list_unlink(&c->idle_le);
	tp_list_append(&t->idle, &c->idle_le);
}

void tp_conn_partial(struct tp_conn *c, bool partial)
{
	struct transport *t = c->t;

	if (!partial) {
		tp_list_unlink(&c->partial_le);
		return;
	}
	if (tp_linked(&c->partial_le))
		return;
	c->partial_since = ev_now(t->loop);
	tp_list_append(&t->partial, &c->partial_le);
	timer_arm(t);
}

static void destroy(struct tp_conn *c)
{
	mbuf_unref(c->rx);
	free(c);
}

void tp_conn_close(struct tp_conn *c, enum tp_close_why why)
{
	struct transport *t = c->t;

	if (c->closed)
		return;
	c->closed = true;
	ev_io_stop(t->loop, &c->rio);
	ev_io_stop(t->loop, &c->wio);
	close(c->fd);
	c->fd = -1;
	hash_remove(t, c);
	tp_list_unlink(&c->idle_le);
	tp_list_unlink(&c->partial_le);
	while (c->q_head) {
		struct tp_qent *q = c->q_head;

		c->q_head = q->next;
		mbuf_unref(q->mb);
		free(q);
	}
	c->q_tail = &c->q_head;
	c->q_bytes = 0;
	t->n_conns--;

	switch (why) {
	case TP_CLOSE_FRAME:
		t->stats.frame_errors++;
		break;
	case TP_CLOSE_IDLE:
		t->stats.conns_idle_closed++;
		break;
	case TP_CLOSE_PARTIAL:
		t->stats.conns_partial_closed++;
		break;
	default:
		break;
	}
	if (why == TP_CLOSE_FRAME || why == TP_CLOSE_ERROR)
		log_notice(c->logid, "closed: %s", why_text[why]);
	else
		log_debug(c->logid, "closed: %s", why_text[why]);

	if (!c->busy)
		destroy(c);
}

void tp_conn_fail(struct tp_conn *c, int err, enum tp_close_why why)
{
	struct transport *t = c->t;
	struct tp_dest dst;

	memset(&dst, 0, sizeof(dst));
	dst.tp = SIP_TP_TCP;
	dst.addr = c->peer;
	dst.listener = c->listener;
	dst.conn_id = c->id;
	if (c->connecting)
		t->stats.conns_failed++;
	t->stats.send_errors++;
	log_info(c->logid, "failed: %s", strerror(err));
	tp_conn_close(c, why);
	if (t->errh)
		t->errh(&dst, err, t->arg);
}

void tp_conn_hold(struct tp_conn *c)
{
	c->busy++;
}

bool tp_conn_release(struct tp_conn *c)
{
	if (--c->busy == 0 && c->closed) {
		destroy(c);
		return false;
	}
	return !c->closed;
}
