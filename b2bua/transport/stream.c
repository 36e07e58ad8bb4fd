/* Reading and writing one stream connection.
 *
 * Reading: bytes land in the connection's receive buffer, the framer cuts
 * whole messages and each is handed up as a view (buffer, offset, length).
 * When the layer above kept the buffer, the unfinished rest moves to a
 * fresh buffer: a buffer that someone holds is never written again.
 *
 * Writing: straight to the socket; what does not fit waits in a bounded
 * queue of buffer references until the socket is writable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sa.h"
#include "tp.h"

/* moves the unconsumed bytes into a new buffer of at least size bytes */
static int rx_move(struct tp_conn *c, size_t size)
{
	struct mbuf *old = c->rx, *mb;
	size_t keep = old->len - c->rx_off;
	int err;

	err = mbuf_alloc(&mb, size > keep ? size : keep);
	if (err)
		return err;
	memcpy(mb->data, old->data + c->rx_off, keep);
	mb->len = keep;
	c->rx = mb;
	c->rx_off = 0;
	mbuf_unref(old);
	return 0;
}

/* room for the next read */
static int rx_space(struct tp_conn *c)
{
	struct mbuf *mb = c->rx;
	size_t size;

	if (!mb)
		return mbuf_alloc(&c->rx, TP_RX_SIZE);
	if (mb->len < mb->size)
		return 0;
	if (c->rx_off > 0) {
		memmove(mb->data, mb->data + c->rx_off, mb->len - c->rx_off);
		mb->len -= c->rx_off;
		c->rx_off = 0;
		return 0;
	}
	/* one unfinished message fills the buffer: the framer rejects a
	 * message before it outgrows TP_RX_MAX */
	if (mb->size >= TP_RX_MAX)
		return EBADMSG;
	size = mb->size * 2;
	if (c->frame.body && c->frame.body + c->frame.clen > mb->size)
		size = c->frame.body + c->frame.clen;
	if (size > TP_RX_MAX)
		size = TP_RX_MAX;
	return rx_move(c, size);
}

static int conn_write(struct tp_conn *c, struct mbuf *mb);

static void pong(struct tp_conn *c, unsigned n)
{
	struct mbuf *mb;

	/* RFC 5626 4.4.1: a CRLF for each CRLFCRLF */
	while (n-- > 0 && !c->closed) {
		if (mbuf_dup(&mb, "\r\n", 2))
			return;
		if (conn_write(c, mb) == 0)
			c->t->stats.tcp_pongs++;
		mbuf_unref(mb);
	}
}

static void deliver(struct tp_conn *c, size_t off, size_t len)
{
	struct transport *t = c->t;
	struct tp_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_TCP;
	rx.listener = c->listener;
	rx.conn_id = c->id;
	rx.src = c->peer;
	rx.local = c->local;
	t->stats.tcp_rx++;
	t->recvh(c->rx, off, len, &rx, t->arg);
}

/* cuts and hands up every whole message in the buffer */
static void frame_all(struct tp_conn *c)
{
	bool progress = false;

	while (!c->closed) {
		size_t off = c->rx_off, n;
		int err = tp_frame_scan(&c->frame, c->rx->data + off, c->rx->len - off, &n);

		if (err == EAGAIN)
			break;
		if (err) {
			/* the message boundary is lost for good */
			char a[64];

			sa_fmt(&c->peer, a, sizeof(a));
			log_notice(c->logid, "unframeable data from %s", a);
			tp_conn_close(c, TP_CLOSE_FRAME);
			return;
		}
		c->rx_off += n;
		if (c->frame.keepalive) {
			pong(c, c->frame.pongs);
		} else {
			deliver(c, off, n);
			progress = true;
		}
	}
	if (c->closed)
		return;

	if (c->rx_off == c->rx->len) {
		if (c->rx->refs > 1) {
			mbuf_unref(c->rx);
			c->rx = NULL;
		} else {
			c->rx->len = 0;
		}
		c->rx_off = 0;
		tp_conn_partial(c, false);
		return;
	}
	if (c->rx->refs > 1 && rx_move(c, TP_RX_SIZE)) {
		log_warn(c->logid, "out of memory for the receive buffer");
		tp_conn_close(c, TP_CLOSE_ERROR);
		return;
	}
	/* the partial timeout is per message: a stream whose reads keep
	 * ending inside the next message is still making progress */
	if (progress)
		tp_conn_partial(c, false);
	tp_conn_partial(c, true);
}

void tp_conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tp_conn *c = container_of(w, struct tp_conn, rio);
	ssize_t n;
	int err;

	(void)loop;
	(void)revents;
	err = rx_space(c);
	if (err) {
		log_warn(c->logid, "no receive buffer: %s", strerror(err));
		tp_conn_close(c, err == EBADMSG ? TP_CLOSE_FRAME : TP_CLOSE_ERROR);
		return;
	}
	n = recv(c->fd, c->rx->data + c->rx->len, c->rx->size - c->rx->len, MSG_DONTWAIT);
	if (n == 0) {
		tp_conn_close(c, TP_CLOSE_PEER);
		return;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		log_info(c->logid, "recv: %s", strerror(errno));
		tp_conn_close(c, TP_CLOSE_ERROR);
		return;
	}
	c->rx->len += (size_t)n;
	tp_conn_touch(c);

	tp_conn_hold(c);
	frame_all(c);
	tp_conn_release(c);
}

static void queue_pop(struct tp_conn *c)
{
	struct tp_qent *q = c->q_head;

	c->q_head = q->next;
	if (!c->q_head)
		c->q_tail = &c->q_head;
	mbuf_unref(q->mb);
	free(q);
}

static int queue_add(struct tp_conn *c, struct mbuf *mb, size_t off)
{
	struct tp_qent *q = malloc(sizeof(*q));

	if (!q)
		return ENOMEM;
	q->next = NULL;
	q->mb = mbuf_ref(mb);
	q->off = off;
	*c->q_tail = q;
	c->q_tail = &q->next;
	c->q_bytes += mb->len - off;
	if (!c->connecting)
		ev_io_start(c->t->loop, &c->wio);
	return 0;
}

/* writes what the socket takes; returns 0 or the errno of a failed send */
static int queue_flush(struct tp_conn *c)
{
	while (c->q_head) {
		struct tp_qent *q = c->q_head;
		ssize_t n = send(c->fd, q->mb->data + q->off, q->mb->len - q->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return errno;
		}
		q->off += (size_t)n;
		c->q_bytes -= (size_t)n;
		tp_conn_touch(c);
		if (q->off == q->mb->len)
			queue_pop(c);
	}
	ev_io_stop(c->t->loop, &c->wio);
	return 0;
}

static int connected(struct tp_conn *c)
{
	struct transport *t = c->t;
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr)
		return soerr;
	c->connecting = false;
	len = sizeof(c->local);
	(void)getsockname(c->fd, (struct sockaddr *)&c->local, &len);
	t->stats.conns_connected++;
	ev_io_start(t->loop, &c->rio);
	tp_conn_touch(c);
	log_debug(c->logid, "connected");
	return 0;
}

void tp_conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tp_conn *c = container_of(w, struct tp_conn, wio);
	int err = 0;

	(void)loop;
	(void)revents;
	tp_conn_hold(c);
	if (c->connecting)
		err = connected(c);
	if (!err)
		err = queue_flush(c);
	if (err)
		tp_conn_fail(c, err, TP_CLOSE_ERROR);
	tp_conn_release(c);
}

static int conn_write(struct tp_conn *c, struct mbuf *mb)
{
	struct transport *t = c->t;
	size_t off = 0;
	int err;

	if (c->connecting || c->q_head) {
		if (c->q_bytes + mb->len > TP_SENDQ_MAX) {
			t->stats.send_errors++;
			log_info(c->logid, "send queue full (%zu bytes)", c->q_bytes);
			return ENOBUFS;
		}
	} else {
		ssize_t n = send(c->fd, mb->data, mb->len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			err = errno;
			t->stats.send_errors++;
			log_info(c->logid, "send: %s", strerror(err));
			tp_conn_close(c, TP_CLOSE_ERROR);
			return err;
		}
		if (n > 0) {
			off = (size_t)n;
			tp_conn_touch(c);
		}
	}
	if (off < mb->len) {
		err = queue_add(c, mb, off);
		if (err) {
			t->stats.send_errors++;
			/* half a message on the wire: the stream is lost */
			if (off > 0)
				tp_conn_close(c, TP_CLOSE_ERROR);
			return err;
		}
	}
	return 0;
}

int tp_conn_send(struct tp_conn *c, struct mbuf *mb)
{
	int err = conn_write(c, mb);

	if (!err)
		c->t->stats.tcp_tx++;
	return err;
}
