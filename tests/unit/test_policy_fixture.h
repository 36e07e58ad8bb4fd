/* Builds small policy snapshots for the policy suites. */
#ifndef TEST_POLICY_FIXTURE_H
#define TEST_POLICY_FIXTURE_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "policy.h"

static inline struct policy_builder *fx_builder(void)
{
	struct policy_builder *b;

	ck_assert_int_eq(policy_builder_alloc(&b), 0);
	return b;
}

static inline void fx_trunk(struct policy_builder *b, int64_t id, const char *name,
			    const char *zone)
{
	struct policy_trunk_def d;
	char err[POLICY_ERR_MAX] = "";

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.name = name;
	d.zone = zone;
	ck_assert_msg(policy_builder_trunk(b, &d, err, sizeof(err)) == 0, "%s", err);
}

static inline void fx_source(struct policy_builder *b, int64_t trunk, const char *addr,
			     unsigned port, const char *tp)
{
	char err[POLICY_ERR_MAX] = "";

	ck_assert_msg(policy_builder_source(b, trunk, addr, port, tp, err, sizeof(err)) == 0,
		      "%s", err);
}

static inline void fx_target(struct policy_builder *b, int64_t trunk, const char *host,
			     unsigned prio, unsigned weight)
{
	char err[POLICY_ERR_MAX] = "";

	ck_assert_msg(policy_builder_target(b, trunk, host, 5060, "udp", prio, weight, err,
					    sizeof(err)) == 0, "%s", err);
}

static inline struct policy_route_def fx_route_def(int64_t id, int64_t from, const char *prefix,
						   int64_t target)
{
	struct policy_route_def d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.from_trunk = from;
	d.prefix = prefix;
	d.target_trunk = target;
	d.weight = 1;
	d.max_attempts = 3;
	return d;
}

static inline void fx_route_add(struct policy_builder *b, const struct policy_route_def *d)
{
	char err[POLICY_ERR_MAX] = "";

	ck_assert_msg(policy_builder_route(b, d, err, sizeof(err)) == 0, "%s", err);
}

static inline void fx_route(struct policy_builder *b, int64_t id, int64_t from,
			    const char *prefix, int64_t target)
{
	struct policy_route_def d = fx_route_def(id, from, prefix, target);

	fx_route_add(b, &d);
}

static inline struct policy_snapshot *fx_finish(struct policy_builder *b)
{
	struct policy_snapshot *s = NULL;
	char err[POLICY_ERR_MAX] = "";
	int rc = policy_builder_finish(b, &s, err, sizeof(err));

	policy_builder_free(b);
	ck_assert_msg(rc == 0, "%s", err);
	return s;
}

static inline struct sockaddr_storage fx_addr(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
	return ss;
}

#endif
