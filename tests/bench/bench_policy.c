/* Route lookup with 1,000,000 random prefixes, and the time to build a
 * snapshot of that size (what the loader does off the signalling thread
 * before the one-pointer swap).
 *
 *   bench_policy [PREFIXES] [LOOKUPS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x12345678abcdefull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void digits(char *buf, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		buf[i] = (char)('0' + next() % 10);
	buf[len] = '\0';
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t lookups = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000000;
	struct policy_builder *b;
	struct policy_snapshot *s;
	struct policy_trunk_def td;
	char err[POLICY_ERR_MAX], prefix[POLICY_PREFIX_MAX], (*numbers)[24];
	const struct policy_trunk *pbx;
	double t0, t1, t2, *batch;
	size_t found = 0, nb = 100;
	unsigned long long sink = 0;

	if (policy_builder_alloc(&b))
		return 1;
	memset(&td, 0, sizeof(td));
	td.id = 1;
	td.name = "pbx";
	td.zone = "internal";
	policy_builder_trunk(b, &td, err, sizeof(err));
	td.id = 2;
	td.name = "carrier";
	td.zone = "external";
	policy_builder_trunk(b, &td, err, sizeof(err));
	policy_builder_target(b, 2, "127.0.0.21", 5060, "udp", 0, 1, err, sizeof(err));
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		struct policy_route_def d;

		memset(&d, 0, sizeof(d));
		digits(prefix, 4 + (unsigned)(next() % 9));	/* 4 to 12 digits */
		d.id = (int64_t)i + 1;
		d.from_trunk = 1;
		d.prefix = prefix;
		d.target_trunk = 2;
		d.weight = 1;
		d.max_attempts = 3;
		if (policy_builder_route(b, &d, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	t1 = now_s();
	if (policy_builder_finish(b, &s, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t2 = now_s();
	policy_builder_free(b);
	pbx = policy_trunk_by_name(s, "pbx");

	numbers = malloc(lookups * sizeof(*numbers));
	batch = malloc(nb * sizeof(*batch));
	if (!numbers || !batch)
		return 1;
	for (size_t i = 0; i < lookups; i++)
		digits(numbers[i], 12);
	for (size_t k = 0; k < nb; k++) {
		size_t lo = lookups * k / nb, hi = lookups * (k + 1) / nb;
		double a = now_s();

		for (size_t i = lo; i < hi; i++) {
			struct policy_decision d;

			d.trace = NULL;
			d.trace_size = 0;
			policy_decide(s, pbx, numbers[i], "alice", numbers[i], 0, i, &d);
			found += d.status == 0;
			sink += d.n_attempts;
		}
		batch[k] = (now_s() - a) * 1e9 / (double)(hi - lo);
	}
	qsort(batch, nb, sizeof(*batch), cmp_double);
	{
		const struct policy_route *r[16];
		double a = now_s(), lookup_ns;

		for (size_t i = 0; i < lookups; i++)
			sink += policy_routes_find(s, pbx, numbers[i], 0, r, 16);
		lookup_ns = (now_s() - a) * 1e9 / (double)lookups;
		printf("policy_routes_find:  %.0f ns per lookup (the trie walk and eligibility)\n",
		       lookup_ns);
	}
	{
		double sum = 0;

		for (size_t k = 0; k < nb; k++)
			sum += batch[k];
		printf("prefixes:            %zu (random, 4 to 12 digits)\n", n);
		printf("routes added:        %.2f s\n", t1 - t0);
		printf("snapshot build:      %.2f s (sort, references, trie)\n", t2 - t1);
		printf("lookups:             %zu, %zu routed (%llu attempts)\n", lookups, found, sink);
		printf("policy_decide:       %.0f ns mean, %.0f ns median batch, %.0f ns worst batch\n",
		       sum / (double)nb, batch[nb / 2], batch[nb - 1]);
	}
	t0 = now_s();
	policy_snapshot_unref(s);
	printf("snapshot free:       %.2f s\n", now_s() - t0);
	free(numbers);
	free(batch);
	return 0;
}
