/* The in-kernel RTP forwarder (kfwd.h): the TC program run on packets
 * through BPF_PROG_TEST_RUN, its counts and RFC 3550 state against
 * media_rtp_src_update, and forwarding on the loopback of the test's own
 * network namespace. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "inet_csum.h"
#include "media/kfwd.h"
#include "media/kfwd_abi.h"
#include "media/kfwd_int.h"
#include "media/log.h"
#include "media/rtpstats.h"
#include "testutil.h"

#define ETH_LEN 14
#define PKT_MAX 1600
/* what the program returns for a packet it leaves alone */
#define PASS ((uint32_t)TC_ACT_UNSPEC)

static struct media_kfwd *kf;

/* the addresses of the rule the program tests use */
#define LOCAL "127.0.0.1"
#define PEER "127.0.0.11"
#define OUT_LOCAL "127.0.0.2"
#define OUT_PEER "127.0.0.21"
#define LOCAL_PORT 5004
#define PEER_PORT 4000
#define OUT_LOCAL_PORT 6000
#define OUT_PEER_PORT 7000

struct pkt_spec {
	const char *saddr, *daddr;
	uint16_t sport, dport;
	unsigned ihl;		/* 32-bit words; 0: 5 */
	uint8_t proto;		/* 0: UDP */
	uint16_t frag_off;
	uint8_t byte0, byte1;	/* RTP V/P/X/CC and M/PT; byte0 0: 0x80 */
	uint16_t seq;
	uint32_t ts, ssrc;
	unsigned payload;	/* bytes after the RTP header */
	bool zero_csum;
};

static struct sockaddr_in sin_of(const char *addr, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
	return sa;
}

static uint32_t addr_of(const char *addr)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
	return a.s_addr;
}

/* the UDP checksum field a sender would write for this datagram (its
 * checksum field still zero) */
static uint16_t udp_csum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint16_t c = (uint16_t)~inet_udp_sum(ip, udp, ulen);

	return c ? c : 0xffff;
}

static bool udp_csum_ok(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	return inet_udp_sum(ip, udp, ulen) == 0xffff;
}

/* an Ethernet frame as TC ingress on loopback sees it: zero MACs */
static size_t build(uint8_t *b, const struct pkt_spec *s)
{
	unsigned ihl = s->ihl ? s->ihl : 5, hl = ihl * 4, ulen = 8 + 12 + s->payload, i;
	uint8_t *ip = b + ETH_LEN, *udp = ip + hl, *rtp = udp + 8;
	uint32_t a;
	uint16_t c;

	memset(b, 0, ETH_LEN + hl + ulen);
	b[12] = 0x08;
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[1] = 0xb8;		/* DSCP EF */
	ip[2] = (uint8_t)((hl + ulen) >> 8);
	ip[3] = (uint8_t)(hl + ulen);
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[6] = (uint8_t)(s->frag_off >> 8);
	ip[7] = (uint8_t)s->frag_off;
	ip[8] = 5;		/* a TTL that must not cross */
	ip[9] = s->proto ? s->proto : 17;
	a = addr_of(s->saddr);
	memcpy(ip + 12, &a, 4);
	a = addr_of(s->daddr);
	memcpy(ip + 16, &a, 4);
	for (i = 20; i < hl; i++)
		ip[i] = 1;	/* NOP options */
	c = (uint16_t)~inet_fold(inet_sum16(ip, hl, 0));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(s->sport >> 8);
	udp[1] = (uint8_t)s->sport;
	udp[2] = (uint8_t)(s->dport >> 8);
	udp[3] = (uint8_t)s->dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	rtp[0] = s->byte0 ? s->byte0 : 0x80;
	rtp[1] = s->byte1;
	rtp[2] = (uint8_t)(s->seq >> 8);
	rtp[3] = (uint8_t)s->seq;
	rtp[4] = (uint8_t)(s->ts >> 24);
	rtp[5] = (uint8_t)(s->ts >> 16);
	rtp[6] = (uint8_t)(s->ts >> 8);
	rtp[7] = (uint8_t)s->ts;
	rtp[8] = (uint8_t)(s->ssrc >> 24);
	rtp[9] = (uint8_t)(s->ssrc >> 16);
	rtp[10] = (uint8_t)(s->ssrc >> 8);
	rtp[11] = (uint8_t)s->ssrc;
	for (i = 0; i < s->payload; i++)
		rtp[12 + i] = (uint8_t)(0xd5 ^ i);
	if (!s->zero_csum) {
		c = udp_csum(ip, udp, ulen);
		udp[6] = (uint8_t)(c >> 8);
		udp[7] = (uint8_t)c;
	}
	return ETH_LEN + hl + ulen;
}

/* an RTP packet of the rule's stream, from the peer to local */
static struct pkt_spec stream_pkt(void)
{
	struct pkt_spec s = {
		.saddr = PEER, .daddr = LOCAL, .sport = PEER_PORT, .dport = LOCAL_PORT,
		.byte1 = 0, .seq = 100, .ts = 16000, .ssrc = 0x11223344, .payload = 160,
	};

	return s;
}

static struct media_kfwd_rule stream_rule(void)
{
	struct media_kfwd_rule r;

	memset(&r, 0, sizeof(r));
	r.local = sin_of(LOCAL, LOCAL_PORT);
	r.peer = sin_of(PEER, PEER_PORT);
	r.out_local = sin_of(OUT_LOCAL, OUT_LOCAL_PORT);
	r.out_peer = sin_of(OUT_PEER, OUT_PEER_PORT);
	r.te_from = -1;
	r.te_to = -1;
	return r;
}

static uint32_t run(const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = PKT_MAX, .repeat = 1);

	ck_assert_msg(bpf_prog_test_run_opts(media_kfwd_prog_fd(kf), &o) == 0,
		      "test run of %zu bytes: %s", len, strerror(errno));
	*outlen = o.data_size_out;
	return o.retval;
}

/* the same with the skb marked as a receive offload's merge of several
 * datagrams (gso_segs/gso_size, as a NIC's GRO leaves them) */
static uint32_t run_merged(const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
	struct __sk_buff ctx = { .gso_segs = 2, .gso_size = 172 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = PKT_MAX, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = 1);

	ck_assert_msg(bpf_prog_test_run_opts(media_kfwd_prog_fd(kf), &o) == 0,
		      "test run of %zu bytes with a GSO context: %s", len, strerror(errno));
	*outlen = o.data_size_out;
	return o.retval;
}

/* the program leaves the packet as it was */
static void assert_passed(const uint8_t *in, size_t len)
{
	uint8_t out[PKT_MAX];
	size_t outlen;

	ck_assert_uint_eq(run(in, len, out, &outlen), PASS);
	ck_assert_uint_eq(outlen, len);
	ck_assert(memcmp(in, out, len) == 0);
}

static void assert_spec_passed(const struct pkt_spec *s)
{
	uint8_t in[PKT_MAX];

	assert_passed(in, build(in, s));
}

/* out is in rewritten to leave from out_local to out_peer */
static void assert_forwarded(const uint8_t *in, const uint8_t *out, size_t len)
{
	const uint8_t *ip = out + ETH_LEN, *udp = ip + (ip[0] & 0x0fu) * 4u;
	size_t hl = (ip[0] & 0x0fu) * 4u;
	uint32_t a;

	memcpy(&a, ip + 12, 4);
	ck_assert_uint_eq(a, addr_of(OUT_LOCAL));
	memcpy(&a, ip + 16, 4);
	ck_assert_uint_eq(a, addr_of(OUT_PEER));
	ck_assert_uint_eq(ip[8], 64);
	ck_assert_uint_eq(ip[1], in[ETH_LEN + 1]);	/* TOS kept */
	/* identification 0 and DF, as our socket sends, not the sender's */
	ck_assert(ip[4] == 0 && ip[5] == 0 && ip[6] == 0x40 && ip[7] == 0);
	ck_assert(inet_ip_ok(ip));
	ck_assert_uint_eq((unsigned)udp[0] << 8 | udp[1], OUT_LOCAL_PORT);
	ck_assert_uint_eq((unsigned)udp[2] << 8 | udp[3], OUT_PEER_PORT);
	if (udp[6] || udp[7])
		ck_assert(udp_csum_ok(ip, udp, len - ETH_LEN - hl));
	/* the RTP after its payload type is the sender's */
	ck_assert(memcmp(out + ETH_LEN + hl + 8 + 2, in + ETH_LEN + hl + 8 + 2,
			 len - ETH_LEN - hl - 10) == 0);
}

static void setup(void)
{
	struct sockaddr_in lo = sin_of(LOCAL, 0);

	ck_assert_int_eq(media_kfwd_open(&kf, &lo, 1), 0);
}

static void teardown(void)
{
	media_kfwd_close(kf);
	kf = NULL;
}

START_TEST(test_kfwd_stream_packet_leaves_from_out_local_to_out_peer)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen;
	unsigned ihl;

	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	/* build() gives it an identification of the sender's, no DF */
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	ck_assert_uint_eq(outlen, len);
	assert_forwarded(in, out, len);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 8 + 1], 0);
	/* a header that came in corrupt leaves corrupt: the receiver's IP
	 * layer drops it, as ours would have dropped it from the sender */
	in[ETH_LEN + 10] ^= 0x5a;
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	ck_assert(!inet_ip_ok(out + ETH_LEN));
	in[ETH_LEN + 10] ^= 0x5a;
	/* the same datagram as a receive offload's merge: left to the socket */
	ck_assert_uint_eq(run_merged(in, len, out, &outlen), PASS);
	ck_assert(outlen == len && memcmp(in, out, len) == 0);
	/* IPv4 options may name the sender's network: user space sends a
	 * new packet without them */
	for (ihl = 6; ihl <= 15; ihl += 3) {
		s.ihl = ihl;
		assert_passed(in, build(in, &s));
	}
}
END_TEST

START_TEST(test_kfwd_zero_udp_checksum_stays_zero)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen;

	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	s.zero_csum = true;
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	assert_forwarded(in, out, len);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 6], 0);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 7], 0);
}
END_TEST

START_TEST(test_kfwd_other_source_goes_to_the_socket)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();

	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	s.saddr = "127.0.0.12";
	assert_spec_passed(&s);
	s = stream_pkt();
	s.sport = PEER_PORT + 2;
	assert_spec_passed(&s);
	/* another local port has no rule */
	s = stream_pkt();
	s.dport = LOCAL_PORT + 2;
	assert_spec_passed(&s);
}
END_TEST

START_TEST(test_kfwd_other_ssrc_goes_to_the_socket_when_matched)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen;

	r.match_ssrc = true;
	r.ssrc = s.ssrc;
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	s.ssrc ^= 1;
	assert_spec_passed(&s);
}
END_TEST

START_TEST(test_kfwd_what_is_not_plain_rtp_goes_to_the_socket)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s;
	uint8_t in[PKT_MAX];
	size_t len, cut;

	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	/* RTCP multiplexed on the RTP port (RFC 5761): SR, RR, SDES, BYE, APP */
	for (s = stream_pkt(); s.byte1 != 205; s.byte1++)
		if (s.byte1 >= 200)
			assert_spec_passed(&s);
	s = stream_pkt();
	s.byte1 = 192;
	assert_spec_passed(&s);
	s.byte1 = 223;
	assert_spec_passed(&s);
	/* a payload shorter than the RTP header */
	s = stream_pkt();
	s.payload = 0;
	len = build(in, &s);
	in[ETH_LEN + 3] -= 1;	/* 11 bytes of RTP */
	in[ETH_LEN + 20 + 5] -= 1;
	in[ETH_LEN + 10] = 0;
	in[ETH_LEN + 11] = 0;
	assert_passed(in, len - 1);
	/* RTP version 1 and 3 */
	s = stream_pkt();
	s.byte0 = 0x40;
	assert_spec_passed(&s);
	s.byte0 = 0xc0;
	assert_spec_passed(&s);
	/* fragments: the first (MF) and a later one */
	s = stream_pkt();
	s.frag_off = 0x2000;
	assert_spec_passed(&s);
	s.frag_off = 0x0010;
	assert_spec_passed(&s);
	/* not UDP */
	s = stream_pkt();
	s.proto = 6;
	assert_spec_passed(&s);
	/* IPv6 */
	s = stream_pkt();
	len = build(in, &s);
	in[12] = 0x86;
	in[13] = 0xdd;
	assert_passed(in, len);
	/* cut anywhere after the fixed IPv4 header (a test run takes no
	 * less): in IPv4 options, in UDP or RTP header, in the payload */
	s = stream_pkt();
	s.ihl = 8;
	len = build(in, &s);
	for (cut = ETH_LEN + 20; cut < len; cut++)
		assert_passed(in, cut);
	s = stream_pkt();
	len = build(in, &s);
	/* an IPv4 length that disagrees with UDP's */
	in[ETH_LEN + 20 + 5] ^= 2;
	assert_passed(in, len);
}
END_TEST

START_TEST(test_kfwd_telephone_event_pt_mapped_with_its_marker)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen;

	r.te_from = 101;
	r.te_to = 96;
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	s.payload = 4;
	s.byte1 = 0x80 | 101;
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	assert_forwarded(in, out, len);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 8 + 1], 0x80 | 96);
	s.byte1 = 101;
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	assert_forwarded(in, out, len);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 8 + 1], 96);
	/* other payload types as they were, marker or not */
	s.byte1 = 0x80 | 8;
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	assert_forwarded(in, out, len);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 8 + 1], 0x80 | 8);
	s.byte1 = 96;
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	ck_assert_uint_eq(out[ETH_LEN + 20 + 8 + 1], 96);
}
END_TEST

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

START_TEST(test_kfwd_counts_and_rfc3550_state_continue_as_user_space)
{
	/* a start in user space, then in the kernel: in order, a sequence
	 * wrap, a loss, reordering, a duplicate, a far jump ignored once and
	 * taken as a restart when it repeats */
	static const uint16_t seqs[] = { 65533, 65534, 65535, 0, 1, 3, 2, 4, 4, 5,
					 30000, 6, 7, 40000, 40001, 40002 };
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	struct media_rtp_src ref = { 0 };
	struct media_kfwd_counts c;
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen, bytes = 0;
	uint64_t before = 0, after = 0, arr_lo, arr_hi, arrival;
	unsigned i, user = 3;

	for (i = 0; i < user; i++)
		media_rtp_src_update(&ref, s.ssrc, seqs[i], i * 160u, 1000 + i * 160u);
	r.src = ref;
	r.clock_rate = 16000;
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	ck_assert_int_eq(media_kfwd_read(kf, &r.local, &c), 0);
	ck_assert_uint_eq(c.packets, 0);
	ck_assert_uint_eq(c.last_ns, 0);
	ck_assert_uint_eq(c.src.received, user);
	ck_assert_uint_eq(c.src.max_seq, 65535);
	for (i = user; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		s.seq = seqs[i];
		s.ts = i * 160u;
		s.payload = 20 + i;
		len = build(in, &s);
		bytes += 12 + s.payload;
		before = mono_ns();
		ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
		after = mono_ns();
		media_rtp_src_update(&ref, s.ssrc, s.seq, s.ts, 1000 + i * 160u);
	}
	ck_assert_int_eq(media_kfwd_read(kf, &r.local, &c), 0);
	ck_assert_uint_eq(c.packets, i - user);
	ck_assert_uint_eq(c.bytes, bytes);
	ck_assert(c.last_ns >= before && c.last_ns <= after);
	ck_assert(c.src.init);
	ck_assert_uint_eq(c.src.ssrc, ref.ssrc);
	ck_assert_uint_eq(c.src.received, ref.received);
	ck_assert_uint_eq(c.src.cycles, ref.cycles);
	ck_assert_uint_eq(c.src.base_seq, ref.base_seq);
	ck_assert_uint_eq(c.src.max_seq, ref.max_seq);
	ck_assert_uint_eq(c.src.bad_seq, ref.bad_seq);
	ck_assert_int_eq(media_rtp_src_lost(&c.src), media_rtp_src_lost(&ref));
	/* the last arrival in the rule's clock: microseconds * 16000 / 10^6 */
	ck_assert(c.src.have_transit);
	arr_lo = before / 1000 * 16000 / 1000000;
	arr_hi = after / 1000 * 16000 / 1000000;
	arrival = (uint32_t)(c.src.transit + s.ts);
	ck_assert(arrival >= (uint32_t)arr_lo && arrival <= (uint32_t)arr_hi);
	/* arrivals microseconds apart against timestamps 160 apart */
	ck_assert_uint_gt(c.src.jitter, 0);
	ck_assert(media_rtp_src_jitter_ms(&c.src, 16000) < 10.0);
}
END_TEST

START_TEST(test_kfwd_del_gives_final_counts_then_enoent)
{
	struct media_kfwd_rule r = stream_rule();
	struct pkt_spec s = stream_pkt();
	struct media_kfwd_counts c;
	uint8_t in[PKT_MAX], out[PKT_MAX];
	size_t len, outlen;
	struct sockaddr_in other = sin_of(LOCAL, LOCAL_PORT + 2);

	ck_assert_int_eq(media_kfwd_read(kf, &r.local, &c), ENOENT);
	ck_assert_int_eq(media_kfwd_del(kf, &r.local, &c), ENOENT);
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	len = build(in, &s);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	ck_assert_uint_eq(run(in, len, out, &outlen), TC_ACT_REDIRECT);
	ck_assert_int_eq(media_kfwd_read(kf, &other, &c), ENOENT);
	ck_assert_int_eq(media_kfwd_del(kf, &r.local, &c), 0);
	ck_assert_uint_eq(c.packets, 2);
	ck_assert_uint_eq(c.bytes, 2 * (12 + s.payload));
	ck_assert_uint_eq(c.src.received, 2);
	ck_assert_int_eq(media_kfwd_read(kf, &r.local, &c), ENOENT);
	ck_assert_int_eq(media_kfwd_del(kf, &r.local, &c), ENOENT);
	ck_assert_int_eq(media_kfwd_del(kf, &r.local, NULL), ENOENT);
	/* and without a rule the stream's packets go to the socket */
	assert_passed(in, len);
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	ck_assert_int_eq(media_kfwd_del(kf, &r.local, NULL), 0);
	assert_passed(in, len);
}
END_TEST

START_TEST(test_kfwd_add_refuses_addresses_not_ours)
{
	struct media_kfwd_rule r = stream_rule();

	r.out_local = sin_of("10.9.9.9", OUT_LOCAL_PORT);
	ck_assert_int_eq(media_kfwd_add(kf, &r), EINVAL);
	r = stream_rule();
	r.local = sin_of("10.9.9.9", LOCAL_PORT);
	ck_assert_int_eq(media_kfwd_add(kf, &r), EINVAL);
	r = stream_rule();
	r.out_peer.sin_family = AF_INET6;
	ck_assert_int_eq(media_kfwd_add(kf, &r), EINVAL);
	r = stream_rule();
	r.te_from = 101;
	r.te_to = 300;
	ck_assert_int_eq(media_kfwd_add(kf, &r), EINVAL);
}
END_TEST

START_TEST(test_kfwd_open_refuses_no_interface)
{
	struct sockaddr_in a[2] = { sin_of("0.0.0.0", 0), sin_of("10.9.9.9", 0) };
	struct media_kfwd *k = NULL;

	ck_assert_int_eq(media_kfwd_open(&k, a, 2), ENOTSUP);
	ck_assert_int_eq(media_kfwd_open(&k, a, 0), ENOTSUP);
	ck_assert_ptr_null(k);
}
END_TEST

/* End to end on the namespace's loopback. */

static int udp_bound(const char *addr, struct sockaddr_in *sa)
{
	socklen_t sl = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	ck_assert_int_ge(fd, 0);
	*sa = sin_of(addr, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sa, &sl), 0);
	return fd;
}

/* a datagram within ms, its length (or -1) and its source */
static ssize_t recv_within(int fd, uint8_t *buf, size_t cap, struct sockaddr_in *from, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t sl = sizeof(*from);

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &sl);
}

struct lo_setup {
	int peer, local, out_local, out_peer, other;
	struct sockaddr_in peer_sa, local_sa, out_local_sa, out_peer_sa, other_sa;
};

static void lo_open(struct lo_setup *l)
{
	l->peer = udp_bound(PEER, &l->peer_sa);
	l->local = udp_bound(LOCAL, &l->local_sa);
	l->out_local = udp_bound(OUT_LOCAL, &l->out_local_sa);
	l->out_peer = udp_bound(OUT_PEER, &l->out_peer_sa);
	l->other = udp_bound("127.0.0.12", &l->other_sa);
}

static void lo_close(struct lo_setup *l)
{
	close(l->peer);
	close(l->local);
	close(l->out_local);
	close(l->out_peer);
	close(l->other);
}

static struct media_kfwd_rule lo_rule(const struct lo_setup *l)
{
	struct media_kfwd_rule r;

	memset(&r, 0, sizeof(r));
	r.local = l->local_sa;
	r.peer = l->peer_sa;
	r.out_local = l->out_local_sa;
	r.out_peer = l->out_peer_sa;
	r.te_from = 101;
	r.te_to = 100;
	return r;
}

static size_t rtp_payload(uint8_t *b, uint8_t byte1, uint16_t seq)
{
	unsigned i;

	memset(b, 0, 12);
	b[0] = 0x80;
	b[1] = byte1;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[8] = 0xab;
	for (i = 12; i < 172; i++)
		b[i] = (uint8_t)(i * 7);
	return 172;
}

/* from `from`, to the local socket: forwarded to out_peer (true), or
 * delivered to local (false); the other way round fails the test */
static bool lo_send(const struct lo_setup *l, int from, uint8_t byte1, uint16_t seq)
{
	uint8_t sent[256], got[256];
	struct sockaddr_in src;
	size_t n = rtp_payload(sent, byte1, seq);
	ssize_t r;

	ck_assert_int_eq(sendto(from, sent, n, 0, (const struct sockaddr *)&l->local_sa,
				sizeof(l->local_sa)), (ssize_t)n);
	r = recv_within(l->out_peer, got, sizeof(got), &src, 300);
	if (r >= 0) {
		ck_assert_int_eq(r, (ssize_t)n);
		ck_assert_uint_eq(src.sin_addr.s_addr, l->out_local_sa.sin_addr.s_addr);
		ck_assert_uint_eq(src.sin_port, l->out_local_sa.sin_port);
		if ((byte1 & 0x7f) == 101)
			sent[1] = (uint8_t)((byte1 & 0x80) | 100);
		ck_assert(memcmp(sent, got, n) == 0);
		ck_assert_int_eq(recv_within(l->local, got, sizeof(got), &src, 50), -1);
		return true;
	}
	r = recv_within(l->local, got, sizeof(got), &src, 300);
	ck_assert_int_eq(r, (ssize_t)n);
	ck_assert(memcmp(sent, got, n) == 0);
	return false;
}

START_TEST(test_kfwd_loopback_stream_forwarded_in_the_kernel)
{
	struct lo_setup l;
	struct media_kfwd_rule r;
	struct media_kfwd_counts c;

	lo_open(&l);
	r = lo_rule(&l);
	ck_assert(!lo_send(&l, l.peer, 0, 1));
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	ck_assert(lo_send(&l, l.peer, 0, 2));
	ck_assert(lo_send(&l, l.peer, 0x80 | 101, 3));
	ck_assert(lo_send(&l, l.peer, 8, 4));
	/* another source is the media thread's */
	ck_assert(!lo_send(&l, l.other, 0, 5));
	ck_assert_int_eq(media_kfwd_read(kf, &r.local, &c), 0);
	ck_assert_uint_eq(c.packets, 3);
	ck_assert_uint_eq(c.bytes, 3 * 172);
	ck_assert_uint_eq(c.src.received, 3);
	ck_assert_uint_eq(c.src.max_seq, 4);
	/* closed: the program is gone, the socket gets everything */
	media_kfwd_close(kf);
	kf = NULL;
	ck_assert(!lo_send(&l, l.peer, 0, 6));
	lo_close(&l);
}
END_TEST

START_TEST(test_kfwd_open_again_and_over_a_stale_filter)
{
	struct sockaddr_in lo = sin_of(LOCAL, 0);
	struct media_kfwd *stale = NULL;
	struct media_kfwd_rule r;
	struct lo_setup l;

	lo_open(&l);
	r = lo_rule(&l);
	/* open, close, open */
	media_kfwd_close(kf);
	kf = NULL;
	ck_assert_int_eq(media_kfwd_open(&kf, &lo, 1), 0);
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	ck_assert(lo_send(&l, l.peer, 0, 1));
	/* a daemon that died left kf's filter with its rule: a new one
	 * takes the same priority, replaces the filter, and the stale rule
	 * forwards no more */
	stale = kf;
	kf = NULL;
	media_kfwd_drop_claim(stale);
	ck_assert_int_eq(media_kfwd_open(&kf, &lo, 1), 0);
	ck_assert_uint_eq(media_kfwd_tc_prio(kf), media_kfwd_tc_prio(stale));
	ck_assert(!lo_send(&l, l.peer, 0, 2));
	ck_assert_int_eq(media_kfwd_add(kf, &r), 0);
	ck_assert(lo_send(&l, l.peer, 0, 3));
	/* freeing the stale handle leaves the new filter alone */
	media_kfwd_close(stale);
	ck_assert(lo_send(&l, l.peer, 0, 4));
	lo_close(&l);
}
END_TEST

/* Two live daemons in one network namespace: each claims a priority of its
 * own, both filters stay on the interface, and each forwards its own
 * streams (the first passes on what it has no rule for).  Once one is
 * closed, the other goes on, and its priority is free again. */
START_TEST(test_kfwd_two_daemons_in_one_namespace)
{
	struct sockaddr_in lo = sin_of(LOCAL, 0);
	struct media_kfwd *second = NULL, *third = NULL;
	struct media_kfwd_rule r1, r2;
	struct lo_setup l1, l2;
	unsigned p1;

	lo_open(&l1);
	lo_open(&l2);
	r1 = lo_rule(&l1);
	r2 = lo_rule(&l2);
	p1 = media_kfwd_tc_prio(kf);
	ck_assert_uint_eq(p1, MEDIA_KFWD_TC_PRIO);
	ck_assert_int_eq(media_kfwd_open(&second, &lo, 1), 0);
	ck_assert_uint_eq(media_kfwd_tc_prio(second), MEDIA_KFWD_TC_PRIO + 1);
	ck_assert_int_eq(media_kfwd_add(kf, &r1), 0);
	ck_assert_int_eq(media_kfwd_add(second, &r2), 0);
	ck_assert(lo_send(&l1, l1.peer, 0, 1));
	ck_assert(lo_send(&l2, l2.peer, 0, 1));

	/* the first one goes: its streams fall back to their sockets, the
	 * second's are still forwarded, and a new daemon takes priority p1 */
	media_kfwd_close(kf);
	kf = NULL;
	ck_assert(!lo_send(&l1, l1.peer, 0, 2));
	ck_assert(lo_send(&l2, l2.peer, 0, 2));
	ck_assert_int_eq(media_kfwd_open(&third, &lo, 1), 0);
	ck_assert_uint_eq(media_kfwd_tc_prio(third), p1);
	ck_assert(lo_send(&l2, l2.peer, 0, 3));
	ck_assert_int_eq(media_kfwd_add(third, &r1), 0);
	ck_assert(lo_send(&l1, l1.peer, 0, 3));
	media_kfwd_close(third);
	media_kfwd_close(second);
	ck_assert(!lo_send(&l2, l2.peer, 0, 4));
	lo_close(&l1);
	lo_close(&l2);
}
END_TEST

/* Every priority held: open says so, and attaches nothing. */
START_TEST(test_kfwd_open_refuses_when_every_priority_is_held)
{
	struct sockaddr_in lo = sin_of(LOCAL, 0);
	struct media_kfwd *more[MEDIA_KFWD_TC_SLOTS];
	struct media_kfwd *extra = NULL;
	unsigned n = 0;

	/* kf holds the first */
	for (unsigned i = 1; i < MEDIA_KFWD_TC_SLOTS; i++)
		ck_assert_int_eq(media_kfwd_open(&more[n++], &lo, 1), 0);
	ck_assert_int_eq(media_kfwd_open(&extra, &lo, 1), EBUSY);
	ck_assert_ptr_null(extra);
	for (unsigned i = 0; i < n; i++)
		media_kfwd_close(more[i]);
	ck_assert_int_eq(media_kfwd_open(&extra, &lo, 1), 0);
	ck_assert_uint_eq(media_kfwd_tc_prio(extra), MEDIA_KFWD_TC_PRIO + 1);
	media_kfwd_close(extra);
}
END_TEST

static Suite *kfwd_suite(void)
{
	Suite *s = suite_create("media_kfwd");
	TCase *prog = tcase_create("program");
	TCase *lo = tcase_create("loopback");

	tcase_add_checked_fixture(prog, setup, teardown);
	tcase_add_test(prog, test_kfwd_stream_packet_leaves_from_out_local_to_out_peer);
	tcase_add_test(prog, test_kfwd_zero_udp_checksum_stays_zero);
	tcase_add_test(prog, test_kfwd_other_source_goes_to_the_socket);
	tcase_add_test(prog, test_kfwd_other_ssrc_goes_to_the_socket_when_matched);
	tcase_add_test(prog, test_kfwd_what_is_not_plain_rtp_goes_to_the_socket);
	tcase_add_test(prog, test_kfwd_telephone_event_pt_mapped_with_its_marker);
	tcase_add_test(prog, test_kfwd_counts_and_rfc3550_state_continue_as_user_space);
	tcase_add_test(prog, test_kfwd_del_gives_final_counts_then_enoent);
	tcase_add_test(prog, test_kfwd_add_refuses_addresses_not_ours);
	tcase_add_test(prog, test_kfwd_open_refuses_no_interface);
	suite_add_tcase(s, prog);
	tcase_add_checked_fixture(lo, setup, teardown);
	tcase_add_test(lo, test_kfwd_loopback_stream_forwarded_in_the_kernel);
	tcase_add_test(lo, test_kfwd_open_again_and_over_a_stale_filter);
	tcase_add_test(lo, test_kfwd_two_daemons_in_one_namespace);
	tcase_add_test(lo, test_kfwd_open_refuses_when_every_priority_is_held);
	suite_add_tcase(s, lo);
	return s;
}

/* the library's warnings, not its debug lines */
static void quiet_log(enum media_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= MEDIA_LOG_WARN)
		fprintf(stderr, "media: %s\n", msg);
}

int main(void)
{
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct media_kfwd *k;
	int err;

	media_log_set(quiet_log, NULL);
	/* where the kernel gives us no BPF the suite is skipped, and says so */
	err = media_kfwd_open(&k, &lo, 1);
	if (err == EPERM || err == ENOTSUP) {
		printf("test_kfwd: skipped: no eBPF forwarding here (%s)\n", strerror(err));
		return 77;
	}
	if (!err)
		media_kfwd_close(k);
	return test_run_suite(kfwd_suite());
}
