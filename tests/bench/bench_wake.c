/* What this machine charges a thread for sleeping and being woken, which
 * sets the floor of the call core's CPU per call at low rates: there, the
 * signalling thread sleeps and wakes for nearly every message.  Each
 * figure is the CPU time (CLOCK_THREAD_CPUTIME_ID, what /proc and the
 * lab benchmark count) of threads that do no work of their own:
 *
 *   sleep      one thread: usleep(200) in a loop; per sleep
 *   switch     two processes pinned to one CPU, a byte back and forth
 *              through two pipes; per round trip, each side
 *   cross      the same with the two on different CPUs, so each wake
 *              finds the other CPU idle; per round trip, each side
 *   udp        a 600-byte UDP datagram sent on loopback to a socket of
 *              the same thread, then read; per datagram
 *
 * On bare metal sleep and cross are a few microseconds; on a virtual
 * machine they include the hypervisor's part of halting and waking a
 * vCPU, charged to the thread that was woken.
 *
 *   bench_wake [rounds]     (default 5000 per figure)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double thread_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void sleep_figure(int rounds)
{
	double c0 = thread_us(), w0 = wall_us();

	for (int i = 0; i < rounds; i++)
		usleep(200);
	printf("sleep   %8.1f us CPU per sleep and wake (%.0f us wall each)\n",
	       (thread_us() - c0) / rounds, (wall_us() - w0) / rounds);
}

/* A child on cpu_b echoes each byte; the parent on cpu_a sends and waits.
 * The child writes its own CPU per round trip into a pipe. */
static int ping_pong(const char *name, int cpu_a, int cpu_b, int rounds)
{
	int to[2], from[2], report[2];
	double mine, theirs = -1;
	pid_t pid;
	char c = 'x';

	if (pipe(to) || pipe(from) || pipe(report)) {
		perror("pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		double t0;

		if (pin(cpu_b))
			_exit(2);
		t0 = thread_us();
		for (int i = 0; i < rounds; i++) {
			if (read(to[0], &c, 1) != 1 || write(from[1], &c, 1) != 1)
				_exit(3);
		}
		t0 = (thread_us() - t0) / rounds;
		_exit(write(report[1], &t0, sizeof(t0)) == sizeof(t0) ? 0 : 4);
	}
	if (pin(cpu_a)) {
		perror("sched_setaffinity");
		return 1;
	}
	usleep(20000);
	mine = thread_us();
	for (int i = 0; i < rounds; i++) {
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) {
			perror("ping-pong");
			return 1;
		}
	}
	mine = (thread_us() - mine) / rounds;
	if (read(report[0], &theirs, sizeof(theirs)) != sizeof(theirs))
		theirs = -1;
	waitpid(pid, NULL, 0);
	printf("%-7s %8.1f us CPU per round trip on one side, %.1f on the other\n", name, mine,
	       theirs);
	for (int i = 0; i < 2; i++) {
		close(to[i]);
		close(from[i]);
		close(report[i]);
	}
	return 0;
}

static int udp_figure(int rounds)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int tx = socket(AF_INET, SOCK_DGRAM, 0), rx = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[600];
	double t0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tx < 0 || rx < 0 || bind(rx, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(rx, (struct sockaddr *)&sa, &len)) {
		perror("udp socket");
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	t0 = thread_us();
	for (int i = 0; i < rounds; i++) {
		if (sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    recv(rx, buf, sizeof(buf), 0) < 0) {
			perror("udp");
			return 1;
		}
	}
	printf("udp     %8.1f us CPU per datagram sent and read (no wake)\n",
	       (thread_us() - t0) / rounds);
	close(tx);
	close(rx);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5000;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int err = 0;

	if (rounds <= 0) {
		fprintf(stderr, "usage: bench_wake [rounds]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sleep_figure(rounds);
	err |= ping_pong("switch", 0, 0, rounds * 4);
	if (cpus >= 2)
		err |= ping_pong("cross", 0, 1, rounds);
	else
		printf("cross   (one CPU only: not measured)\n");
	err |= udp_figure(rounds * 4);
	return err;
}
