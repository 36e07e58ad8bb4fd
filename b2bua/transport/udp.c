/* UDP listeners: one socket each, read in recvmmsg batches until drained,
 * each datagram copied once into a buffer of its exact size. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sa.h"
#include "tp.h"

/* a datagram of nothing but CRLFs is a keep-alive (RFC 5626 4.4.2 uses
 * STUN; many phones send CRLF anyway): nothing for the parser */
static bool only_crlf(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	}
	return true;
}

/* the local address of a datagram on a wildcard socket, from IP_PKTINFO */
static void pktinfo_local(const struct tp_listener *l, struct msghdr *mh,
			  struct sockaddr_storage *local)
{
	*local = l->local;
	if (!l->wildcard)
		return;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)local)->sin_addr = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in6 *)local)->sin6_addr = pi.ipi6_addr;
		}
	}
}

static void udp_deliver(struct tp_listener *l, const char *p, size_t len,
			const struct sockaddr_storage *src, const struct sockaddr_storage *local)
{
	struct transport *t = l->t;
	struct tp_rx rx;
	struct mbuf *mb;
	int err;

	if (len == 0 || only_crlf(p, len)) {
		t->stats.udp_dropped++;
		return;
	}
	err = mbuf_dup(&mb, p, len);
	if (err) {
		log_warn(tp_lid(l), "dropping a datagram of %zu bytes: %s", len, strerror(err));
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_UDP;
	rx.listener = l->idx;
	rx.src = *src;
	rx.local = *local;
	t->stats.udp_rx++;
	t->recvh(mb, 0, len, &rx, t->arg);
	mbuf_unref(mb);
}

static void udp_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tp_listener *l = container_of(w, struct tp_listener, io);
	struct transport *t = l->t;
	struct mmsghdr msgs[TP_UDP_BATCH];
	struct iovec iov[TP_UDP_BATCH];
	struct sockaddr_storage src[TP_UDP_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[TP_UDP_BATCH];
	int n;

	(void)loop;
	(void)revents;
	do {
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < TP_UDP_BATCH; i++) {
			iov[i].iov_base = t->udp_bufs + (size_t)i * TP_UDP_BUF;
			iov[i].iov_len = TP_UDP_BUF;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &src[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
			msgs[i].msg_hdr.msg_control = ctl[i].buf;
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		}
		n = recvmmsg(l->fd, msgs, TP_UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn(tp_lid(l), "recvmmsg: %s", strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			struct sockaddr_storage local;

			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				t->stats.udp_dropped++;
				continue;
			}
			pktinfo_local(l, &msgs[i].msg_hdr, &local);
			udp_deliver(l, iov[i].iov_base, msgs[i].msg_len, &src[i], &local);
		}
		/* a short batch means the socket is drained */
	} while (n == TP_UDP_BATCH);
}

int tp_udp_open(struct tp_listener *l)
{
	struct transport *t = l->t;
	int family = l->cfg.addr.ss_family;
	socklen_t alen = sizeof(l->local);
	const int on = 1;
	int fd, err = 0;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
	if (l->wildcard &&
	    (family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on))
			       : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on))) < 0) {
		err = errno;
		goto out;
	}
	if (bind(fd, (const struct sockaddr *)&l->cfg.addr, tp_sa_len(&l->cfg.addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&l->local, &alen) < 0) {
		err = errno;
		goto out;
	}

	l->fd = fd;
	fd = -1;
	ev_io_init(&l->io, udp_read_cb, l->fd, EV_READ);
	ev_io_start(t->loop, &l->io);
	{
		char a[64];

		sa_fmt(&l->local, a, sizeof(a));
		log_info(tp_lid(l), "udp listening on %s (zone %s)", a, l->cfg.zone);
	}
out:
	if (err) {
		char a[64];

		sa_fmt(&l->cfg.addr, a, sizeof(a));
		log_err(tp_lid(l), "udp listener on %s: %s", a, strerror(err));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

int tp_udp_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb)
{
	int i = tp_listener_pick(t, SIP_TP_UDP, dst->addr.ss_family, dst->listener);
	ssize_t n;

	if (i < 0) {
		t->stats.send_errors++;
		return EADDRNOTAVAIL;
	}
	n = sendto(t->lst[i].fd, mb->data, mb->len, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&dst->addr, tp_sa_len(&dst->addr));
	if (n < 0) {
		int err = errno;
		char a[64];

		t->stats.send_errors++;
		sa_fmt(&dst->addr, a, sizeof(a));
		log_debug(tp_lid(&t->lst[i]), "sendto %s: %s", a, strerror(err));
		return err;
	}
	t->stats.udp_tx++;
	return 0;
}
