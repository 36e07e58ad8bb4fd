/* libFuzzer harness: the in-kernel forwarder's TC program (kfwd.bpf.c),
 * which parses whatever arrives on our interfaces.  Each input is an
 * Ethernet frame run through BPF_PROG_TEST_RUN with two rules installed
 * (the seeds' stream, and one that matches an SSRC and maps telephone
 * events).  The program either leaves the frame exactly as it was, or
 * redirects a valid IPv4/UDP packet from our out address to the rule's
 * peer with TTL 64, its checksums as valid as they came in.
 *
 * Without BPF (not root, no kernel support) the harness exits 77 at start,
 * which run-fuzzer reports as a skip. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "../unit/inet_csum.h"
#include "media/kfwd_int.h"
#include "media/log.h"

#define ETH_LEN 14
#define FRAME_MAX 1514

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct media_kfwd *kf;

struct rule_out {
	uint32_t addr, port;	/* of the rule's local, network order */
	uint32_t out_saddr, out_daddr;
	uint16_t out_sport, out_dport;
};

static const char *const rule_addrs[2][4] = {
	/* local, peer, out_local, out_peer */
	{ "127.0.0.1", "127.0.0.11", "127.0.0.2", "127.0.0.21" },
	{ "10.0.0.1", "192.0.2.7", "10.0.1.1", "198.51.100.9" },
};
static const uint16_t rule_ports[2][4] = {
	{ 5004, 4000, 6000, 7000 },
	{ 20000, 31000, 20002, 40000 },
};
static struct rule_out outs[2];

static struct sockaddr_in sin_of(const char *addr, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		abort();
	return sa;
}

static void quiet_log(enum media_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= MEDIA_LOG_WARN)
		fprintf(stderr, "media: %s\n", msg);
}

static void close_at_exit(void)
{
	media_kfwd_close(kf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct media_kfwd_rule r;
	unsigned i;
	int err;

	(void)argc;
	(void)argv;
	media_log_set(quiet_log, NULL);
	/* loaded, attached nowhere: test runs need no interface */
	err = media_kfwd_load(&kf);
	if (err) {
		printf("fuzz_kfwd: skipped: the eBPF program cannot be loaded here (%s)\n",
		       strerror(err));
		exit(77);
	}
	atexit(close_at_exit);
	for (i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		r.local = sin_of(rule_addrs[i][0], rule_ports[i][0]);
		r.peer = sin_of(rule_addrs[i][1], rule_ports[i][1]);
		r.out_local = sin_of(rule_addrs[i][2], rule_ports[i][2]);
		r.out_peer = sin_of(rule_addrs[i][3], rule_ports[i][3]);
		r.te_from = i ? 101 : -1;
		r.te_to = i ? 96 : -1;
		r.match_ssrc = i == 1;
		r.ssrc = 0x11223344;
		if (media_kfwd_add_dev(kf, &r, 1, i == 0))
			abort();
		outs[i].addr = r.local.sin_addr.s_addr;
		outs[i].port = r.local.sin_port;
		outs[i].out_saddr = r.out_local.sin_addr.s_addr;
		outs[i].out_daddr = r.out_peer.sin_addr.s_addr;
		outs[i].out_sport = r.out_local.sin_port;
		outs[i].out_dport = r.out_peer.sin_port;
	}
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* a zero checksum is none, and counts as valid */
static bool udp_ok(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	return (!udp[6] && !udp[7]) || inet_udp_sum(ip, udp, ulen) == 0xffff;
}

/* out is in forwarded by one of the rules */
static void check_forwarded(const uint8_t *in, const uint8_t *out, size_t len)
{
	const uint8_t *ip = out + ETH_LEN, *iip = in + ETH_LEN;
	size_t hl, ulen;
	const struct rule_out *o = NULL;
	unsigned i;

	if (len < ETH_LEN + 20 || rd16(out + 12) != 0x0800 || ip[0] >> 4 != 4 || ip[9] != 17)
		abort();
	hl = (ip[0] & 0x0fu) * 4u;
	if (hl < 20 || ETH_LEN + hl + 8 + 12 > len || rd16(ip + 2) + ETH_LEN > len)
		abort();
	ulen = rd16(ip + 2) - hl;
	if (rd16(ip + hl + 4) != ulen)	/* the UDP length */
		abort();
	for (i = 0; i < 2; i++)
		if (!memcmp(iip + 16, &outs[i].addr, 4) && !memcmp(iip + hl + 2, &outs[i].port, 2))
			o = &outs[i];
	if (!o)
		abort();	/* forwarded without a rule */
	if (memcmp(ip + 12, &o->out_saddr, 4) || memcmp(ip + 16, &o->out_daddr, 4) ||
	    memcmp(ip + hl, &o->out_sport, 2) || memcmp(ip + hl + 2, &o->out_dport, 2) ||
	    ip[8] != 64 || ip[1] != iip[1])
		abort();
	/* no IPv4 options cross; identification 0 with DF, as our socket sends */
	if (hl != 20 || ip[4] || ip[5] || ip[6] != 0x40 || ip[7])
		abort();
	/* incremental updates: as valid as the sender's */
	if (inet_ip_ok(ip) != inet_ip_ok(iip) || udp_ok(ip, ip + hl, ulen) != udp_ok(iip, iip + hl, ulen))
		abort();
	if (!rd16(ip + hl + 6) != !rd16(iip + hl + 6))
		abort();	/* a zero checksum stays zero, and only that */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[FRAME_MAX + 64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = (uint32_t)size,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (size <= ETH_LEN)
		return 0;
	if (size > FRAME_MAX)
		size = FRAME_MAX;	/* what a link brings at most */
	o.data_size_in = (uint32_t)size;
	/* EINVAL: a frame the kernel will not build a test skb of (shorter
	 * than its network header) */
	if (bpf_prog_test_run_opts(media_kfwd_prog_fd(kf), &o)) {
		if (errno == EINVAL)
			return 0;
		abort();
	}
	if (o.data_size_out != size)
		abort();
	if (o.retval == (uint32_t)TC_ACT_UNSPEC) {
		if (memcmp(out, data, size))
			abort();	/* not ours, and changed */
		return 0;
	}
	if (o.retval != TC_ACT_REDIRECT)
		abort();
	check_forwarded(data, out, size);
	return 0;
}
