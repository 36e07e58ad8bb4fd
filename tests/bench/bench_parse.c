/* Parser throughput: a typical INVITE with SDP and a typical 200 OK with
 * SDP, parsed over and over on one core.  Prints messages per second and
 * nanoseconds per message.  Usage: bench_parse [SECONDS_PER_CASE] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sip/sip.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct mbuf *load(const char *name)
{
	char path[1024];
	struct mbuf *mb;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/sip/%s", TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (mbuf_alloc(&mb, (size_t)n) || fread(mb->data, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	mb->len = (size_t)n;
	fclose(f);
	return mb;
}

static void run(const char *label, const char *file, double seconds)
{
	struct mbuf *mb = load(file);
	unsigned long n = 0;
	double t0 = now(), t;
	struct sip_msg *msg;

	/* check once that the message is clean, then measure */
	if (sip_msg_parse(&msg, mb, 0, mb->len, SIP_PARSE_DGRAM, NULL) || msg->bad.status) {
		fprintf(stderr, "%s does not parse cleanly\n", file);
		exit(1);
	}
	sip_msg_free(msg);
	do {
		for (int i = 0; i < 10000; i++) {
			if (sip_msg_parse(&msg, mb, 0, mb->len, SIP_PARSE_DGRAM, NULL))
				exit(1);
			sip_msg_free(msg);
		}
		n += 10000;
		t = now() - t0;
	} while (t < seconds);
	printf("%-28s %5zu bytes  %10.0f msg/s  %7.1f ns/msg\n", label, mb->len,
	       (double)n / t, t * 1e9 / (double)n);
	mbuf_unref(mb);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;

	printf("parser benchmark, one core, %.1f s per message kind\n", secs);
	run("INVITE with SDP", "invite-sdp.sip", secs);
	run("200 OK with SDP", "ok200-sdp.sip", secs);
	return 0;
}
