/* The relay with real UDP sockets on loopback: flow both ways, re-attach,
 * latching, inactivity, SRTP interworking, RTCP mux interworking,
 * telephone-event mapping, statistics at the end. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "media/media.h"
#include "testutil.h"

#define MAX_EVENTS 64

static struct media_event events[MAX_EVENTS];
static unsigned nevents;
static struct ev_loop *sig_loop;
static struct media_engine *engine;

static void on_event(const struct media_event *ev)
{
	if (nevents < MAX_EVENTS)
		events[nevents++] = *ev;
}

static bool kernel;	/* the engine forwards established plain RTP in the kernel */

static void engine_start(enum media_kfwd_mode mode)
{
	struct media_engine_cfg cfg = { .threads = 2, .eventh = on_event, .tick_ms = 25, .kfwd = mode };

	nevents = 0;
	sig_loop = ev_loop_new(EVFLAG_AUTO);
	cfg.loop = sig_loop;
	ck_assert_int_eq(media_engine_alloc(&engine, &cfg), 0);
	ck_assert_int_eq(media_engine_zone_add(engine, "internal", "127.0.0.1", 20000, 20099, 100), 0);
	ck_assert_int_eq(media_engine_zone_add(engine, "external", "127.0.0.2", 30000, 30099, 100), 0);
	ck_assert_int_eq(media_engine_zone_add(engine, "external", "127.0.0.3", 30000, 30099, 100), EEXIST);
	kernel = media_engine_kfwd(engine);
}

static void setup(void)
{
	engine_start(MEDIA_KFWD_OFF);
	ck_assert(!kernel);
}

/* the same tests with the kernel path: it must not change what is relayed,
 * dropped or counted (the tests run as root in their own namespace) */
static void setup_kernel(void)
{
	engine_start(MEDIA_KFWD_AUTO);
	ck_assert_msg(kernel, "the kernel path did not load");
}

static void teardown(void)
{
	media_engine_free(engine);
	ev_loop_destroy(sig_loop);
}

/* runs the signalling loop until an event of this type arrives (or ms pass) */
static const struct media_event *wait_event(enum media_event_type type, unsigned ms)
{
	unsigned i, waited;

	for (waited = 0; waited <= ms; waited += 5) {
		ev_run(sig_loop, EVRUN_NOWAIT);
		for (i = 0; i < nevents; i++)
			if (events[i].type == type)
				return &events[i];
		usleep(5000);
	}
	return NULL;
}

static int peer(const char *ip, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, ip, &sa.sin_addr);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void send_to(int fd, const char *ip, uint16_t port, const void *p, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sa.sin_addr);
	ck_assert_int_eq(sendto(fd, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)), (ssize_t)len);
}

/* one datagram within ms, or -1; *from_port set */
static ssize_t recv_within(int fd, void *buf, size_t size, unsigned ms, uint16_t *from_port)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	ssize_t n;

	if (poll(&pfd, 1, (int)ms) != 1)
		return -1;
	n = recvfrom(fd, buf, size, 0, (struct sockaddr *)&sa, &len);
	if (from_port)
		*from_port = ntohs(sa.sin_port);
	return n;
}

static size_t rtp(uint8_t *p, uint8_t pt, uint16_t seq, uint32_t ssrc)
{
	memset(p, 0xd5, 172);
	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(seq * 160u >> 24);
	p[5] = (uint8_t)(seq * 160u >> 16);
	p[6] = (uint8_t)(seq * 160u >> 8);
	p[7] = (uint8_t)(seq * 160u);
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	p[12] = (uint8_t)seq; /* payload that differs per packet */
	return 172;
}

static void side_at(struct media_side *s, const char *ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(media_sockaddr(&s->rtp, ip, port), 0);
	s->dir = MEDIA_DIR_SENDRECV;
	s->te_pt = -1;
}

struct pair {
	struct media_call *call;
	unsigned idx;
	uint16_t port[2];	/* ours: A side on 127.0.0.1, B side on 127.0.0.2 */
	int a, b;		/* the peers' sockets */
	uint16_t pa, pb;
	struct media_stream_cfg cfg;
};

static void pair_open(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	p->a = peer("127.0.0.11", &p->pa);
	p->b = peer("127.0.0.21", &p->pb);
	ck_assert_int_eq(media_call_alloc(&p->call, engine, p), 0);
	ck_assert_int_eq(media_call_stream_add(p->call, "internal", "external", &p->idx, p->port), 0);
	ck_assert_uint_eq(p->port[0] % 2, 0);
	ck_assert_uint_ge(p->port[0], 20000);
	ck_assert_uint_ge(p->port[1], 30000);
	side_at(&p->cfg.side[0], "127.0.0.11", p->pa);
	side_at(&p->cfg.side[1], "127.0.0.21", p->pb);
	ck_assert_int_eq(media_call_stream_update(p->call, p->idx, &p->cfg), 0);
}

static void pair_close(struct pair *p)
{
	close(p->a);
	close(p->b);
}

/* n packets from fd to our port on side s; all must arrive at dst from our other port */
static void flow(struct pair *p, int from_fd, unsigned s, int dst_fd, uint16_t seq0, unsigned n)
{
	static const char *const ours[2] = { "127.0.0.1", "127.0.0.2" };
	uint8_t pkt[200], got[256];
	unsigned i;

	for (i = 0; i < n; i++) {
		size_t len = rtp(pkt, 0, (uint16_t)(seq0 + i), 0x1234 + s);
		uint16_t fp = 0;
		ssize_t r;

		send_to(from_fd, ours[s], p->port[s], pkt, len);
		r = recv_within(dst_fd, got, sizeof(got), 1000, &fp);
		ck_assert_msg(r == (ssize_t)len, "packet %u from side %u: got %zd", i, s, r);
		ck_assert(memcmp(got, pkt, len) == 0);
		ck_assert_uint_eq(fp, p->port[s ^ 1]);
	}
}

static const struct media_event *end_call(struct pair *p)
{
	media_call_free(p->call);
	ck_assert_ptr_nonnull(wait_event(MEDIA_EV_END, 2000));
	return wait_event(MEDIA_EV_STATS, 0);
}

START_TEST(test_relay_flows_both_ways_and_reports_stats)
{
	const struct media_event *ev;
	struct pair p;

	pair_open(&p);
	flow(&p, p.a, 0, p.b, 100, 20);
	flow(&p, p.b, 1, p.a, 500, 20);
	ev = end_call(&p);
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_eq(ev->arg, &p);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 20);
	ck_assert_uint_eq(ev->stats.rx[0].bytes, 20 * 172);
	ck_assert_uint_eq(ev->stats.rx[1].packets, 20);
	ck_assert_int_eq(ev->stats.rx[0].lost, 0);
	ck_assert_uint_eq(ev->stats.rx[0].unexpected_source, 0);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_counts_lost_packets_from_sequence_gaps)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t seq;

	pair_open(&p);
	for (seq = 1; seq <= 10; seq++) {
		if (seq == 4 || seq == 7)
			continue; /* lost before reaching us */
		send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, seq, 77));
		ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 172);
	}
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 8);
	ck_assert_int_eq(ev->stats.rx[0].lost, 2);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_reattaches_when_a_side_moves_to_a_new_port)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t nb;
	int b2;

	pair_open(&p);
	flow(&p, p.a, 0, p.b, 1, 5);
	flow(&p, p.b, 1, p.a, 1, 5);
	/* a re-INVITE answer moves side B to a new port: applied at once */
	b2 = peer("127.0.0.21", &nb);
	side_at(&p.cfg.side[1], "127.0.0.21", nb);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	/* the very next packet from A reaches B's new port, none the old */
	flow(&p, p.a, 0, b2, 6, 10);
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 50, NULL), 0);
	/* a late packet from B's old port does not steal the stream back */
	send_to(p.b, "127.0.0.2", p.port[1], pkt, rtp(pkt, 0, 6, 0x1235));
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 100, NULL), 0);
	flow(&p, b2, 1, p.a, 7, 10);
	flow(&p, p.a, 0, b2, 16, 5);
	/* and side A moving works the same way */
	close(p.a);
	p.a = peer("127.0.0.12", &p.pa);
	side_at(&p.cfg.side[0], "127.0.0.12", p.pa);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	flow(&p, b2, 1, p.a, 17, 5);
	flow(&p, p.a, 0, b2, 21, 5);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[1].unexpected_source, 1);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 5 + 10 + 5 + 5);
	close(b2);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_hold_with_zero_address_and_resume_restore_the_flow)
{
	uint8_t pkt[200], got[256];
	struct pair p;

	pair_open(&p);
	flow(&p, p.a, 0, p.b, 1, 3);
	flow(&p, p.b, 1, p.a, 1, 3);
	/* B holds the old way: c=0.0.0.0, sendonly; nothing is sent to it */
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtp, "0.0.0.0", 0), 0);
	ck_assert_int_eq(p.cfg.side[1].rtp.ss_family, AF_UNSPEC);
	p.cfg.side[1].dir = MEDIA_DIR_SENDONLY;
	p.cfg.side[0].dir = MEDIA_DIR_RECVONLY;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 4, 0x1234));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 100, NULL), 0);
	/* music on hold from B still reaches A */
	flow(&p, p.b, 1, p.a, 4, 3);
	/* resume: B's same address again, both ways at once */
	side_at(&p.cfg.side[1], "127.0.0.21", p.pb);
	p.cfg.side[0].dir = MEDIA_DIR_SENDRECV;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	flow(&p, p.a, 0, p.b, 5, 3);
	flow(&p, p.b, 1, p.a, 7, 3);
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_old_address_is_refused_only_for_a_while)
{
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t nb;
	int b2;

	pair_open(&p);
	flow(&p, p.b, 1, p.a, 1, 2);
	/* B's SDP moves, but B goes on sending from where it was */
	b2 = peer("127.0.0.21", &nb);
	side_at(&p.cfg.side[1], "127.0.0.21", nb);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, rtp(pkt, 0, 3, 0x1235));
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 100, NULL), 0);
	usleep(2100000);
	/* after the grace time it is latched again rather than cut off */
	flow(&p, p.b, 1, p.a, 4, 2);
	flow(&p, p.a, 0, p.b, 1, 2);
	end_call(&p);
	close(b2);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_latches_to_the_first_source_and_drops_others)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	uint16_t natted, stranger_port, fp;
	int nat, stranger;
	struct pair p;

	pair_open(&p);
	/* A is behind NAT: it sends from another port than its SDP says */
	nat = peer("127.0.0.11", &natted);
	flow(&p, nat, 0, p.b, 1, 3);
	/* replies go where A really is */
	send_to(p.b, "127.0.0.2", p.port[1], pkt, rtp(pkt, 0, 1, 9));
	ck_assert_int_eq(recv_within(nat, got, sizeof(got), 1000, &fp), 172);
	ck_assert_uint_eq(fp, p.port[0]);
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 50, NULL), 0);
	/* anyone else is dropped and counted */
	stranger = peer("127.0.0.99", &stranger_port);
	send_to(stranger, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 50, 0xbad));
	send_to(stranger, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 51, 0xbad));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 100, NULL), 0);
	flow(&p, nat, 0, p.b, 4, 2);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[0].unexpected_source, 2);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 5);
	close(nat);
	close(stranger);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_strict_mode_accepts_only_the_sdp_address)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t other;
	int fd;

	pair_open(&p);
	p.cfg.side[0].latch = MEDIA_LATCH_STRICT;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	fd = peer("127.0.0.11", &other);
	send_to(fd, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 1, 1));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 100, NULL), 0);
	flow(&p, p.a, 0, p.b, 2, 3);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[0].unexpected_source, 1);
	close(fd);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_ssrc_mode_relatches_on_a_new_ssrc)
{
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t np;
	int moved;

	pair_open(&p);
	p.cfg.side[0].latch = MEDIA_LATCH_SSRC;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	flow(&p, p.a, 0, p.b, 1, 2);
	/* the same SSRC from elsewhere is refused; a new one re-latches */
	moved = peer("127.0.0.13", &np);
	send_to(moved, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 3, 0x1234));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 100, NULL), 0);
	send_to(moved, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 1, 0x4321));
	ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 172);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, rtp(pkt, 0, 1, 5));
	ck_assert_int_eq(recv_within(moved, got, sizeof(got), 1000, NULL), 172);
	end_call(&p);
	close(moved);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_inactivity_reports_the_silent_side_with_hold_timeout_apart)
{
	const struct media_event *ev;
	struct pair p;
	unsigned i, timeouts = 0;

	pair_open(&p);
	/* A has put the call on hold (it sends nothing): the hold timeout (off)
	 * applies to it; B should send and times out */
	p.cfg.side[0].dir = MEDIA_DIR_INACTIVE;
	p.cfg.timeout_ms = 150;
	p.cfg.hold_timeout_ms = 0;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ev = wait_event(MEDIA_EV_TIMEOUT, 2000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_eq(ev->arg, &p);
	ck_assert_uint_eq(ev->side, 1);
	ck_assert_uint_eq(ev->stream, p.idx);
	wait_event(MEDIA_EV_END, 300);
	for (i = 0; i < nevents; i++)
		timeouts += events[i].type == MEDIA_EV_TIMEOUT;
	ck_assert_uint_eq(timeouts, 1);
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_session_refresh_does_not_restart_the_inactivity_clock)
{
	struct pair p;

	pair_open(&p);
	p.cfg.timeout_ms = 600;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	usleep(400000);
	/* a re-INVITE with the same SDP: nothing moved, the clock runs on
	 * (fires ~200 ms from now; a restarted clock would take 600 ms) */
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ck_assert_ptr_nonnull(wait_event(MEDIA_EV_TIMEOUT, 400));
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_no_timeout_while_media_flows)
{
	struct pair p;
	unsigned i;

	pair_open(&p);
	p.cfg.timeout_ms = 200;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	for (i = 0; i < 8; i++) {
		flow(&p, p.a, 0, p.b, (uint16_t)i, 1);
		flow(&p, p.b, 1, p.a, (uint16_t)i, 1);
		usleep(50000);
		ev_run(sig_loop, EVRUN_NOWAIT);
	}
	ck_assert_ptr_null(wait_event(MEDIA_EV_TIMEOUT, 0));
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_srtp_on_one_leg_rtp_on_the_other)
{
	struct media_key peer_key, our_key;
	struct media_srtp *peer_tx, *peer_rx;
	const struct media_event *ev;
	uint8_t pkt[256], plain[200], got[256];
	size_t len;
	ssize_t r;
	struct pair p;
	unsigned i;

	pair_open(&p);
	ck_assert_int_eq(media_key_generate(&peer_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_key_generate(&our_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	p.cfg.side[1].srtp = true;
	p.cfg.side[1].rx_key = peer_key;
	p.cfg.side[1].tx_key = our_key;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_tx, &peer_key, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_rx, &our_key, true), 0);
	for (i = 0; i < 10; i++) {
		/* carrier (SRTP) to PBX (RTP): decrypted by us */
		len = rtp(plain, 8, (uint16_t)(100 + i), 0xc0ffee);
		memcpy(pkt, plain, len);
		ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
		ck_assert_uint_eq(len, 182);
		send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
		r = recv_within(p.a, got, sizeof(got), 1000, NULL);
		ck_assert_int_eq(r, 172);
		ck_assert(memcmp(got, plain, 172) == 0);
		/* PBX (RTP) to carrier: encrypted with our key */
		len = rtp(plain, 8, (uint16_t)(700 + i), 0xbeef);
		send_to(p.a, "127.0.0.1", p.port[0], plain, len);
		r = recv_within(p.b, got, sizeof(got), 1000, NULL);
		ck_assert_int_eq(r, 182);
		len = (size_t)r;
		ck_assert_int_eq(media_srtp_unprotect(peer_rx, got, &len, false), 0);
		ck_assert_uint_eq(len, 172);
		ck_assert(memcmp(got, plain, 172) == 0);
	}
	/* a forged packet and a replayed one are counted, never relayed */
	len = rtp(plain, 8, 200, 0xc0ffee);
	memcpy(pkt, plain, len);
	ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	len = rtp(plain, 8, 201, 0xc0ffee);
	memcpy(pkt, plain, len);
	ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
	pkt[30] ^= 0x40;
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 100, NULL), 0);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[1].packets, 11);
	ck_assert_uint_eq(ev->stats.rx[1].srtp_replay, 1);
	ck_assert_uint_eq(ev->stats.rx[1].srtp_auth_fail, 1);
	media_srtp_free(peer_tx);
	media_srtp_free(peer_rx);
	pair_close(&p);
}
END_TEST

/* Our SRTP offer is out, the answer with the peer's key is not: whatever
 * arrives on that side (plain RTP and RTCP, or SRTP we cannot check yet) is
 * dropped, neither relayed nor latched, and what the other side sends does
 * not go out in clear.  The answer's key then lets the media through. */
START_TEST(test_relay_srtp_side_before_its_answer_relays_nothing)
{
	static const uint8_t app[16] = { 0x80, 204, 0, 3, 0xc4, 0xf6, 0xd4, 0x95, 'P', 'I', 'N', 'G',
					 'P', 'O', 'N', 'G' };
	struct media_key peer_key, our_key;
	struct media_srtp *peer_tx;
	const struct media_event *ev;
	uint8_t pkt[256], plain[200], got[256];
	uint16_t b_rtcp_port;
	int b_rtcp;
	size_t len;
	struct pair p;

	pair_open(&p);
	b_rtcp = peer("127.0.0.21", &b_rtcp_port);
	ck_assert_int_eq(media_key_generate(&peer_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_key_generate(&our_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_tx, &peer_key, false), 0);
	/* offered: side B's address and key unknown, ours known */
	memset(&p.cfg.side[1], 0, sizeof(p.cfg.side[1]));
	p.cfg.side[1].te_pt = -1;
	p.cfg.side[1].srtp = true;
	p.cfg.side[1].tx_key = our_key;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	send_to(p.b, "127.0.0.2", p.port[1], plain, rtp(plain, 0, 1, 0xc4f6d495));
	send_to(b_rtcp, "127.0.0.2", (uint16_t)(p.port[1] + 1), app, sizeof(app));
	len = rtp(pkt, 0, 2, 0xc4f6d495);
	ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 200, NULL), 0);
	/* the PBX's media has nowhere to go: no latch was taken */
	send_to(p.a, "127.0.0.1", p.port[0], plain, rtp(plain, 0, 1, 0xbeef));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 200, NULL), 0);
	ck_assert_int_lt(recv_within(b_rtcp, got, sizeof(got), 0, NULL), 0);
	/* the answer: its address and key */
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtp, "127.0.0.21", p.pb), 0);
	p.cfg.side[1].rx_key = peer_key;
	p.cfg.side[1].dir = MEDIA_DIR_SENDRECV;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	len = rtp(plain, 0, 3, 0xc4f6d495);
	memcpy(pkt, plain, len);
	ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	ck_assert(memcmp(got, plain, 172) == 0);
	send_to(p.a, "127.0.0.1", p.port[0], plain, rtp(plain, 0, 2, 0xbeef));
	ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 182);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[1].srtp_no_key, 3);
	ck_assert_uint_eq(ev->stats.rx[1].srtp_auth_fail, 0);
	ck_assert_uint_eq(ev->stats.rx[1].packets, 1);
	ck_assert_uint_eq(ev->stats.rx[1].rtcp_packets, 0);
	media_srtp_free(peer_tx);
	close(b_rtcp);
	pair_close(&p);
}
END_TEST

/* An independent SRTP implementation (tests/rtp/rtp.py) as the carrier:
 * what it encrypts reaches the PBX side as plain RTP, and what the PBX side
 * sends reaches it encrypted so that it decrypts. */
START_TEST(test_relay_srtp_interworks_with_an_independent_implementation)
{
	struct media_sdp_crypto c1 = { 1, { "AES_CM_128_HMAC_SHA1_80", 23 },
				       { "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", 47 }, { "", 0 } };
	struct media_sdp_crypto c2 = { 1, { "AES_CM_128_HMAC_SHA1_80", 23 },
				       { "inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj", 47 }, { "", 0 } };
	char cmd[1024], line[1024] = "";
	unsigned got = 0, i;
	uint8_t buf[256];
	struct pair p;
	FILE *f;
	int status;

	if (system("python3 -c 'import cryptography' 2>/dev/null") != 0)
		return; /* the tool needs python3 with cryptography */
	pair_open(&p);
	close(p.b);
	p.b = -1;
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtp, "127.0.0.21", 46000), 0);
	p.cfg.side[1].srtp = true;
	ck_assert_int_eq(media_key_from_sdes(&p.cfg.side[1].rx_key, &c1), 0);
	ck_assert_int_eq(media_key_from_sdes(&p.cfg.side[1].tx_key, &c2), 0);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 %s/../rtp/rtp.py stream --bind 127.0.0.21:46000 --to 127.0.0.2:%u --count 30 "
		 "--tx-key inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR "
		 "--rx-key inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj --expect 25 --linger 1",
		 TEST_DATA_DIR, p.port[1]);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	/* the PBX side: every packet arrives in clear and is echoed back */
	for (i = 0; i < 30; i++) {
		ssize_t n = recv_within(p.a, buf, sizeof(buf), 2000, NULL);

		if (n < 0)
			break;
		ck_assert_int_eq(n, 172);
		ck_assert(memcmp(buf + 12, "b2bua-rtp", 9) == 0);
		send_to(p.a, "127.0.0.1", p.port[0], buf, (size_t)n);
		got++;
	}
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	status = pclose(f);
	ck_assert_msg(status == 0, "rtp.py: %s", line);
	ck_assert_uint_ge(got, 25);
	ck_assert_ptr_nonnull(strstr(line, "\"srtp_failed\": 0"));
	end_call(&p);
	close(p.a);
}
END_TEST

START_TEST(test_relay_srtp_rekey_on_reinvite_takes_the_new_key)
{
	struct media_key k1, k2, ours;
	struct media_srtp *tx1, *tx2;
	uint8_t pkt[256], got[256];
	size_t len;
	struct pair p;

	pair_open(&p);
	ck_assert_int_eq(media_key_generate(&k1, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32), 0);
	ck_assert_int_eq(media_key_generate(&k2, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32), 0);
	ck_assert_int_eq(media_key_generate(&ours, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32), 0);
	p.cfg.side[1].srtp = true;
	p.cfg.side[1].rx_key = k1;
	p.cfg.side[1].tx_key = ours;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ck_assert_int_eq(media_srtp_alloc(&tx1, &k1, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&tx2, &k2, false), 0);
	len = rtp(pkt, 0, 1000, 42);
	ck_assert_int_eq(media_srtp_protect(tx1, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	/* re-INVITE with new keys and a restarted sequence: a fresh context */
	p.cfg.side[1].rx_key = k2;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	len = rtp(pkt, 0, 5, 42);
	ck_assert_int_eq(media_srtp_protect(tx2, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	/* the old key no longer decrypts */
	len = rtp(pkt, 0, 1001, 42);
	ck_assert_int_eq(media_srtp_protect(tx1, pkt, &len, sizeof(pkt), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 100, NULL), 0);
	end_call(&p);
	media_srtp_free(tx1);
	media_srtp_free(tx2);
	pair_close(&p);
}
END_TEST

/* Each SSRC has its own SRTP stream state (ROC, replay window): a new or
 * interleaved SSRC works, and a packet captured earlier stays a replay. */
START_TEST(test_relay_srtp_ssrc_change_keeps_replay_protection)
{
	struct media_key peer_key, our_key;
	struct media_srtp *peer_tx, *peer_rx;
	uint8_t pkt[256], old[256], got[256];
	size_t len, old_len;
	const struct media_event *ev;
	struct pair p;
	unsigned i;

	pair_open(&p);
	ck_assert_int_eq(media_key_generate(&peer_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_key_generate(&our_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	p.cfg.side[1].srtp = true;
	p.cfg.side[1].rx_key = peer_key;
	p.cfg.side[1].tx_key = our_key;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_tx, &peer_key, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_rx, &our_key, true), 0);
	/* the carrier sends from SSRC 1; a copy of one packet is kept */
	old_len = rtp(old, 0, 10, 1);
	ck_assert_int_eq(media_srtp_protect(peer_tx, old, &old_len, sizeof(old), false), 0);
	send_to(p.b, "127.0.0.2", p.port[1], old, old_len);
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	/* then SSRC 2 and 1 interleaved, both ways */
	for (i = 0; i < 6; i++) {
		len = rtp(pkt, 0, (uint16_t)(100 + i), 1 + (i & 1));
		ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), false), 0);
		send_to(p.b, "127.0.0.2", p.port[1], pkt, len);
		ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
		send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, (uint16_t)(500 + i), 7 + (i & 1)));
		len = (size_t)recv_within(p.b, got, sizeof(got), 1000, NULL);
		ck_assert_uint_eq(len, 182);
		ck_assert_int_eq(media_srtp_unprotect(peer_rx, got, &len, false), 0);
	}
	/* the captured SSRC 1 packet replayed by someone on the path */
	send_to(p.b, "127.0.0.2", p.port[1], old, old_len);
	ck_assert_int_lt(recv_within(p.a, got, sizeof(got), 100, NULL), 0);
	ev = end_call(&p);
	ck_assert_uint_eq(ev->stats.rx[1].srtp_replay, 1);
	ck_assert_uint_eq(ev->stats.rx[1].packets, 7);
	media_srtp_free(peer_tx);
	media_srtp_free(peer_rx);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_srtcp_on_one_leg_rtcp_on_the_other)
{
	static const uint8_t rr[32] = { 0x81, 201, 0, 7, 0, 0, 0x12, 0x34, 0xab, 0xab, 0xab, 0xab,
					0x05, 0, 0, 3 };
	struct media_key peer_key, our_key;
	struct media_srtp *peer_tx, *peer_rx;
	uint8_t pkt[256], got[256];
	uint16_t a_rtcp_port, b_rtcp_port;
	int a_rtcp, b_rtcp;
	size_t len;
	ssize_t r;
	struct pair p;

	pair_open(&p);
	a_rtcp = peer("127.0.0.11", &a_rtcp_port);
	b_rtcp = peer("127.0.0.21", &b_rtcp_port);
	ck_assert_int_eq(media_key_generate(&peer_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_key_generate(&our_key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[0].rtcp, "127.0.0.11", a_rtcp_port), 0);
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtcp, "127.0.0.21", b_rtcp_port), 0);
	p.cfg.side[1].srtp = true;
	p.cfg.side[1].rx_key = peer_key;
	p.cfg.side[1].tx_key = our_key;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_tx, &peer_key, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&peer_rx, &our_key, true), 0);
	/* SRTCP from the carrier reaches the PBX as RTCP */
	memcpy(pkt, rr, sizeof(rr));
	len = sizeof(rr);
	ck_assert_int_eq(media_srtp_protect(peer_tx, pkt, &len, sizeof(pkt), true), 0);
	send_to(b_rtcp, "127.0.0.2", (uint16_t)(p.port[1] + 1), pkt, len);
	r = recv_within(a_rtcp, got, sizeof(got), 1000, NULL);
	ck_assert_int_eq(r, (ssize_t)sizeof(rr));
	ck_assert(memcmp(got, rr, sizeof(rr)) == 0);
	/* RTCP from the PBX reaches the carrier as SRTCP under our key */
	send_to(a_rtcp, "127.0.0.1", (uint16_t)(p.port[0] + 1), rr, sizeof(rr));
	r = recv_within(b_rtcp, got, sizeof(got), 1000, NULL);
	ck_assert_int_gt(r, (ssize_t)sizeof(rr));
	len = (size_t)r;
	ck_assert_int_eq(media_srtp_unprotect(peer_rx, got, &len, true), 0);
	ck_assert_uint_eq(len, sizeof(rr));
	ck_assert(memcmp(got, rr, sizeof(rr)) == 0);
	end_call(&p);
	media_srtp_free(peer_tx);
	media_srtp_free(peer_rx);
	close(a_rtcp);
	close(b_rtcp);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_rtcp_mux_on_one_side_only)
{
	static const uint8_t rr[8] = { 0x80, 201, 0, 1, 0, 0, 0x12, 0x34 };
	uint8_t got[256];
	uint16_t b_rtcp_port, fp;
	int b_rtcp;
	struct pair p;

	pair_open(&p);
	b_rtcp = peer("127.0.0.21", &b_rtcp_port);
	p.cfg.side[0].rtcp_mux = true;
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtcp, "127.0.0.21", b_rtcp_port), 0);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	flow(&p, p.a, 0, p.b, 1, 1);
	/* A muxes: its RTCP comes on our RTP port and leaves from our RTCP port */
	send_to(p.a, "127.0.0.1", p.port[0], rr, sizeof(rr));
	ck_assert_int_eq(recv_within(b_rtcp, got, sizeof(got), 1000, &fp), 8);
	ck_assert_uint_eq(fp, p.port[1] + 1);
	ck_assert(memcmp(got, rr, 8) == 0);
	/* B does not: its RTCP to our RTCP port reaches A on its RTP port */
	send_to(b_rtcp, "127.0.0.2", (uint16_t)(p.port[1] + 1), rr, sizeof(rr));
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, &fp), 8);
	ck_assert_uint_eq(fp, p.port[0]);
	end_call(&p);
	close(b_rtcp);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_rtcp_sdes_does_not_name_the_peer)
{
	static const uint8_t rr_sdes[] = {
		0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
		0x81, 202, 0x00, 0x06, 0x11, 0x22, 0x33, 0x44,
		1, 14, 'a', 'l', 'i', 'c', 'e', '@', '1', '0', '.', '1', '.', '2', '.', '3', 0, 0, 0, 0,
	};
	uint8_t got[256];
	uint16_t b_rtcp_port;
	int b_rtcp;
	ssize_t n;
	struct pair p;

	pair_open(&p);
	b_rtcp = peer("127.0.0.21", &b_rtcp_port);
	ck_assert_int_eq(media_sockaddr(&p.cfg.side[1].rtcp, "127.0.0.21", b_rtcp_port), 0);
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	send_to(p.a, "127.0.0.1", (uint16_t)(p.port[0] + 1), rr_sdes, sizeof(rr_sdes));
	n = recv_within(b_rtcp, got, sizeof(got), 1000, NULL);
	ck_assert_int_eq(n, 8 + 16);
	ck_assert(memcmp(got, rr_sdes, 8) == 0);
	ck_assert_ptr_null(memmem(got, (size_t)n, "10.1.2.3", 8));
	ck_assert_ptr_nonnull(memmem(got, (size_t)n, "b2bua", 5));
	end_call(&p);
	close(b_rtcp);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_maps_telephone_event_payload_type)
{
	uint8_t pkt[200], got[256];
	struct pair p;

	pair_open(&p);
	p.cfg.side[0].te_pt = 101;
	p.cfg.side[1].te_pt = 96;
	ck_assert_int_eq(media_call_stream_update(p.call, p.idx, &p.cfg), 0);
	send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0x80 | 101, 1, 3));
	ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 172);
	ck_assert_uint_eq(got[1], 0x80 | 96);
	send_to(p.b, "127.0.0.2", p.port[1], pkt, rtp(pkt, 96, 1, 4));
	ck_assert_int_eq(recv_within(p.a, got, sizeof(got), 1000, NULL), 172);
	ck_assert_uint_eq(got[1], 101);
	/* audio is untouched */
	send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 2, 3));
	ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 172);
	ck_assert_uint_eq(got[1], 0);
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_removed_stream_reports_and_frees_its_ports)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	struct media_port_stats ps;
	struct pair p;
	uint16_t ports2[2];
	unsigned idx2;

	pair_open(&p);
	ck_assert_int_eq(media_call_stream_add(p.call, "internal", "external", &idx2, ports2), 0);
	ck_assert_uint_eq(idx2, 1);
	ck_assert_uint_ne(ports2[0], p.port[0]);
	ck_assert_int_eq(media_engine_zone_ports(engine, "external", &ps), 0);
	ck_assert_uint_eq(ps.capacity, 50);
	ck_assert_uint_eq(ps.in_use, 2);
	ck_assert_uint_eq(ps.quarantined, 0);
	ck_assert_int_eq(media_call_stream_remove(p.call, p.idx), 0);
	ck_assert_int_eq(media_call_stream_remove(p.call, p.idx), EINVAL);
	ev = wait_event(MEDIA_EV_STATS, 1000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->stream, 0);
	/* by its statistics the stream's ports are back, in quarantine */
	for (unsigned z = 0; z < 2; z++) {
		ck_assert_int_eq(media_engine_zone_ports(engine, z ? "external" : "internal", &ps), 0);
		ck_assert_uint_eq(ps.in_use, 1);
		ck_assert_uint_eq(ps.quarantined, 1);
	}
	ck_assert_int_eq(media_engine_zone_ports(engine, "nowhere", &ps), ENOENT);
	send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, 1, 1));
	ck_assert_int_lt(recv_within(p.b, got, sizeof(got), 100, NULL), 0);
	ck_assert_int_eq(media_call_stream_add(p.call, "internal", "nowhere", &idx2, ports2), ENOENT);
	end_call(&p);
	pair_close(&p);
}
END_TEST

/* A removed stream's index is free again: a call that adds and removes
 * streams all its life never runs out, while its statistics keep one
 * number per stream (seq, what the CDR is keyed by). */
START_TEST(test_relay_removed_stream_index_is_reused_with_a_new_number)
{
	const struct media_event *ev;
	struct media_stream_cfg cfg;
	unsigned idx[MEDIA_MAX_STREAMS], extra, i, round;
	uint16_t ports[2];
	struct pair p;
	bool seen[3 * MEDIA_MAX_STREAMS] = { false };

	pair_open(&p);
	idx[0] = p.idx;
	for (i = 1; i < MEDIA_MAX_STREAMS; i++) {
		ck_assert_int_eq(media_call_stream_add(p.call, "internal", "external", &idx[i], ports), 0);
		ck_assert_uint_eq(idx[i], i);
	}
	ck_assert_int_eq(media_call_stream_add(p.call, "internal", "external", &extra, ports), E2BIG);
	/* twice over: remove one, add one in its place, and it relays */
	for (round = 0; round < 2 * MEDIA_MAX_STREAMS; round++) {
		unsigned victim = (round * 5) % MEDIA_MAX_STREAMS;

		ck_assert_int_eq(media_call_stream_remove(p.call, idx[victim]), 0);
		ck_assert_int_eq(media_call_stream_add(p.call, "internal", "external", &idx[victim], ports), 0);
		ck_assert_uint_eq(idx[victim], victim);
		ev = wait_event(MEDIA_EV_STATS, 1000);
		ck_assert_ptr_nonnull(ev);
		ck_assert_uint_eq(ev->stream, victim);
		ck_assert_uint_lt(ev->seq, MEDIA_MAX_STREAMS + round);
		ck_assert(!seen[ev->seq]);
		seen[ev->seq] = true;
		nevents = 0;
		if (round == 2 * MEDIA_MAX_STREAMS - 1) {
			/* the last one relays: A to B through its ports */
			uint8_t pkt[200], got[256];
			int a, b;
			uint16_t pa, pb;

			a = peer("127.0.0.11", &pa);
			b = peer("127.0.0.21", &pb);
			memset(&cfg, 0, sizeof(cfg));
			side_at(&cfg.side[0], "127.0.0.11", pa);
			side_at(&cfg.side[1], "127.0.0.21", pb);
			ck_assert_int_eq(media_call_stream_update(p.call, idx[victim], &cfg), 0);
			send_to(a, "127.0.0.1", ports[0], pkt, rtp(pkt, 0, 1, 7));
			ck_assert_int_eq(recv_within(b, got, sizeof(got), 1000, NULL), 172);
			close(a);
			close(b);
		}
	}
	end_call(&p);
	pair_close(&p);
}
END_TEST

START_TEST(test_relay_between_an_ipv6_zone_and_an_ipv4_zone)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct media_stream_cfg cfg;
	struct media_call *call;
	socklen_t sl = sizeof(sa6);
	uint8_t pkt[200], got[256];
	uint16_t ports[2], pb;
	unsigned idx;
	int a6, b;

	a6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (a6 < 0 || bind(a6, (struct sockaddr *)&sa6, sizeof(sa6)) < 0) {
		if (a6 >= 0)
			close(a6);
		return; /* no IPv6 loopback here */
	}
	ck_assert_int_eq(getsockname(a6, (struct sockaddr *)&sa6, &sl), 0);
	b = peer("127.0.0.21", &pb);
	ck_assert_int_eq(media_engine_zone_add(engine, "v6", "::1", 40000, 40099, 0), 0);
	ck_assert_int_eq(media_call_alloc(&call, engine, NULL), 0);
	ck_assert_int_eq(media_call_stream_add(call, "v6", "external", &idx, ports), 0);
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(media_sockaddr(&cfg.side[0].rtp, "::1", ntohs(sa6.sin6_port)), 0);
	ck_assert_int_eq(media_sockaddr(&cfg.side[1].rtp, "127.0.0.21", pb), 0);
	cfg.side[0].te_pt = cfg.side[1].te_pt = -1;
	ck_assert_int_eq(media_call_stream_update(call, idx, &cfg), 0);
	sa6.sin6_port = htons(ports[0]);
	ck_assert_int_eq(sendto(a6, pkt, rtp(pkt, 0, 1, 6), 0, (struct sockaddr *)&sa6, sizeof(sa6)), 172);
	ck_assert_int_eq(recv_within(b, got, sizeof(got), 1000, NULL), 172);
	send_to(b, "127.0.0.2", ports[1], pkt, rtp(pkt, 0, 1, 4));
	ck_assert_int_eq(recv_within(a6, got, sizeof(got), 1000, NULL), 172);
	media_call_free(call);
	ck_assert_ptr_nonnull(wait_event(MEDIA_EV_END, 2000));
	close(a6);
	close(b);
}
END_TEST

/* A burst deeper than one read batch (32 datagrams) is relayed whole:
 * none is left in the socket waiting for the next packet to arrive. */
START_TEST(test_relay_burst_deeper_than_a_read_batch_is_relayed_whole)
{
	enum { BURST = 160 };
	static uint8_t pkt[BURST][200];
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct mmsghdr msg[BURST];
	struct iovec iov[BURST];
	const struct media_event *ev;
	uint8_t got[256];
	struct pair p;
	int sz = 1 << 20, sent = 0, n;
	unsigned i;

	pair_open(&p);
	flow(&p, p.a, 0, p.b, 1, 1);	/* latched */
	(void)setsockopt(p.b, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	to.sin_port = htons(p.port[0]);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BURST; i++) {
		iov[i].iov_base = pkt[i];
		iov[i].iov_len = rtp(pkt[i], 0, (uint16_t)(2 + i), 0x1234);
		msg[i].msg_hdr.msg_name = &to;
		msg[i].msg_hdr.msg_namelen = sizeof(to);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	/* one system call: the burst is queued faster than it is relayed */
	while (sent < BURST) {
		n = sendmmsg(p.a, msg + sent, (unsigned)(BURST - sent), 0);
		ck_assert_int_gt(n, 0);
		sent += n;
	}
	for (i = 0; i < BURST; i++) {
		ssize_t r = recv_within(p.b, got, sizeof(got), 1000, NULL);

		ck_assert_msg(r == 172, "packet %u of the burst: got %zd", i, r);
		ck_assert(memcmp(got, pkt[i], 172) == 0);
	}
	ev = end_call(&p);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 1 + BURST);
	pair_close(&p);
}
END_TEST

/* once latched, plain RTP goes through the kernel; what it counted joins
 * the stream's statistics, the RFC 3550 loss and jitter included */
START_TEST(test_relay_kernel_forwards_latched_plain_rtp_and_counts_it)
{
	const struct media_event *ev;
	uint8_t pkt[200], got[256];
	struct pair p;
	uint16_t seq;

	pair_open(&p);
	flow(&p, p.a, 0, p.b, 100, 20);
	flow(&p, p.b, 1, p.a, 500, 20);
	/* two of sequence 130-139 never sent: lost */
	for (seq = 130; seq < 140; seq++) {
		if (seq == 133 || seq == 134)
			continue;
		send_to(p.a, "127.0.0.1", p.port[0], pkt, rtp(pkt, 0, seq, 0x1234));
		ck_assert_int_eq(recv_within(p.b, got, sizeof(got), 1000, NULL), 172);
	}
	ev = end_call(&p);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->stats.rx[0].packets, 28);
	ck_assert_uint_eq(ev->stats.rx[0].bytes, 28 * 172);
	/* the first packet latched in user space; the rest in the kernel */
	ck_assert_uint_ge(ev->stats.rx[0].kernel_packets, 26);
	ck_assert_uint_ge(ev->stats.rx[1].kernel_packets, 18);
	ck_assert_uint_le(ev->stats.rx[1].kernel_packets, 20);
	ck_assert_int_eq(ev->stats.rx[0].lost, 2 + 10);
	ck_assert_int_eq(ev->stats.rx[1].lost, 0);
	pair_close(&p);
}
END_TEST

static void add_relay_tests(TCase *tc)
{
	tcase_add_test(tc, test_relay_flows_both_ways_and_reports_stats);
	tcase_add_test(tc, test_relay_counts_lost_packets_from_sequence_gaps);
	tcase_add_test(tc, test_relay_reattaches_when_a_side_moves_to_a_new_port);
	tcase_add_test(tc, test_relay_hold_with_zero_address_and_resume_restore_the_flow);
	tcase_add_test(tc, test_relay_old_address_is_refused_only_for_a_while);
	tcase_add_test(tc, test_relay_latches_to_the_first_source_and_drops_others);
	tcase_add_test(tc, test_relay_strict_mode_accepts_only_the_sdp_address);
	tcase_add_test(tc, test_relay_ssrc_mode_relatches_on_a_new_ssrc);
	tcase_add_test(tc, test_relay_inactivity_reports_the_silent_side_with_hold_timeout_apart);
	tcase_add_test(tc, test_relay_no_timeout_while_media_flows);
	tcase_add_test(tc, test_relay_session_refresh_does_not_restart_the_inactivity_clock);
	tcase_add_test(tc, test_relay_srtp_on_one_leg_rtp_on_the_other);
	tcase_add_test(tc, test_relay_srtp_side_before_its_answer_relays_nothing);
	tcase_add_test(tc, test_relay_srtp_interworks_with_an_independent_implementation);
	tcase_add_test(tc, test_relay_srtp_rekey_on_reinvite_takes_the_new_key);
	tcase_add_test(tc, test_relay_srtp_ssrc_change_keeps_replay_protection);
	tcase_add_test(tc, test_relay_srtcp_on_one_leg_rtcp_on_the_other);
	tcase_add_test(tc, test_relay_rtcp_mux_on_one_side_only);
	tcase_add_test(tc, test_relay_rtcp_sdes_does_not_name_the_peer);
	tcase_add_test(tc, test_relay_maps_telephone_event_payload_type);
	tcase_add_test(tc, test_relay_removed_stream_reports_and_frees_its_ports);
	tcase_add_test(tc, test_relay_removed_stream_index_is_reused_with_a_new_number);
	tcase_add_test(tc, test_relay_between_an_ipv6_zone_and_an_ipv4_zone);
	tcase_add_test(tc, test_relay_burst_deeper_than_a_read_batch_is_relayed_whole);
}

static Suite *relay_suite(void)
{
	Suite *s = suite_create("media_relay");
	TCase *tc = tcase_create("relay");
	TCase *tk = tcase_create("relay-kernel");

	tcase_add_checked_fixture(tc, setup, teardown);
	add_relay_tests(tc);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tk, setup_kernel, teardown);
	add_relay_tests(tk);
	tcase_add_test(tk, test_relay_kernel_forwards_latched_plain_rtp_and_counts_it);
	suite_add_tcase(s, tk);
	return s;
}

int main(void)
{
	return test_run_suite(relay_suite());
}
