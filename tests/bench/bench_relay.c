/* Relay benchmark: many G.711 streams (172-byte RTP, 50 packets/s each)
 * through the media relay on loopback, at rising rates.
 *
 *   bench_relay [seconds-per-step] [media-threads] [max-streams] [plain,srtp,kernel,rtpengine]
 *
 * For each step and mode (plain RTP->RTP, SRTP->RTP, plain RTP forwarded
 * in the kernel) it prints the offered packet rate, two CPU figures per
 * relayed packet (below), loss, packets per wake-up (per voluntary context
 * switch of the hop's threads), and the one-way latency p50/p99 through
 * the relay next to the same path without it (the difference is what the
 * relay adds).
 * With rtpengine installed (Debian rtpengine-daemon) the same load goes
 * through it too, in userspace forwarding, driven by its ng protocol, and
 * its CPU is read from every thread's schedstat.  Modes (4th argument, a
 * comma list): plain, srtp, kernel, rtpengine.  kernel is the relay with
 * MEDIA_KFWD_AUTO; it is skipped when the engine could not load its
 * program.
 *
 * Two CPU figures.  "own": the CPU time of the relay's media threads, or
 * of every thread of rtpengine.  "hop": what the hop costs the whole
 * machine.  Each step runs the same load three times: straight from the
 * generator to the receiver (direct), through the hop, and direct again.
 * Each run adds up every task that takes part, in nanoseconds: the
 * generator (its own process CPU clock over its sending loop), this
 * process (receiver, media threads, an idle main thread), rtpengine's
 * threads, and the kernel's ksoftirqd threads.  hop = (total through the
 * hop - the direct runs' mean total per packet sent x packets sent) /
 * packets received.  The own figure is dishonest for the kernel mode,
 * whose forwarding runs in the generator's softirq; the hop figure charges
 * every mode alike.  It is the difference of two totals, so noisy: the
 * two direct runs' difference is printed as its spread (+-).  Not seen
 * by either: interrupt work that lands on an idle CPU.
 * What the own figure charges: on a kernel without IRQ time accounting that
 * includes the softirq work a loopback send runs in the sender's context:
 * the delivery into the receiver's socket and, if the receiver sleeps on
 * that socket, its wake-up.  A NIC driver would take the delivery's place
 * in production; the receiver's wake-up is the harness's.  So by default
 * the receiver never sleeps on its socket: it wakes every 1 ms on a
 * timer and drains it (as rtpengine-cost.py does), and each packet's
 * arrival time is the kernel's receive timestamp (SO_TIMESTAMPNS, taken
 * when the sender hands the packet to loopback), so that its own sleeps
 * do not count as latency either.  Relay and rtpengine are charged alike.
 * For SRTP the direct runs send SRTP too (the generator's protect is not
 * the hop's), with the send time written back in clear for the receiver.
 * BENCH_SLOT_US: the generator's burst interval (1000 us by default).
 * BENCH_RECV=wake: the receiver sleeps in poll() on its socket, so that
 * every send also pays for waking it (the harness before); BENCH_RECV=busy
 * (or BENCH_RECV_BUSY=1): it spins without sleeping.
 * Run it inside a private network namespace (tests/netns-run): it only
 * uses 127.0.0.0/8.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "media/media.h"

#define PKT_LEN 172
#define PPS_PER_STREAM 50
#define MAX_SAMPLES (1u << 22)
#define GEN_PERIOD_US 20000	/* a G.711 stream's packet interval */
#define GEN_PORT 19000 /* the generator's fixed source: the relay latches to it */

struct bench {
	struct media_engine *me;
	struct ev_loop *loop;
	unsigned nstreams;
	bool srtp;
	struct media_key key;
	int gen_fd, recv_fd;
	double seconds;
	atomic_bool stop_recv;
	atomic_ullong received;
	uint64_t sent;
	uint32_t *lat_ns;		/* samples */
	atomic_uint nlat;
	uint16_t seq;		/* continues across runs: SRTP refuses replays */
	uint16_t recv_port;
	enum { RECV_TIMER, RECV_WAKE, RECV_BUSY } recv_mode;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* the send stamp in the payload and the kernel's receive stamp: wall clock */
static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int udp_socket(const char *ip, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 8 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void *receiver(void *arg)
{
	struct bench *b = arg;
	static uint8_t buf[32][2048];
	static uint8_t ctl[32][CMSG_SPACE(sizeof(struct timespec))];
	struct mmsghdr msg[32];
	struct iovec iov[32];
	unsigned i;
	int one = 1, n = 0;

	/* the arrival time is the kernel's, taken when the sender hands the
	 * packet to loopback, not when we get round to reading it */
	setsockopt(b->recv_fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	for (i = 0; i < 32; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&b->stop_recv)) {
		struct pollfd pfd = { .fd = b->recv_fd, .events = POLLIN };
		struct timespec nap = { 0, 1000000 };

		/* after a full batch more may be queued: read on before sleeping */
		if (n == 32)
			;
		else if (b->recv_mode == RECV_WAKE && poll(&pfd, 1, 50) != 1)
			continue;
		else if (b->recv_mode == RECV_TIMER)
			nanosleep(&nap, NULL);
		for (i = 0; i < 32; i++) {
			msg[i].msg_hdr.msg_control = ctl[i];
			msg[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(b->recv_fd, msg, 32, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		uint64_t now = wall_ns();

		for (i = 0; i < (unsigned)n; i++) {
			struct cmsghdr *c;
			uint64_t sent, t = now;
			unsigned k;

			if (msg[i].msg_len < 20)
				continue;
			for (c = CMSG_FIRSTHDR(&msg[i].msg_hdr); c; c = CMSG_NXTHDR(&msg[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(c), sizeof(ts));
					t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
				}
			memcpy(&sent, buf[i] + 12, sizeof(sent));
			k = atomic_fetch_add(&b->nlat, 1);
			if (k < MAX_SAMPLES)
				b->lat_ns[k] = t > sent ? (uint32_t)(t - sent > UINT32_MAX ? UINT32_MAX : t - sent) : 0;
		}
		atomic_fetch_add(&b->received, (unsigned long long)n);
	}
	return NULL;
}

static void make_rtp(uint8_t *p, unsigned stream, uint16_t seq)
{
	uint32_t ssrc = 0x10000 + stream, ts = (uint32_t)seq * 160u;

	memset(p, 0xd5, PKT_LEN);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
}

/* sends every stream's packet once per 20 ms, spread over slots of
 * BENCH_SLOT_US (1000 unless set; a divisor of 20000): the streams of one
 * slot go out in one burst, which one relay thread handles packet after
 * packet, so the slot sets how many packets a wake-up finds and the
 * queueing inside a burst */
static void generate_local(struct bench *b, struct sockaddr_in *dst, unsigned n, double seconds,
			   struct media_srtp *tx, bool clear_stamp)
{
	static uint8_t buf[32][256];
	struct mmsghdr msg[32];
	struct iovec iov[32];
	const char *env = getenv("BENCH_SLOT_US");
	unsigned slot_us = env && atoi(env) > 0 ? (unsigned)atoi(env) : 1000;
	unsigned nslots = GEN_PERIOD_US / slot_us ? GEN_PERIOD_US / slot_us : 1;
	uint64_t start = now_ns(), slot_ns = (uint64_t)GEN_PERIOD_US * 1000u / nslots, next = start;
	uint64_t end = start + (uint64_t)(seconds * 1e9);
	unsigned slot = 0, i;

	while (now_ns() < end) {
		unsigned from = n * slot / nslots, to = n * (slot + 1) / nslots, k = 0;

		for (i = from; i < to; i++) {
			size_t len = PKT_LEN;
			uint64_t t;

			make_rtp(buf[k], i, b->seq);
			t = wall_ns();
			memcpy(buf[k] + 12, &t, sizeof(t));
			if (tx && media_srtp_protect(tx, buf[k], &len, sizeof(buf[k]), false))
				continue;
			/* straight to the receiver, which does not decrypt */
			if (tx && clear_stamp)
				memcpy(buf[k] + 12, &t, sizeof(t));
			iov[k].iov_base = buf[k];
			iov[k].iov_len = len;
			memset(&msg[k], 0, sizeof(msg[k]));
			msg[k].msg_hdr.msg_name = &dst[i];
			msg[k].msg_hdr.msg_namelen = sizeof(dst[i]);
			msg[k].msg_hdr.msg_iov = &iov[k];
			msg[k].msg_hdr.msg_iovlen = 1;
			if (++k == 32 || i + 1 == to) {
				int r = sendmmsg(b->gen_fd, msg, k, 0);

				if (r > 0)
					b->sent += (unsigned)r;
				k = 0;
			}
		}
		if (k) {
			int r = sendmmsg(b->gen_fd, msg, k, 0);

			if (r > 0)
				b->sent += (unsigned)r;
		}
		if (++slot == nslots) {
			slot = 0;
			b->seq++;
		}
		next += slot_ns;
		{
			struct timespec ts = { (time_t)(next / 1000000000u), (long)(next % 1000000000u) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
	}
}


/* The generator runs in a process of its own (this program again, with
 * --gen): its SRTP library state, locks and caches are not the relay's.
 *   --gen N SECONDS SEQ0 DST_IP KEYHEX|- CLEAR   ports (uint16 x N) on stdin,
 *   CLEAR 1: the send time stays readable after SRTP protect,
 *   prints "SENT FINAL_SEQ CPU_NS", the CPU of its sending loop (with the
 *   loopback deliveries that run in its context) */
static int gen_main(char **argv)
{
	struct bench b;
	struct sockaddr_in *dst, src = { .sin_family = AF_INET, .sin_port = htons(GEN_PORT) };
	struct media_srtp *tx = NULL;
	unsigned n = (unsigned)atoi(argv[2]), i;
	double seconds = atof(argv[3]);
	struct timespec c0, c1;
	int one = 1;

	memset(&b, 0, sizeof(b));
	b.seq = (uint16_t)atoi(argv[4]);
	dst = calloc(n, sizeof(*dst));
	b.gen_fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "127.0.0.11", &src.sin_addr);
	setsockopt(b.gen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!dst || bind(b.gen_fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		uint16_t port;

		if (fread(&port, sizeof(port), 1, stdin) != 1)
			return 1;
		dst[i].sin_family = AF_INET;
		dst[i].sin_port = htons(port);
		inet_pton(AF_INET, argv[5], &dst[i].sin_addr);
	}
	if (strcmp(argv[6], "-") != 0) {
		struct media_key k = { .suite = MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, .len = 30 };

		for (i = 0; i < 30; i++)
			sscanf(argv[6] + 2 * i, "%2hhx", &k.key[i]);
		if (media_srtp_alloc(&tx, &k, false))
			return 1;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	generate_local(&b, dst, n, seconds, tx, strcmp(argv[7], "1") == 0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	printf("%llu %u %lld\n", (unsigned long long)b.sent, b.seq,
	       (long long)(c1.tv_sec - c0.tv_sec) * 1000000000 + (c1.tv_nsec - c0.tv_nsec));
	media_srtp_free(tx);
	free(dst);
	return 0;
}

/* runs the generator process to completion; adds what it sent to b->sent;
 * *cpu_ns: the CPU its sending took */
static int generate(struct bench *b, const uint16_t *ports, const char *dst_ip, unsigned n,
		    double seconds, bool srtp, bool clear_stamp, uint64_t *cpu_ns)
{
	char a_n[16], a_s[32], a_seq[16], key[64] = "-";
	int in[2], out[2], status;
	unsigned long long sent = 0;
	long long cpu = 0;
	unsigned seq = 0;
	FILE *f;
	pid_t pid;
	unsigned i;

	snprintf(a_n, sizeof(a_n), "%u", n);
	snprintf(a_s, sizeof(a_s), "%f", seconds);
	snprintf(a_seq, sizeof(a_seq), "%u", b->seq);
	if (srtp)
		for (i = 0; i < 30; i++)
			snprintf(key + 2 * i, 3, "%02x", b->key.key[i]);
	if (pipe(in) || pipe(out))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *args[] = { "bench_relay", "--gen", a_n, a_s, a_seq, (char *)dst_ip, key,
				 clear_stamp ? "1" : "0", NULL };

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (write(in[1], ports, n * sizeof(*ports)) != (ssize_t)(n * sizeof(*ports)))
		return -1;
	close(in[1]);
	f = fdopen(out[0], "r");
	if (!f || fscanf(f, "%llu %u %lld", &sent, &seq, &cpu) != 3) {
		if (f)
			fclose(f);
		waitpid(pid, &status, 0);
		return -1;
	}
	fclose(f);
	waitpid(pid, &status, 0);
	b->sent += sent;
	b->seq = (uint16_t)seq;
	if (cpu_ns)
		*cpu_ns = cpu > 0 ? (uint64_t)cpu : 0;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(struct bench *b, double *p50, double *p99)
{
	unsigned n = atomic_load(&b->nlat);

	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	*p50 = *p99 = 0;
	if (!n)
		return;
	qsort(b->lat_ns, n, sizeof(uint32_t), cmp_u32);
	*p50 = b->lat_ns[n / 2] / 1000.0;
	*p99 = b->lat_ns[(size_t)n * 99 / 100] / 1000.0;
}

static uint64_t relay_cpu_ns(struct bench *b)
{
	uint64_t sum = 0, ns;
	unsigned i;

	for (i = 0; i < media_engine_threads(b->me); i++)
		if (media_engine_thread_cpu_ns(b->me, i, &ns) == 0)
			sum += ns;
	return sum;
}

/* the voluntary context switches (sleeps, so wake-ups) of a process's
 * threads whose name starts with prefix ("" for all of them) */
static uint64_t task_wakeups(pid_t pid, const char *prefix)
{
	char path[64];
	uint64_t sum = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char f[320], line[128], comm[64] = "";
		unsigned long long n;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "/proc/%d/task/%s/status", (int)pid, e->d_name);
		fp = fopen(f, "r");
		if (!fp)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "Name: %63s", comm) == 1 && strncmp(comm, prefix, strlen(prefix)) != 0)
				break;
			if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1)
				sum += n;
		}
		fclose(fp);
	}
	closedir(d);
	return sum;
}

/* a task's CPU time: schedstat's first field, sum_exec_runtime in ns */
static uint64_t schedstat_ns(const char *path)
{
	unsigned long long ns = 0;
	FILE *fp = fopen(path, "r");

	if (!fp)
		return 0;
	if (fscanf(fp, "%llu", &ns) != 1)
		ns = 0;
	fclose(fp);
	return ns;
}

/* the kernel's per-CPU softirq threads: the softirq work that does not
 * run in the sending task's context (a backlog left over, a long burst)
 * runs in them */
#define MAX_KSOFTIRQD 256
static pid_t ksoftirqd[MAX_KSOFTIRQD];
static unsigned nksoftirqd;

static void ksoftirqd_find(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d)) && nksoftirqd < MAX_KSOFTIRQD) {
		char path[300], comm[64] = "";
		FILE *fp;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (fgets(comm, sizeof(comm), fp) && strncmp(comm, "ksoftirqd/", 10) == 0)
			ksoftirqd[nksoftirqd++] = (pid_t)atoi(e->d_name);
		fclose(fp);
	}
	if (d)
		closedir(d);
}

static uint64_t ksoftirqd_ns(void)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < nksoftirqd; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)ksoftirqd[i]);
		sum += schedstat_ns(path);
	}
	return sum;
}

/* every thread of this process: the receiver, the media threads, main */
static uint64_t self_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void reset_counts(struct bench *b)
{
	b->sent = 0;
	atomic_store(&b->received, 0);
	atomic_store(&b->nlat, 0);
}

/* ---- what is measured: our relay, or rtpengine through its ng protocol ---- */

struct target {
	const char *name;
	/* n streams; ports[i]: where stream i's caller sends, at *dst_ip */
	int (*setup)(struct bench *b, unsigned n, uint16_t *ports, const char **dst_ip);
	/* its own threads' CPU */
	uint64_t (*cpu_ns)(struct bench *b);
	/* its CPU outside this process, for the whole-hop figure; NULL: none */
	uint64_t (*outside_ns)(struct bench *b);
	uint64_t (*wakeups)(void);
	void (*teardown)(struct bench *b, unsigned n);
};

static struct media_engine_cfg engine_cfg;
static struct media_call *calls[4096 / MEDIA_MAX_STREAMS + 2];
static unsigned ncalls;

static int relay_setup(struct bench *b, unsigned n, uint16_t *ports, const char **dst_ip)
{
	struct media_call *call = NULL;
	unsigned i;

	/* a fresh engine per step: ports and streams start clean */
	if (n > 4000 || media_engine_alloc(&b->me, &engine_cfg) ||
	    media_engine_zone_add(b->me, "internal", "127.0.0.1", 20000, 29999, 0) ||
	    media_engine_zone_add(b->me, "external", "127.0.0.2", 30000, 39999, 0))
		return -1;
	ncalls = 0;
	for (i = 0; i < n; i++) {
		struct media_stream_cfg cfg;
		uint16_t our[2];
		unsigned idx;

		/* 16 streams per call */
		if (i % MEDIA_MAX_STREAMS == 0) {
			if (media_call_alloc(&call, b->me, NULL))
				return -1;
			calls[ncalls++] = call;
		}
		if (media_call_stream_add(call, "internal", "external", &idx, our))
			return -1;
		memset(&cfg, 0, sizeof(cfg));
		cfg.side[0].te_pt = cfg.side[1].te_pt = -1;
		cfg.side[0].dir = cfg.side[1].dir = MEDIA_DIR_SENDRECV;
		cfg.side[0].rtp.ss_family = AF_UNSPEC; /* latched from the first packet */
		media_sockaddr(&cfg.side[1].rtp, "127.0.0.21", b->recv_port);
		if (b->srtp) {
			cfg.side[0].srtp = true;
			cfg.side[0].rx_key = b->key;
			cfg.side[0].tx_key = b->key;
		}
		media_call_stream_update(call, idx, &cfg);
		ports[i] = our[0];
	}
	*dst_ip = "127.0.0.1";
	return 0;
}

/* the streams' final counts (MEDIA_EV_STATS), of the caller's side */
static struct {
	uint64_t packets, kernel_packets;
	unsigned ends;
} tally;

static void on_event(const struct media_event *ev)
{
	if (ev->type == MEDIA_EV_STATS) {
		tally.packets += ev->stats.rx[0].packets;
		tally.kernel_packets += ev->stats.rx[0].kernel_packets;
	} else if (ev->type == MEDIA_EV_END) {
		tally.ends++;
	}
}

static void relay_teardown(struct bench *b, unsigned n)
{
	unsigned i, ms;

	(void)n;
	memset(&tally, 0, sizeof(tally));
	for (i = 0; i < ncalls; i++)
		media_call_free(calls[i]);
	/* the engine drops what is pending when freed: take the events first */
	for (ms = 0; ms < 2000 && tally.ends < ncalls; ms++) {
		ev_run(b->loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	ncalls = 0;
	media_engine_free(b->me);
	b->me = NULL;
}

/* rtpengine (userspace forwarding) started by us, driven by its ng
 * control protocol: bencoded dictionaries over UDP */
static pid_t rtpe_pid;
static int ng_fd = -1;

static int ng(const char *cmd, char *reply, size_t size)
{
	static unsigned cookie;
	char msg[2048];
	int len, n, tries;

	len = snprintf(msg, sizeof(msg), "%u_%u %s", (unsigned)getpid(), ++cookie, cmd);
	for (tries = 0; tries < 3; tries++) {
		struct pollfd pfd = { .fd = ng_fd, .events = POLLIN };

		if (send(ng_fd, msg, (size_t)len, 0) != len)
			return -1;
		if (poll(&pfd, 1, 2000) != 1)
			continue;
		n = (int)recv(ng_fd, reply, size - 1, 0);
		if (n <= 0)
			return -1;
		reply[n] = '\0';
		return strstr(reply, "6:result2:ok") || strstr(reply, "6:result4:pong") ? 0 : -1;
	}
	return -1;
}

/* "d7:command5:offer7:call-id..." with the SDP as a bencoded string */
static int ng_sdp(const char *command, unsigned call, const char *ip, uint16_t port, uint16_t *port_out)
{
	char sdp[512], cmd[1024], reply[4096], *m;
	int l;

	l = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n"
		     "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n", ip, ip, port);
	snprintf(cmd, sizeof(cmd), "d7:call-id%zu:bench-%u8:from-tag2:ft%s3:sdp%d:%s7:command%zu:%se",
		 strlen("bench-") + (size_t)snprintf(NULL, 0, "%u", call), call,
		 strcmp(command, "answer") == 0 ? "6:to-tag2:tt" : "", l, sdp, strlen(command), command);
	if (ng(cmd, reply, sizeof(reply)))
		return -1;
	m = strstr(reply, "m=audio ");
	if (!m)
		return -1;
	*port_out = (uint16_t)atoi(m + 8);
	return 0;
}

static int rtpe_start(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(2223) };
	char reply[256];
	int i;

	rtpe_pid = fork();
	if (rtpe_pid == 0) {
		char *args[] = { "rtpengine", "--interface=127.0.0.1", "--listen-ng=127.0.0.1:2223",
				 "--port-min=40002", "--port-max=59999", "--table=-1", "--foreground",
				 "--num-threads=1", "--log-level=2", "--log-stderr", NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp("rtpengine", args);
		_exit(127);
	}
	if (rtpe_pid < 0)
		return -1;
	ng_fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(ng_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	for (i = 0; i < 50; i++) {
		if (ng("d7:command4:pinge", reply, sizeof(reply)) == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

static void rtpe_stop(void)
{
	if (rtpe_pid > 0) {
		kill(rtpe_pid, SIGTERM);
		waitpid(rtpe_pid, NULL, 0);
	}
	if (ng_fd >= 0)
		close(ng_fd);
}

static int rtpe_setup(struct bench *b, unsigned n, uint16_t *ports, const char **dst_ip)
{
	unsigned i;
	uint16_t callee_side;

	for (i = 0; i < n; i++) {
		/* the caller is the generator, the callee our receiver */
		if (ng_sdp("offer", i, "127.0.0.11", GEN_PORT, &callee_side) ||
		    ng_sdp("answer", i, "127.0.0.21", b->recv_port, &ports[i])) {
			fprintf(stderr, "rtpengine: call %u refused\n", i);
			return -1;
		}
	}
	*dst_ip = "127.0.0.1";
	return 0;
}

static void rtpe_teardown(struct bench *b, unsigned n)
{
	char cmd[128], reply[1024];
	unsigned i;

	(void)b;
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "d7:call-id%zu:bench-%u7:command6:deletee",
			 strlen("bench-") + (size_t)snprintf(NULL, 0, "%u", i), i);
		ng(cmd, reply, sizeof(reply));
	}
}

/* every thread of the process, in nanoseconds (schedstat, not 10 ms ticks) */
static uint64_t rtpe_cpu_ns(struct bench *b)
{
	char path[64];
	uint64_t sum = 0;
	struct dirent *e;
	DIR *d;

	(void)b;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)rtpe_pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char f[320];

		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "/proc/%d/task/%s/schedstat", (int)rtpe_pid, e->d_name);
		sum += schedstat_ns(f);
	}
	closedir(d);
	return sum;
}

static uint64_t relay_wakeups(void)
{
	return task_wakeups(getpid(), "media/");
}

static uint64_t rtpe_wakeups(void)
{
	return task_wakeups(rtpe_pid, "");
}

static const struct target relay_target = { "relay", relay_setup, relay_cpu_ns, NULL, relay_wakeups,
					    relay_teardown };
static const struct target rtpe_target = { "rtpengine", rtpe_setup, rtpe_cpu_ns, rtpe_cpu_ns,
					   rtpe_wakeups, rtpe_teardown };

#define DRAIN_US 300000	/* after the generator: what is queued gets through */

/* one run of the load: what was sent and received, the latency, and the
 * CPU of every task that took part */
enum { CPU_GEN, CPU_SELF, CPU_KSOFTIRQD, CPU_OUTSIDE, NCPU };
static const char *const cpu_names[NCPU] = { "generator", "this process", "ksoftirqd", "rtpengine" };

struct run {
	uint64_t sent, got;
	uint64_t cpu_ns[NCPU];	/* generator, this process, ksoftirqd, the hop outside us */
	uint64_t total_ns;
	double p50, p99;
};

static void tasks_cpu_ns(struct bench *b, const struct target *t, uint64_t *ns)
{
	ns[CPU_SELF] = self_cpu_ns();
	ns[CPU_KSOFTIRQD] = ksoftirqd_ns();
	ns[CPU_OUTSIDE] = t && t->outside_ns ? t->outside_ns(b) : 0;
}

/* t: the hop, or NULL for the direct path */
static int run_load(struct bench *b, const struct target *t, const uint16_t *ports, const char *dst_ip,
		    unsigned n, struct run *r)
{
	uint64_t c0[NCPU], c1[NCPU];
	unsigned i;

	reset_counts(b);
	tasks_cpu_ns(b, t, c0);
	if (generate(b, ports, dst_ip, n, b->seconds, b->srtp, t == NULL, &r->cpu_ns[CPU_GEN]))
		return -1;
	usleep(DRAIN_US);
	tasks_cpu_ns(b, t, c1);
	r->sent = b->sent;
	r->got = atomic_load(&b->received);
	r->total_ns = r->cpu_ns[CPU_GEN];
	for (i = CPU_GEN + 1; i < NCPU; i++) {
		r->cpu_ns[i] = c1[i] - c0[i];
		r->total_ns += r->cpu_ns[i];
	}
	percentiles(b, &r->p50, &r->p99);
	return 0;
}

/* one step's figures, for the summary */
struct result {
	bool done, lost;
	double rate;
	double own_us;		/* the hop's own threads, per relayed packet */
	double hop_us;		/* the whole machine's extra over the direct path */
};

/* one step: direct, through the hop, direct again; 0 on success, -1 on
 * failure, -2 when the kernel mode asked for is not active */
/* The kernel forwarder's program, by its name: its run count and the
 * time spent in it (the kernel keeps them while a BPF_ENABLE_STATS file
 * descriptor is open).  The precise part of the kernel mode's cost: the
 * program alone, not the loopback pass the redirect adds.  0 or -1. */
static int kprog_stats(uint64_t *ns, uint64_t *runs)
{
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && strcmp(info.name, "kfwd_ingress") == 0) {
			*ns = info.run_time_ns;
			*runs = info.run_cnt;
			close(fd);
			return 0;
		}
		close(fd);
	}
	return -1;
}

static int step(struct bench *b, const struct target *t, const char *label, unsigned n, struct result *res)
{
	uint64_t prog_ns[2] = { 0, 0 }, prog_runs[2] = { 0, 0 };
	bool prog = false;
	uint16_t *ports = calloc(n, sizeof(*ports)), *direct = calloc(n, sizeof(*direct));
	const char *dst_ip = NULL;
	uint64_t own0, own1, wake0, wake1;
	struct run d[2], m;
	double dpp[2], dmean, hop_ns, spread_ns, lat50, lat99;
	char kfwd_share[224] = "", parts[160] = "";
	size_t len = 0;
	unsigned i;
	int err = -1;

	if (!ports || !direct)
		goto out;
	for (i = 0; i < n; i++)
		direct[i] = b->recv_port;
	/* the same generator straight to the receiver: the path without us */
	if (run_load(b, NULL, direct, "127.0.0.21", n, &d[0]))
		goto out;
	if (t->setup(b, n, ports, &dst_ip))
		goto out;
	if (engine_cfg.kfwd != MEDIA_KFWD_OFF && t == &relay_target && !media_engine_kfwd(b->me)) {
		err = -2;
		goto out;
	}
	usleep(200000);
	/* warm-up so that every stream is latched, then measure */
	if (generate(b, ports, dst_ip, n, 0.2, b->srtp, false, NULL))
		goto out;
	usleep(200000);
	own0 = t->cpu_ns(b);
	wake0 = t->wakeups();
	prog = engine_cfg.kfwd != MEDIA_KFWD_OFF && t == &relay_target &&
	       kprog_stats(&prog_ns[0], &prog_runs[0]) == 0;
	if (run_load(b, t, ports, dst_ip, n, &m))
		goto out;
	own1 = t->cpu_ns(b);
	wake1 = t->wakeups();
	prog = prog && kprog_stats(&prog_ns[1], &prog_runs[1]) == 0 && prog_runs[1] > prog_runs[0];
	t->teardown(b, n);
	dst_ip = NULL;
	if (engine_cfg.kfwd != MEDIA_KFWD_OFF && t == &relay_target)
		len = (size_t)snprintf(kfwd_share, sizeof(kfwd_share),
				       ", in the kernel %.1f%% of the streams' %llu packets",
				       tally.packets ? 100.0 * (double)tally.kernel_packets / (double)tally.packets : 0,
				       (unsigned long long)tally.packets);
	if (prog && m.got)
		snprintf(kfwd_share + len, sizeof(kfwd_share) - len,
			 "; its program %.0f ns a run, %.2f runs and %.2f us per relayed packet",
			 (double)(prog_ns[1] - prog_ns[0]) / (double)(prog_runs[1] - prog_runs[0]),
			 (double)(prog_runs[1] - prog_runs[0]) / (double)m.got,
			 (double)(prog_ns[1] - prog_ns[0]) / 1000.0 / (double)m.got);
	len = 0;
	if (run_load(b, NULL, direct, "127.0.0.21", n, &d[1]))
		goto out;

	/* the direct runs per packet sent, so that a generator that fell
	 * behind in one run does not count as the hop's saving */
	for (i = 0; i < 2; i++)
		dpp[i] = d[i].sent ? (double)d[i].total_ns / (double)d[i].sent : 0;
	dmean = (dpp[0] + dpp[1]) / 2;
	hop_ns = m.got ? ((double)m.total_ns - dmean * (double)m.sent) / (double)m.got : 0;
	/* the same difference task by task: where the hop's cost lands */
	for (i = 0; i < NCPU && m.got; i++) {
		double dm = 0;
		unsigned k;

		if (i == CPU_OUTSIDE && !t->outside_ns)
			continue;
		for (k = 0; k < 2; k++)
			dm += d[k].sent ? (double)d[k].cpu_ns[i] / (double)d[k].sent / 2 : 0;
		len += (size_t)snprintf(parts + len, sizeof(parts) - len, "%s%s %+.2f", len ? ", " : "", cpu_names[i],
				       ((double)m.cpu_ns[i] - dm * (double)m.sent) / (double)m.got / 1000.0);
	}
	spread_ns = m.got ? (dpp[0] > dpp[1] ? dpp[0] - dpp[1] : dpp[1] - dpp[0]) / 2 *
				    (double)m.sent / (double)m.got : 0;
	lat50 = (d[0].p50 + d[1].p50) / 2;
	lat99 = (d[0].p99 + d[1].p99) / 2;
	res->done = true;
	res->lost = m.got < m.sent;
	res->rate = (double)m.sent / b->seconds;
	res->own_us = m.got ? (double)(own1 - own0) / 1000.0 / (double)m.got : 0;
	res->hop_us = hop_ns / 1000.0;
	printf("%-9s %5u streams %7.0f pkt/s  relayed %8llu  lost %6lld (%.3f%%)  own cpu %5.2f us/pkt %7.0f pkt/cpu-s  "
	       "%5.2f pkt/wake-up  latency p50 %6.1f p99 %7.1f us (direct p50 %5.1f p99 %6.1f; added p50 %5.1f p99 %6.1f us)\n",
	       label, n, res->rate, (unsigned long long)m.got, (long long)m.sent - (long long)m.got,
	       m.sent ? 100.0 * ((double)m.sent - (double)m.got) / (double)m.sent : 0, res->own_us,
	       res->own_us > 0 ? 1e6 / res->own_us : 0,
	       wake1 > wake0 ? (double)m.got / (double)(wake1 - wake0) : 0,
	       m.p50, m.p99, lat50, lat99, m.p50 - lat50, m.p99 - lat99);
	printf("%-9s %5u streams  hop cpu %5.2f +- %4.2f us/pkt %7.0f pkt/cpu-s  (%s; all tasks %5.2f us per "
	       "relayed packet, direct %5.2f and %5.2f per packet sent%s)\n",
	       label, n, res->hop_us, spread_ns / 1000.0, res->hop_us > 0 ? 1e6 / res->hop_us : 0, parts,
	       m.got ? (double)m.total_ns / 1000.0 / (double)m.got : 0, dpp[0] / 1000.0, dpp[1] / 1000.0,
	       kfwd_share);
	fflush(stdout);
	err = 0;
out:
	if (dst_ip)
		t->teardown(b, n);
	free(ports);
	free(direct);
	return err;
}

/* an engine with the zones, no streams: whether its kernel program loads */
static bool kfwd_loads(struct bench *b)
{
	const char *dst_ip = NULL;
	bool on;

	if (relay_setup(b, 0, NULL, &dst_ip)) {
		if (b->me)
			media_engine_free(b->me);
		b->me = NULL;
		return false;
	}
	on = media_engine_kfwd(b->me);
	relay_teardown(b, 0);
	return on;
}

enum { MODE_PLAIN, MODE_SRTP, MODE_KERNEL, MODE_RTPENGINE, NMODES };
static const char *const modes[NMODES] = { "plain", "srtp", "kernel", "rtpengine" };
static const char *const labels[NMODES] = { "rtp->rtp", "srtp->rtp", "kernel", "rtpengine" };
static const unsigned steps[] = { 100, 250, 500, 1000, 1500, 2000, 3000, 4000 };
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* "a/b" where both ran and b costs something; else "-" */
static const char *ratio(char *buf, size_t size, const struct result *a, const struct result *b, bool hop,
			 bool percent)
{
	double x = hop ? a->hop_us : a->own_us, y = hop ? b->hop_us : b->own_us;

	if (!a->done || !b->done || x <= 0 || y <= 0)
		snprintf(buf, size, "-");
	else if (percent)	/* packets per CPU-second of a against b's */
		snprintf(buf, size, "%.0f%%", 100.0 * y / x);
	else
		snprintf(buf, size, "%.2fx", x / y);
	return buf;
}

static void summary(struct result res[NMODES][NSTEPS])
{
	unsigned i, m;

	printf("Summary, CPU per relayed packet, own threads / whole hop (* loss in that step):\n");
	printf("streams");
	for (m = 0; m < NMODES; m++)
		printf("  %-17s", modes[m]);
	printf("  rtpengine/plain  rtpengine/kernel  srtp vs plain pkt/cpu-s\n");
	printf("%7s", "");
	for (m = 0; m < NMODES; m++)
		printf("  %-17s", "own / hop");
	printf("  %-15s  %-16s  %s\n", "own / hop", "hop", "own / hop");
	for (i = 0; i < NSTEPS; i++) {
		char r1[16], r2[16], r3[16], r4[16], r5[16], pair[40];
		bool any = false;

		for (m = 0; m < NMODES; m++)
			any |= res[m][i].done;
		if (!any)
			continue;
		printf("%7u", steps[i]);
		for (m = 0; m < NMODES; m++) {
			char cell[32] = "-";

			if (res[m][i].done)
				snprintf(cell, sizeof(cell), "%.2f / %.2f us%s", res[m][i].own_us, res[m][i].hop_us,
					 res[m][i].lost ? "*" : "");
			printf("  %-17s", cell);
		}
		/* the kernel mode's own threads see almost none of its work:
		 * only its hop figure is compared */
		snprintf(pair, sizeof(pair), "%s / %s",
			 ratio(r1, sizeof(r1), &res[MODE_RTPENGINE][i], &res[MODE_PLAIN][i], false, false),
			 ratio(r2, sizeof(r2), &res[MODE_RTPENGINE][i], &res[MODE_PLAIN][i], true, false));
		printf("  %-15s  %-16s", pair,
		       ratio(r3, sizeof(r3), &res[MODE_RTPENGINE][i], &res[MODE_KERNEL][i], true, false));
		printf("  %s / %s\n", ratio(r4, sizeof(r4), &res[MODE_SRTP][i], &res[MODE_PLAIN][i], false, true),
		       ratio(r5, sizeof(r5), &res[MODE_SRTP][i], &res[MODE_PLAIN][i], true, true));
	}
}

int main(int argc, char **argv)
{
	/* 4000 streams use 4000 ports of each zone's 5000 */
	static struct result res[NMODES][NSTEPS];
	const char *want;
	struct rlimit rl;
	struct bench b;
	unsigned max_streams = 4000, i, mode;
	int stats_fd;
	pthread_t rt;

	if (argc > 7 && strcmp(argv[1], "--gen") == 0)
		return gen_main(argv);
	memset(&b, 0, sizeof(b));
	b.seconds = argc > 1 ? atof(argv[1]) : 3;
	engine_cfg.threads = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
	engine_cfg.eventh = on_event;
	max_streams = argc > 3 ? (unsigned)atoi(argv[3]) : max_streams;
	want = argc > 4 ? argv[4] : "plain,srtp,kernel,rtpengine";
	if (getenv("BENCH_RECV") && strcmp(getenv("BENCH_RECV"), "wake") == 0)
		b.recv_mode = RECV_WAKE;
	else if ((getenv("BENCH_RECV") && strcmp(getenv("BENCH_RECV"), "busy") == 0) ||
		 (getenv("BENCH_RECV_BUSY") && strcmp(getenv("BENCH_RECV_BUSY"), "1") == 0))
		b.recv_mode = RECV_BUSY;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	b.loop = ev_loop_new(EVFLAG_AUTO);
	engine_cfg.loop = b.loop;
	b.lat_ns = malloc(MAX_SAMPLES * sizeof(uint32_t));
	b.recv_fd = udp_socket("127.0.0.21", &b.recv_port);
	if (!b.loop || !b.lat_ns || b.recv_fd < 0) {
		fprintf(stderr, "set-up failed: %s\n", strerror(errno));
		return 1;
	}
	ksoftirqd_find();
	/* the kernel counts BPF programs' run time while this stays open */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	pthread_create(&rt, NULL, receiver, &b);
	printf("G.711 relay benchmark: %d-byte RTP at %d pkt/s per stream, %u media thread(s), %.1f s per step, "
	       "a burst every %s us%s\n", PKT_LEN, PPS_PER_STREAM, engine_cfg.threads, b.seconds,
	       getenv("BENCH_SLOT_US") ? getenv("BENCH_SLOT_US") : "1000",
	       b.recv_mode == RECV_WAKE ? ", receiver woken per packet" :
	       b.recv_mode == RECV_BUSY ? ", busy receiver" : ", receiver drains every 1 ms");
	printf("own cpu: the hop's own threads; hop cpu: every task's CPU (generator, receiver, hop, %u ksoftirqd) "
	       "over the direct path's, +- half the two direct runs' difference\n", nksoftirqd);
	for (mode = 0; mode < NMODES; mode++) {
		const struct target *t = mode == MODE_RTPENGINE ? &rtpe_target : &relay_target;
		double best_rate = 0, best_own = 0, best_hop = 0;

		if (!strstr(want, modes[mode]))
			continue;
		if (mode == MODE_RTPENGINE && rtpe_start()) {
			printf("rtpengine: not started (is rtpengine-daemon installed?), skipped\n");
			rtpe_stop();
			continue;
		}
		b.srtp = mode == MODE_SRTP;
		engine_cfg.kfwd = mode == MODE_KERNEL ? MEDIA_KFWD_AUTO : MEDIA_KFWD_OFF;
		if (b.srtp && media_key_generate(&b.key, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80))
			return 1;
		if (mode == MODE_KERNEL && !kfwd_loads(&b)) {
			printf("kernel: in-kernel forwarding is not active (no BPF program loaded: a kernel or "
			       "privileges without it, or an engine without the mode), skipped\n\n");
			continue;
		}
		for (i = 0; i < NSTEPS && steps[i] <= max_streams; i++) {
			int err = step(&b, t, labels[mode], steps[i], &res[mode][i]);

			if (err == -2) {
				printf("kernel: in-kernel forwarding is not active at %u streams, stopped\n", steps[i]);
				break;
			}
			if (err < 0) {
				printf("%s: %u streams could not be set up\n", modes[mode], steps[i]);
				break;
			}
			if (!res[mode][i].lost && res[mode][i].rate > best_rate) {
				best_rate = res[mode][i].rate;
				best_own = res[mode][i].own_us;
				best_hop = res[mode][i].hop_us;
			}
		}
		if (mode == MODE_RTPENGINE)
			rtpe_stop();
		printf("%s: highest zero-loss rate %.0f pkt/s (there CPU per packet: own %.2f us, hop %.2f us)\n\n",
		       labels[mode], best_rate, best_own, best_hop);
	}
	engine_cfg.kfwd = MEDIA_KFWD_OFF;
	summary(res);
	atomic_store(&b.stop_recv, true);
	pthread_join(rt, NULL);
	ev_loop_destroy(b.loop);
	free(b.lat_ns);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}
