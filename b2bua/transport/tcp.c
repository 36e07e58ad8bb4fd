/* TCP listeners (accept, with the connection limit) and outgoing connects. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sa.h"
#include "tp.h"

/* Out of file descriptors, a pending connection would wake the loop
 * again and again: give up the spare descriptor to accept it and close
 * it.  returns true when one was refused so. */
static bool refuse_without_fds(struct tp_listener *l)
{
	struct transport *t = l->t;
	int fd;

	if (t->spare_fd < 0)
		return false;
	close(t->spare_fd);
	fd = accept(l->fd, NULL, NULL);
	if (fd >= 0) {
		close(fd);
		t->stats.conns_refused++;
		log_warn(tp_lid(l), "refused a connection: out of file descriptors");
	}
	t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

static void tcp_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tp_listener *l = container_of(w, struct tp_listener, io);
	struct transport *t = l->t;

	(void)loop;
	(void)revents;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		struct tp_conn *c;
		char a[64];
		int fd, err;

		fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && refuse_without_fds(l))
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn(tp_lid(l), "accept: %s", strerror(errno));
			return;
		}
		sa_fmt(&peer, a, sizeof(a));
		if (t->n_conns >= t->max_conns) {
			t->stats.conns_refused++;
			log_warn(tp_lid(l), "refusing a connection from %s: %u open", a, t->n_conns);
			close(fd);
			continue;
		}
		err = tp_conn_alloc(&c, t, fd, l->idx, &peer, false, false);
		if (err) {
			log_warn(tp_lid(l), "dropping a connection from %s: %s", a, strerror(err));
			close(fd);
			continue;
		}
		t->stats.conns_accepted++;
		log_debug(c->logid, "accepted from %s on %s", a, l->cfg.name);
	}
}

int tp_tcp_open(struct tp_listener *l)
{
	struct transport *t = l->t;
	int family = l->cfg.addr.ss_family;
	socklen_t alen = sizeof(l->local);
	const int on = 1;
	char a[64];
	int fd, err = 0;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)) {
		err = errno;
		goto out;
	}
	if (bind(fd, (const struct sockaddr *)&l->cfg.addr, tp_sa_len(&l->cfg.addr)) < 0 ||
	    listen(fd, TP_LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&l->local, &alen) < 0) {
		err = errno;
		goto out;
	}

	l->fd = fd;
	fd = -1;
	ev_io_init(&l->io, tcp_accept_cb, l->fd, EV_READ);
	ev_io_start(t->loop, &l->io);
	sa_fmt(&l->local, a, sizeof(a));
	log_info(tp_lid(l), "tcp listening on %s (zone %s)", a, l->cfg.zone);
out:
	if (err) {
		sa_fmt(&l->cfg.addr, a, sizeof(a));
		log_err(tp_lid(l), "tcp listener on %s: %s", a, strerror(err));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

/* A non-blocking connect from listener li's address (any port).  *cp is
 * set only on success; the connection may still be connecting. */
static int tcp_connect(struct tp_conn **cp, struct transport *t, unsigned li,
		       const struct sockaddr_storage *peer)
{
	const struct tp_listener *l = &t->lst[li];
	struct tp_conn *c;
	char a[64];
	bool connecting = false;
	int fd, err = 0;

	sa_fmt(peer, a, sizeof(a));
	if (t->n_conns >= t->max_conns) {
		log_warn(tp_lid(l), "not connecting to %s: %u connections open", a, t->n_conns);
		return EMFILE;
	}
	fd = socket(peer->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	/* leave from the listener's address so the peer sees our zone's
	 * address; the port is the system's */
	if (!l->wildcard) {
		struct sockaddr_storage src = l->local;

		if (src.ss_family == AF_INET)
			((struct sockaddr_in *)&src)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&src)->sin6_port = 0;
		if (bind(fd, (const struct sockaddr *)&src, tp_sa_len(&src)) < 0) {
			err = errno;
			goto out;
		}
	}
	if (connect(fd, (const struct sockaddr *)peer, tp_sa_len(peer)) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		connecting = true;
	}
	err = tp_conn_alloc(&c, t, fd, li, peer, true, connecting);
	if (err)
		goto out;
	fd = -1;
	if (!connecting)
		t->stats.conns_connected++;
	log_debug(c->logid, "connecting to %s from %s", a, l->cfg.name);
	*cp = c;
out:
	if (err) {
		t->stats.conns_failed++;
		log_info(tp_lid(l), "connect to %s: %s", a, strerror(err));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

int tp_tcp_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb)
{
	struct tp_conn *c = NULL;
	int err;

	/* responses go back on the connection the request came in on */
	if (dst->conn_id)
		c = tp_conn_find_id(t, dst->conn_id);
	if (!c) {
		int li = tp_listener_pick(t, SIP_TP_TCP, dst->addr.ss_family, dst->listener);

		if (li < 0) {
			t->stats.send_errors++;
			return EADDRNOTAVAIL;
		}
		c = tp_conn_find_addr(t, &dst->addr,
				      dst->listener == TP_LISTENER_ANY ? TP_LISTENER_ANY : (unsigned)li);
		if (!c) {
			err = tcp_connect(&c, t, (unsigned)li, &dst->addr);
			if (err) {
				t->stats.send_errors++;
				return err;
			}
		}
	}
	return tp_conn_send(c, mb);
}
