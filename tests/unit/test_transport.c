/* The transport layer on real loopback sockets (127.0.0.1 and ::1). */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "transport/transport.h"

#define OPTIONS_REQ                                                      \
	"OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"                     \
	"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"    \
	"Max-Forwards: 70\r\n"                                           \
	"To: <sip:carrier@127.0.0.21>\r\n"                               \
	"From: <sip:pbx@127.0.0.11>;tag=1928301774\r\n"                  \
	"Call-ID: a84b4c76e66710\r\n"                                    \
	"CSeq: 63104 OPTIONS\r\n"                                        \
	"Content-Length: 0\r\n"                                          \
	"\r\n"

#define MESSAGE_REQ                                                      \
	"MESSAGE sip:bob@127.0.0.21 SIP/2.0\r\n"                         \
	"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKmsg1\r\n"         \
	"Max-Forwards: 70\r\n"                                           \
	"From: <sip:alice@127.0.0.11>;tag=49583\r\n"                     \
	"To: <sip:bob@127.0.0.21>\r\n"                                   \
	"Call-ID: msg.1@127.0.0.11\r\n"                                  \
	"CSeq: 1 MESSAGE\r\n"                                            \
	"Content-Type: text/plain\r\n"                                   \
	"Content-Length: 11\r\n"                                         \
	"\r\n"                                                           \
	"hi\r\n\r\nthere"

#define OK_RESP                                                          \
	"SIP/2.0 200 OK\r\n"                                             \
	"Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"    \
	"To: <sip:carrier@127.0.0.21>;tag=93810874\r\n"                  \
	"From: <sip:pbx@127.0.0.11>;tag=1928301774\r\n"                  \
	"Call-ID: a84b4c76e66710\r\n"                                    \
	"CSeq: 63104 OPTIONS\r\n"                                        \
	"Content-Length: 0\r\n"                                          \
	"\r\n"

enum { MAX_RX = 16 };

/* What one transport received, and its error reports. */
struct peer {
	struct transport *t;
	int n;
	char data[MAX_RX][2048];
	size_t len[MAX_RX];
	struct tp_rx rx[MAX_RX];
	bool keep;			/* keep a reference to each buffer */
	struct mbuf *kept[MAX_RX];
	size_t kept_off[MAX_RX];
	int nerr;
	int err;
	struct tp_dest err_dst;
};

static void on_recv(struct mbuf *mb, size_t off, size_t len, const struct tp_rx *rx, void *arg)
{
	struct peer *p = arg;

	ck_assert_int_lt(p->n, MAX_RX);
	ck_assert_uint_lt(len, sizeof(p->data[0]));
	ck_assert_uint_le(off + len, mb->len);
	memcpy(p->data[p->n], mb->data + off, len);
	p->data[p->n][len] = '\0';
	p->len[p->n] = len;
	p->rx[p->n] = *rx;
	if (p->keep) {
		p->kept[p->n] = mbuf_ref(mb);
		p->kept_off[p->n] = off;
	}
	p->n++;
}

static void on_error(const struct tp_dest *dst, int err, void *arg)
{
	struct peer *p = arg;

	p->nerr++;
	p->err = err;
	p->err_dst = *dst;
}

static void peer_done(struct peer *p)
{
	transport_free(p->t);
	for (int i = 0; i < p->n; i++)
		mbuf_unref(p->kept[i]);
}

static struct sockaddr_storage loopback(int family, uint16_t port)
{
	struct sockaddr_storage sa;

	memset(&sa, 0, sizeof(sa));
	if (family == AF_INET) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;

		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;

		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		v6->sin6_addr = in6addr_loopback;
	}
	return sa;
}

static socklen_t sa_len(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static bool sa_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return a->ss_family == b->ss_family && memcmp(a, b, sa_len(a)) == 0;
}

static const int families[] = { AF_INET, AF_INET6 };

/* listener 0: UDP, listener 1: TCP, both on loopback with port 0 */
static void peer_open(struct peer *p, struct ev_loop *loop, int family, unsigned max_conns,
		      double idle, double partial)
{
	struct tp_listener_cfg lc[2];
	struct tp_cfg cfg;

	memset(p, 0, sizeof(*p));
	memset(lc, 0, sizeof(lc));
	snprintf(lc[0].name, sizeof(lc[0].name), "udp-test");
	snprintf(lc[0].zone, sizeof(lc[0].zone), "internal");
	lc[0].tp = SIP_TP_UDP;
	lc[0].addr = loopback(family, 0);
	snprintf(lc[1].name, sizeof(lc[1].name), "tcp-test");
	snprintf(lc[1].zone, sizeof(lc[1].zone), "internal");
	lc[1].tp = SIP_TP_TCP;
	lc[1].addr = loopback(family, 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listeners = lc;
	cfg.n_listeners = 2;
	cfg.tcp_max_conns = max_conns;
	cfg.tcp_idle_timeout = idle;
	cfg.tcp_partial_timeout = partial;
	cfg.udp_size_limit = 1300;
	ck_assert_int_eq(transport_alloc(&p->t, loop, &cfg, on_recv, on_error, p), 0);
	ck_assert_uint_eq(transport_listener_count(p->t), 2);
}

static struct sockaddr_storage listener_addr(const struct peer *p, unsigned i)
{
	struct sockaddr_storage sa;

	ck_assert_int_eq(transport_listener_addr(p->t, i, &sa), 0);
	return sa;
}

static struct tp_stats stats(const struct peer *p)
{
	struct tp_stats s;

	transport_stats(p->t, &s);
	return s;
}

/* ---- driving the loop ---- */

typedef bool(cond_fn)(const void *arg);

static void guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	*(bool *)w->data = true;
}

/* runs the loop until cond holds or secs pass; returns cond */
static bool run_until(struct ev_loop *loop, cond_fn *cond, const void *arg, double secs)
{
	bool expired = false;
	ev_timer guard;

	ev_timer_init(&guard, guard_cb, secs, 0);
	guard.data = &expired;
	ev_timer_start(loop, &guard);
	while (!(cond && cond(arg)) && !expired)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &guard);
	return cond && cond(arg);
}

static void run_for(struct ev_loop *loop, double secs)
{
	run_until(loop, NULL, NULL, secs);
}

static int want_n;
static bool got_n(const void *arg)
{
	return ((const struct peer *)arg)->n >= want_n;
}

static bool got_err(const void *arg)
{
	return ((const struct peer *)arg)->nerr > 0;
}

static bool no_conns(const void *arg)
{
	return stats(arg).conns_open == 0;
}

static uint64_t want_open;
static bool conns_open(const void *arg)
{
	return stats(arg).conns_open >= want_open;
}

static bool refused(const void *arg)
{
	return stats(arg).conns_refused > 0;
}

/* ---- a raw TCP client, watched by the loop ---- */

struct client {
	int fd;
	ev_io io;
	char buf[4096];
	size_t len;
	bool eof;
};

static void client_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	ssize_t n;

	(void)revents;
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n <= 0) {
		c->eof = true;
		ev_io_stop(loop, w);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
}

static void client_open(struct client *c, struct ev_loop *loop, const struct sockaddr_storage *to)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(to->ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(c->fd, 0);
	/* loopback: the handshake completes in the kernel's backlog */
	ck_assert_int_eq(connect(c->fd, (const struct sockaddr *)to, sa_len(to)), 0);
	ev_io_init(&c->io, client_cb, c->fd, EV_READ);
	c->io.data = c;
	ev_io_start(loop, &c->io);
}

static void client_write(struct client *c, const char *s, size_t len)
{
	ck_assert_int_eq(send(c->fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void client_close(struct client *c, struct ev_loop *loop)
{
	ev_io_stop(loop, &c->io);
	close(c->fd);
}

static bool client_eof(const void *arg)
{
	return ((const struct client *)arg)->eof;
}

static bool client_got_crlf(const void *arg)
{
	return ((const struct client *)arg)->len >= 2;
}

static struct mbuf *msg(const char *s)
{
	return test_mbuf(s);
}

static int send_str(struct peer *p, const struct tp_dest *dst, const char *s)
{
	struct mbuf *mb = msg(s);
	int err = transport_send(p->t, dst, mb);

	mbuf_unref(mb);
	return err;
}

static struct tp_dest dest(enum sip_transport tp, const struct sockaddr_storage *addr)
{
	struct tp_dest d;

	memset(&d, 0, sizeof(d));
	d.tp = tp;
	d.addr = *addr;
	d.listener = TP_LISTENER_ANY;
	return d;
}

/* ---- tests ---- */

START_TEST(udp_datagrams_go_both_ways_from_the_listener_socket)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	int family = families[_i];
	struct peer a, b;
	struct sockaddr_storage a_udp, b_udp;
	struct tp_dest d;

	peer_open(&a, loop, family, 0, 0, 0);
	peer_open(&b, loop, family, 0, 0, 0);
	a_udp = listener_addr(&a, 0);
	b_udp = listener_addr(&b, 0);
	ck_assert_int_eq(a_udp.ss_family, family);
	ck_assert_uint_ne(ntohs(((struct sockaddr_in *)&b_udp)->sin_port), 0);

	d = dest(SIP_TP_UDP, &b_udp);
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), 0);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	ck_assert_int_eq(b.rx[0].tp, SIP_TP_UDP);
	ck_assert_uint_eq(b.rx[0].listener, 0);
	ck_assert_uint_eq(b.rx[0].conn_id, 0);
	/* sent out of a's listener socket: the source is a's listener */
	ck_assert(sa_same(&b.rx[0].src, &a_udp));
	ck_assert(sa_same(&b.rx[0].local, &b_udp));

	d = dest(SIP_TP_UDP, &b.rx[0].src);
	d.listener = b.rx[0].listener;
	ck_assert_int_eq(send_str(&b, &d, OK_RESP), 0);
	ck_assert(run_until(loop, got_n, &a, 2));
	ck_assert_str_eq(a.data[0], OK_RESP);
	ck_assert(sa_same(&a.rx[0].src, &b_udp));

	ck_assert_uint_eq(stats(&a).udp_tx, 1);
	ck_assert_uint_eq(stats(&a).udp_rx, 1);
	ck_assert_uint_eq(stats(&b).udp_rx, 1);
	ck_assert_uint_eq(stats(&b).udp_tx, 1);
	peer_done(&a);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(udp_keepalive_datagram_is_not_handed_up)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer a, b;
	struct sockaddr_storage b_udp;
	struct tp_dest d;

	peer_open(&a, loop, AF_INET, 0, 0, 0);
	peer_open(&b, loop, AF_INET, 0, 0, 0);
	b_udp = listener_addr(&b, 0);
	d = dest(SIP_TP_UDP, &b_udp);
	ck_assert_int_eq(send_str(&a, &d, "\r\n\r\n"), 0);
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), 0);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &b, 2));
	run_for(loop, 0.05);
	ck_assert_int_eq(b.n, 1);
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	ck_assert_uint_eq(stats(&b).udp_dropped, 1);
	peer_done(&a);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_message_split_over_several_writes_is_delivered_whole)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	const char *m = MESSAGE_REQ;
	size_t len = strlen(m);

	peer_open(&b, loop, families[_i], 0, 0, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);

	client_write(&c, m, 20);
	run_for(loop, 0.05);
	client_write(&c, m + 20, len - 20 - 3);
	run_for(loop, 0.05);
	ck_assert_int_eq(b.n, 0);
	client_write(&c, m + len - 3, 3);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_str_eq(b.data[0], m);
	ck_assert_int_eq(b.rx[0].tp, SIP_TP_TCP);
	ck_assert_uint_eq(b.rx[0].listener, 1);
	ck_assert_uint_ne(b.rx[0].conn_id, 0);
	ck_assert(sa_same(&b.rx[0].local, &b_tcp));
	ck_assert_uint_eq(stats(&b).conns_accepted, 1);
	ck_assert_uint_eq(stats(&b).tcp_rx, 1);

	client_close(&c, loop);
	ck_assert(run_until(loop, no_conns, &b, 2));
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_two_messages_in_one_write_are_both_delivered)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	const char *two = OPTIONS_REQ MESSAGE_REQ;

	peer_open(&b, loop, AF_INET, 0, 0, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	client_write(&c, two, strlen(two));
	want_n = 2;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	ck_assert_str_eq(b.data[1], MESSAGE_REQ);
	ck_assert_uint_eq(b.rx[0].conn_id, b.rx[1].conn_id);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_kept_buffer_is_not_written_again)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	const char *first = OPTIONS_REQ;
	const char *second = MESSAGE_REQ;
	char stream[4096];
	size_t flen = strlen(first), half = strlen(second) / 2;

	peer_open(&b, loop, AF_INET, 0, 0, 0);
	b.keep = true;
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	/* one whole message and half the next in one write */
	snprintf(stream, sizeof(stream), "%s%s", first, second);
	client_write(&c, stream, flen + half);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &b, 2));
	client_write(&c, second + half, strlen(second) - half);
	want_n = 2;
	ck_assert(run_until(loop, got_n, &b, 2));

	ck_assert_str_eq(b.data[1], second);
	/* the rest moved to a fresh buffer; the kept one still holds the
	 * first message, untouched */
	ck_assert_ptr_ne(b.kept[0], b.kept[1]);
	ck_assert_int_eq(memcmp(b.kept[0]->data + b.kept_off[0], first, flen), 0);
	ck_assert_int_eq(memcmp(b.kept[1]->data + b.kept_off[1], second, strlen(second)), 0);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_connection_is_reused_and_reply_uses_the_accepted_conn)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	int family = families[_i];
	struct peer a, b;
	struct sockaddr_storage b_tcp, nowhere;
	struct tp_dest d;

	peer_open(&a, loop, family, 0, 0, 0);
	peer_open(&b, loop, family, 0, 0, 0);
	b_tcp = listener_addr(&b, 1);

	d = dest(SIP_TP_TCP, &b_tcp);
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), 0);
	ck_assert_int_eq(send_str(&a, &d, MESSAGE_REQ), 0);
	want_n = 2;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	ck_assert_str_eq(b.data[1], MESSAGE_REQ);
	ck_assert_uint_eq(b.rx[0].conn_id, b.rx[1].conn_id);
	ck_assert_uint_eq(stats(&a).conns_open, 1);
	ck_assert_uint_eq(stats(&a).conns_connected, 1);
	ck_assert_uint_eq(stats(&b).conns_accepted, 1);
	/* a's connection leaves from a's listener address */
	{
		struct sockaddr_storage a_tcp = listener_addr(&a, 1);

		if (family == AF_INET)
			ck_assert_int_eq(memcmp(&((struct sockaddr_in *)&b.rx[0].src)->sin_addr,
						&((struct sockaddr_in *)&a_tcp)->sin_addr, 4), 0);
	}

	/* the reply names the accepted connection; the address is one
	 * nobody listens on, so only the connection can carry it */
	nowhere = loopback(family, 9);
	d = dest(SIP_TP_TCP, &nowhere);
	d.conn_id = b.rx[0].conn_id;
	ck_assert_int_eq(send_str(&b, &d, OK_RESP), 0);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &a, 2));
	ck_assert_str_eq(a.data[0], OK_RESP);
	ck_assert_int_eq(a.rx[0].tp, SIP_TP_TCP);
	ck_assert(sa_same(&a.rx[0].src, &b_tcp));
	ck_assert_uint_eq(stats(&b).conns_open, 1);
	ck_assert_int_eq(b.nerr, 0);

	/* a third request from a reuses a's connection, found by address */
	d = dest(SIP_TP_TCP, &b_tcp);
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), 0);
	want_n = 3;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_uint_eq(b.rx[2].conn_id, b.rx[0].conn_id);
	ck_assert_uint_eq(stats(&b).conns_accepted, 1);

	/* and by a's own connection id too */
	d.conn_id = a.rx[0].conn_id;
	ck_assert_int_eq(send_str(&a, &d, MESSAGE_REQ), 0);
	want_n = 4;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_uint_eq(b.rx[3].conn_id, b.rx[0].conn_id);
	ck_assert_uint_eq(stats(&a).conns_open, 1);
	ck_assert_uint_eq(stats(&a).tcp_tx, 4);
	ck_assert_uint_eq(stats(&b).tcp_tx, 1);
	peer_done(&a);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_send_on_a_closed_conn_id_falls_back_to_the_address)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer a, b;
	struct sockaddr_storage a_tcp;
	struct tp_dest d;

	peer_open(&a, loop, AF_INET, 0, 0, 0);
	peer_open(&b, loop, AF_INET, 0, 0, 0);
	a_tcp = listener_addr(&a, 1);
	d = dest(SIP_TP_TCP, &a_tcp);
	d.conn_id = 12345;	/* no such connection */
	ck_assert_int_eq(send_str(&b, &d, OK_RESP), 0);
	want_n = 1;
	ck_assert(run_until(loop, got_n, &a, 2));
	ck_assert_str_eq(a.data[0], OK_RESP);
	ck_assert_uint_eq(stats(&b).conns_connected, 1);
	ck_assert_uint_eq(stats(&a).conns_accepted, 1);
	peer_done(&a);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_connect_refused_is_reported_to_errh)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer a;
	struct sockaddr_storage closed_port;
	struct tp_dest d;
	socklen_t len = sizeof(closed_port);
	int fd, err;

	peer_open(&a, loop, AF_INET, 0, 0, 0);
	/* a port that was free a moment ago, with nobody listening */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	closed_port = loopback(AF_INET, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&closed_port, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&closed_port, &len), 0);
	close(fd);

	d = dest(SIP_TP_TCP, &closed_port);
	err = send_str(&a, &d, OPTIONS_REQ);
	if (err == 0) {
		ck_assert(run_until(loop, got_err, &a, 2));
		ck_assert_int_eq(a.err, ECONNREFUSED);
		ck_assert(sa_same(&a.err_dst.addr, &closed_port));
		ck_assert_uint_ne(a.err_dst.conn_id, 0);
	} else {
		ck_assert_int_eq(err, ECONNREFUSED);
	}
	ck_assert_uint_eq(stats(&a).conns_failed, 1);
	ck_assert_uint_eq(stats(&a).conns_open, 0);
	peer_done(&a);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_framing_error_closes_the_connection)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	const char *no_length = "OPTIONS sip:carrier@127.0.0.21 SIP/2.0\r\n"
				"Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n"
				"\r\n";

	peer_open(&b, loop, AF_INET, 0, 0, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	client_write(&c, OPTIONS_REQ, strlen(OPTIONS_REQ));
	client_write(&c, no_length, strlen(no_length));
	ck_assert(run_until(loop, client_eof, &c, 2));
	ck_assert_int_eq(b.n, 1);
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	ck_assert_uint_eq(stats(&b).frame_errors, 1);
	ck_assert_uint_eq(stats(&b).conns_open, 0);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_ping_gets_a_pong)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;

	peer_open(&b, loop, AF_INET, 0, 0, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	client_write(&c, "\r\n\r\n", 4);
	ck_assert(run_until(loop, client_got_crlf, &c, 2));
	run_for(loop, 0.05);
	ck_assert_uint_eq(c.len, 2);
	ck_assert_str_eq(c.buf, "\r\n");
	ck_assert_uint_eq(stats(&b).tcp_pongs, 1);
	ck_assert_uint_eq(stats(&b).tcp_tx, 0);
	/* the connection still frames messages after the keep-alive */
	client_write(&c, OPTIONS_REQ, strlen(OPTIONS_REQ));
	want_n = 1;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert_str_eq(b.data[0], OPTIONS_REQ);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_idle_connection_is_closed)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	ev_tstamp t0;

	peer_open(&b, loop, AF_INET, 0, 0.2, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	want_open = 1;
	ck_assert(run_until(loop, conns_open, &b, 2));
	ev_now_update(loop);
	t0 = ev_now(loop);
	ck_assert(run_until(loop, client_eof, &c, 3));
	ev_now_update(loop);
	ck_assert(ev_now(loop) - t0 > 0.15);
	ck_assert_uint_eq(stats(&b).conns_idle_closed, 1);
	ck_assert_uint_eq(stats(&b).conns_open, 0);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_traffic_keeps_a_connection_open)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;

	peer_open(&b, loop, AF_INET, 0, 0.3, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	for (int i = 0; i < 5; i++) {
		run_for(loop, 0.1);
		client_write(&c, "\r\n", 2);
	}
	ck_assert(!c.eof);
	ck_assert_uint_eq(stats(&b).conns_open, 1);
	ck_assert(run_until(loop, client_eof, &c, 3));
	ck_assert_uint_eq(stats(&b).conns_idle_closed, 1);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_partial_message_times_out)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;

	peer_open(&b, loop, AF_INET, 0, 10, 0.2);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	client_write(&c, MESSAGE_REQ, 30);
	ck_assert(run_until(loop, client_eof, &c, 3));
	ck_assert_uint_eq(stats(&b).conns_partial_closed, 1);
	ck_assert_uint_eq(stats(&b).conns_idle_closed, 0);
	ck_assert_int_eq(b.n, 0);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_partial_timeout_restarts_with_each_message)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c;
	const char *m = OPTIONS_REQ;
	size_t len = strlen(m), half = len / 2;

	/* every read ends inside the next message, for longer than the
	 * partial timeout in all, but each message takes less */
	peer_open(&b, loop, AF_INET, 0, 10, 0.5);
	b_tcp = listener_addr(&b, 1);
	client_open(&c, loop, &b_tcp);
	client_write(&c, m, half);
	for (int i = 0; i < 4; i++) {
		run_for(loop, 0.2);
		client_write(&c, m + half, len - half);
		client_write(&c, m, half);
	}
	want_n = 4;
	ck_assert(run_until(loop, got_n, &b, 2));
	ck_assert(!c.eof);
	ck_assert_uint_eq(stats(&b).conns_partial_closed, 0);
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(b.data[i], m);
	/* and the last half message does time out */
	ck_assert(run_until(loop, client_eof, &c, 3));
	ck_assert_uint_eq(stats(&b).conns_partial_closed, 1);
	client_close(&c, loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(tcp_connections_beyond_the_limit_are_refused)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer b;
	struct sockaddr_storage b_tcp;
	struct client c[3];
	int eofs = 0;

	peer_open(&b, loop, AF_INET, 2, 0, 0);
	b_tcp = listener_addr(&b, 1);
	client_open(&c[0], loop, &b_tcp);
	client_open(&c[1], loop, &b_tcp);
	want_open = 2;
	ck_assert(run_until(loop, conns_open, &b, 2));
	client_open(&c[2], loop, &b_tcp);
	ck_assert(run_until(loop, refused, &b, 2));
	ck_assert(run_until(loop, client_eof, &c[2], 2));
	run_for(loop, 0.05);
	for (int i = 0; i < 3; i++)
		eofs += c[i].eof;
	ck_assert_int_eq(eofs, 1);
	ck_assert_uint_eq(stats(&b).conns_refused, 1);
	ck_assert_uint_eq(stats(&b).conns_open, 2);

	/* our own connections count against the same limit */
	{
		struct sockaddr_storage a_tcp;
		struct peer a;
		struct tp_dest d;

		peer_open(&a, loop, AF_INET, 0, 0, 0);
		a_tcp = listener_addr(&a, 1);
		d = dest(SIP_TP_TCP, &a_tcp);
		ck_assert_int_eq(send_str(&b, &d, OPTIONS_REQ), EMFILE);
		peer_done(&a);
	}
	for (int i = 0; i < 3; i++)
		client_close(&c[i], loop);
	peer_done(&b);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(large_udp_request_is_sent_over_tcp)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct peer a;
	struct tp_listener_cfg udp_only;
	struct tp_cfg cfg;
	struct transport *t;

	peer_open(&a, loop, AF_INET, 0, 0, 0);
	/* RFC 3261 18.1.1 */
	ck_assert_int_eq(transport_choose(a.t, SIP_TP_UDP, 1400, true), SIP_TP_TCP);
	ck_assert_int_eq(transport_choose(a.t, SIP_TP_UDP, 1300, true), SIP_TP_UDP);
	ck_assert_int_eq(transport_choose(a.t, SIP_TP_UDP, 1400, false), SIP_TP_UDP);
	ck_assert_int_eq(transport_choose(a.t, SIP_TP_TCP, 100, true), SIP_TP_TCP);

	/* without a TCP listener there is nothing to switch to */
	memset(&udp_only, 0, sizeof(udp_only));
	snprintf(udp_only.name, sizeof(udp_only.name), "udp-only");
	udp_only.tp = SIP_TP_UDP;
	udp_only.addr = loopback(AF_INET, 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listeners = &udp_only;
	cfg.n_listeners = 1;
	ck_assert_int_eq(transport_alloc(&t, loop, &cfg, on_recv, NULL, &a), 0);
	ck_assert_int_eq(transport_choose(t, SIP_TP_UDP, 1400, true), SIP_TP_UDP);
	transport_free(t);
	peer_done(&a);
	ev_loop_destroy(loop);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct tp_listener_cfg lc;
	struct tp_cfg cfg;
	struct transport *t = NULL;
	struct peer a;
	struct tp_dest d;
	struct sockaddr_storage sa;

	memset(&lc, 0, sizeof(lc));
	lc.tp = SIP_TP_TLS;
	lc.addr = loopback(AF_INET, 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listeners = &lc;
	cfg.n_listeners = 1;
	ck_assert_int_eq(transport_alloc(&t, loop, &cfg, on_recv, NULL, NULL), EINVAL);
	ck_assert_ptr_null(t);

	peer_open(&a, loop, AF_INET, 0, 0, 0);
	/* binding the port a already holds fails, and says so */
	lc.tp = SIP_TP_TCP;
	lc.addr = listener_addr(&a, 1);
	ck_assert_int_eq(transport_alloc(&t, loop, &cfg, on_recv, NULL, NULL), EADDRINUSE);
	ck_assert_ptr_null(t);

	/* an IPv6 destination with only IPv4 listeners */
	sa = loopback(AF_INET6, 5060);
	d = dest(SIP_TP_UDP, &sa);
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), EADDRNOTAVAIL);
	d.listener = 7;
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), EADDRNOTAVAIL);
	d.tp = SIP_TP_SCTP;
	ck_assert_int_eq(send_str(&a, &d, OPTIONS_REQ), EPROTONOSUPPORT);
	ck_assert_int_eq(transport_listener_addr(a.t, 2, &sa), EINVAL);
	ck_assert_ptr_null(transport_listener(a.t, 2));
	ck_assert_str_eq(transport_listener(a.t, 1)->name, "tcp-test");
	peer_done(&a);
	ev_loop_destroy(loop);
}
END_TEST

static Suite *transport_suite(void)
{
	Suite *s = suite_create("transport");
	TCase *udp = tcase_create("udp");
	TCase *tcp = tcase_create("tcp");
	TCase *misc = tcase_create("misc");

	tcase_add_loop_test(udp, udp_datagrams_go_both_ways_from_the_listener_socket, 0, 2);
	tcase_add_test(udp, udp_keepalive_datagram_is_not_handed_up);
	suite_add_tcase(s, udp);

	tcase_add_loop_test(tcp, tcp_message_split_over_several_writes_is_delivered_whole, 0, 2);
	tcase_add_test(tcp, tcp_two_messages_in_one_write_are_both_delivered);
	tcase_add_test(tcp, tcp_kept_buffer_is_not_written_again);
	tcase_add_loop_test(tcp, tcp_connection_is_reused_and_reply_uses_the_accepted_conn, 0, 2);
	tcase_add_test(tcp, tcp_send_on_a_closed_conn_id_falls_back_to_the_address);
	tcase_add_test(tcp, tcp_connect_refused_is_reported_to_errh);
	tcase_add_test(tcp, tcp_framing_error_closes_the_connection);
	tcase_add_test(tcp, tcp_ping_gets_a_pong);
	tcase_add_test(tcp, tcp_idle_connection_is_closed);
	tcase_add_test(tcp, tcp_traffic_keeps_a_connection_open);
	tcase_add_test(tcp, tcp_partial_message_times_out);
	tcase_add_test(tcp, tcp_partial_timeout_restarts_with_each_message);
	tcase_add_test(tcp, tcp_connections_beyond_the_limit_are_refused);
	suite_add_tcase(s, tcp);

	tcase_add_test(misc, large_udp_request_is_sent_over_tcp);
	tcase_add_test(misc, bad_arguments_are_refused);
	suite_add_tcase(s, misc);
	return s;
}

int main(void)
{
	return test_run_suite(transport_suite());
}
