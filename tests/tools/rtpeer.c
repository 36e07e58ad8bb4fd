/* rtpeer: one end of an RTP stream for lab tests.
 *
 *   rtpeer --bind IP:PORT --peer IP:PORT [--count N] [--ptime MS]
 *          [--srtp-tx INLINE] [--srtp-rx INLINE] [--wait MS] [--report FILE]
 *          [--delay MS]
 *
 * Sends N RTP packets (PCMU, 160-byte payload whose bytes carry the
 * sequence number, so a receiver can tell a packet was relayed intact) to
 * the peer every ptime milliseconds from the bound address, and counts the
 * packets that arrive: how many, how many had an intact payload, how many
 * failed SRTP authentication.  With --srtp-tx the packets are SRTP
 * (AES_CM_128_HMAC_SHA1_80, the SDES inline key we announced); with
 * --srtp-rx what arrives is decrypted with the key the other end announced.
 * Waits --wait ms after the last packet sent for stragglers, then writes
 * "sent N received R intact I auth_failed F" to the report file (or
 * stdout).  --peer may be given as HOST:0 and read at start from a file
 * with --peer-file, for a port only known from an SDP. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "media/crypto.h"
#include "media/media.h"

static int parse_addr(const char *s, struct sockaddr_storage *sa)
{
	char ip[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(ip))
		return EINVAL;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	return media_sockaddr(sa, ip, (uint16_t)atoi(colon + 1));
}

static int parse_key(const char *inline_key, struct media_key *k)
{
	struct media_sdp_crypto c;

	memset(&c, 0, sizeof(c));
	c.tag = 1;
	c.suite.p = "AES_CM_128_HMAC_SHA1_80";
	c.suite.l = strlen(c.suite.p);
	c.key_params.p = inline_key;
	c.key_params.l = strlen(inline_key);
	return media_key_from_sdes(k, &c);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *bind_s = NULL, *peer_s = NULL, *tx_key = NULL, *rx_key = NULL;
	const char *report = NULL;
	int count = 100, ptime = 20, wait = 500, delay = 0;
	struct media_srtp *tx = NULL, *rx = NULL;
	struct sockaddr_storage local, peer;
	unsigned received = 0, intact = 0, auth_failed = 0;
	uint32_t ssrc = (uint32_t)getpid() * 2654435761u;
	int fd;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--bind"))
			bind_s = argv[i + 1];
		else if (!strcmp(argv[i], "--peer"))
			peer_s = argv[i + 1];
		else if (!strcmp(argv[i], "--count"))
			count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ptime"))
			ptime = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--wait"))
			wait = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--delay"))
			delay = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--srtp-tx"))
			tx_key = argv[i + 1];
		else if (!strcmp(argv[i], "--srtp-rx"))
			rx_key = argv[i + 1];
		else if (!strcmp(argv[i], "--report"))
			report = argv[i + 1];
	}
	if (!bind_s || !peer_s || parse_addr(bind_s, &local) || parse_addr(peer_s, &peer)) {
		fprintf(stderr, "usage: rtpeer --bind IP:PORT --peer IP:PORT [options]\n");
		return 2;
	}
	if (tx_key) {
		struct media_key k;
		if (parse_key(tx_key, &k) || media_srtp_alloc(&tx, &k, false)) {
			fprintf(stderr, "rtpeer: bad --srtp-tx key\n");
			return 2;
		}
	}
	if (rx_key) {
		struct media_key k;
		if (parse_key(rx_key, &k) || media_srtp_alloc(&rx, &k, true)) {
			fprintf(stderr, "rtpeer: bad --srtp-rx key\n");
			return 2;
		}
	}
	fd = socket(local.ss_family, SOCK_DGRAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&local,
			   local.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in))) {
		perror("rtpeer: bind");
		return 1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);

	double next = now_ms(), end = next + (double)count * ptime + wait;
	int sent = 0;
	while (now_ms() < end) {
		double t = now_ms();
		if (sent < count && t >= next) {
			uint8_t pkt[12 + 160 + MEDIA_SRTP_MAX_TRAILER + 4];
			size_t len = 12 + 160;
			uint16_t seq = (uint16_t)(sent + 1);
			uint32_t ts = (uint32_t)sent * 160;
			pkt[0] = 0x80;
			pkt[1] = 0;		/* PCMU */
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			pkt[4] = (uint8_t)(ts >> 24);
			pkt[5] = (uint8_t)(ts >> 16);
			pkt[6] = (uint8_t)(ts >> 8);
			pkt[7] = (uint8_t)ts;
			pkt[8] = (uint8_t)(ssrc >> 24);
			pkt[9] = (uint8_t)(ssrc >> 16);
			pkt[10] = (uint8_t)(ssrc >> 8);
			pkt[11] = (uint8_t)ssrc;
			memset(pkt + 12, (int)(seq & 0xff), 160);
			if (!tx || media_srtp_protect(tx, pkt, &len, sizeof(pkt), false) == 0)
				sendto(fd, pkt, len, 0, (struct sockaddr *)&peer,
				       peer.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
								    sizeof(struct sockaddr_in));
			sent++;
			next += ptime;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int to = (int)(next - now_ms());
		poll(&pfd, 1, sent < count ? (to > 0 ? to : 0) : 20);
		for (;;) {
			uint8_t buf[2048];
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				break;
			size_t len = (size_t)n;
			if (len < 12 || (buf[0] & 0xc0) != 0x80 || (buf[1] >= 200 && buf[1] <= 204))
				continue;	/* not RTP (RTCP on a muxed port) */
			if (rx && media_srtp_unprotect(rx, buf, &len, false)) {
				auth_failed++;
				continue;
			}
			received++;
			uint16_t seq = (uint16_t)(buf[2] << 8 | buf[3]);
			if (len == 12 + 160) {
				size_t k = 12;
				while (k < len && buf[k] == (uint8_t)(seq & 0xff))
					k++;
				if (k == len)
					intact++;
			}
		}
	}
	FILE *out = report ? fopen(report, "w") : stdout;
	if (!out)
		return 1;
	fprintf(out, "sent %d received %u intact %u auth_failed %u\n", sent, received, intact,
		auth_failed);
	if (out != stdout)
		fclose(out);
	media_srtp_free(tx);
	media_srtp_free(rx);
	close(fd);
	return 0;
}
