/* SRTP cost per packet: srtp_protect and srtp_unprotect of a 172-byte
 * G.711 RTP packet (in place, contexts reused), in a loop over N streams
 * that each have their own key, protect and unprotect context, for each
 * suite and N.  Each configuration runs twice in child processes: with
 * AES-CM and HMAC-SHA1 on OpenSSL (what the relay uses) and on libsrtp's
 * own primitives, so the two are compared in one run.
 *
 *   bench_srtp [rounds]     (rounds over all streams per measurement, 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "media/crypto.h"

#define PKT 172

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void rtp_packet(uint8_t *p, uint32_t ssrc, uint16_t seq)
{
	memset(p, 0xd5, PKT);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	memset(p + 4, 0, 4);
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
}

/* prints "protect X us, unprotect Y us" per packet; returns 0 */
static int measure(enum media_suite suite, unsigned n, unsigned rounds)
{
	struct media_srtp **tx = calloc(n, sizeof(*tx)), **rx = calloc(n, sizeof(*rx));
	uint8_t (*pkt)[PKT + 64] = calloc(n, sizeof(*pkt));
	size_t *len = calloc(n, sizeof(*len));
	double prot = 0, unprot = 0;
	uint16_t seq = 1;

	if (!tx || !rx || !pkt || !len)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		struct media_key k;
		if (media_key_generate(&k, suite) || media_srtp_alloc(&tx[i], &k, false) ||
		    media_srtp_alloc(&rx[i], &k, true))
			return 1;
	}
	for (unsigned r = 0; r < rounds; r++, seq++) {
		double t0 = now_us();
		for (unsigned i = 0; i < n; i++) {
			rtp_packet(pkt[i], 0x1000 + i, seq);
			len[i] = PKT;
			if (media_srtp_protect(tx[i], pkt[i], &len[i], sizeof(pkt[i]), false))
				return 1;
		}
		double t1 = now_us();
		for (unsigned i = 0; i < n; i++) {
			if (media_srtp_unprotect(rx[i], pkt[i], &len[i], false) || len[i] != PKT)
				return 1;
		}
		double t2 = now_us();
		if (r) {	/* the first round sets up libsrtp's streams */
			prot += t1 - t0;
			unprot += t2 - t1;
		}
	}
	printf("  %5u streams  protect %6.2f us  unprotect %6.2f us\n", n,
	       prot / ((double)n * (rounds - 1)), unprot / ((double)n * (rounds - 1)));
	for (unsigned i = 0; i < n; i++) {
		media_srtp_free(tx[i]);
		media_srtp_free(rx[i]);
	}
	free(tx);
	free(rx);
	free(pkt);
	free(len);
	return 0;
}

int main(int argc, char **argv)
{
	static const enum media_suite suites[] = { MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80,
						   MEDIA_SUITE_AEAD_AES_128_GCM };
	static const unsigned counts[] = { 10, 300, 1000, 3000 };
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 20;

	if (rounds < 2)
		rounds = 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (int ossl = 1; ossl >= 0; ossl--) {
			/* a fresh process each: the primitives are chosen once */
			pid_t pid = fork();
			if (pid < 0)
				return 1;
			if (pid == 0) {
				media_srtp_use_openssl(ossl);
				if (!media_suite_supported(suites[s])) {
					printf("%s: not supported by this libsrtp\n", media_suite_name(suites[s]));
					_exit(0);
				}
				printf("%s, %s:\n", media_suite_name(suites[s]),
				       suites[s] != MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80
					       ? "libsrtp's own GCM"
				       : media_srtp_openssl() ? "AES-CM and HMAC-SHA1 on OpenSSL"
							      : "libsrtp's own AES-CM and HMAC-SHA1");
				for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
					if (measure(suites[s], counts[c], rounds))
						_exit(1);
				_exit(0);
			}
			int st;
			if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				return 1;
			/* GCM does not use the replaced types: once is enough */
			if (suites[s] != MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80)
				break;
		}
	}
	return 0;
}
