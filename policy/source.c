/* Which trunk a source address is, and blocked sources.
 * Trunks are few (tens to hundreds): a scan of their prefixes costs less
 * than keeping a second index in step. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

int policy_source_parse(const char *text, struct policy_source *src)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	unsigned maxlen, len;
	struct policy_source s;

	memset(&s, 0, sizeof(s));
	if (!text || strlen(text) >= sizeof(buf))
		return EINVAL;
	strcpy(buf, text);
	slash = strchr(text, '/');
	if (slash)
		buf[slash - text] = '\0';
	if (inet_pton(AF_INET, buf, s.addr) == 1) {
		s.family = AF_INET;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, buf, s.addr) == 1) {
		s.family = AF_INET6;
		maxlen = 128;
	} else {
		return EINVAL;
	}
	len = maxlen;
	if (slash) {
		char *end;
		unsigned long v;

		if (slash[1] < '0' || slash[1] > '9')
			return EINVAL;
		v = strtoul(slash + 1, &end, 10);
		if (*end || v > maxlen)
			return EINVAL;
		len = (unsigned)v;
	}
	/* clear the host bits so comparisons need no mask on our side */
	for (unsigned bit = len; bit < maxlen; bit++)
		s.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	s.prefix_len = len;
	*src = s;
	return 0;
}

/* the address of sa as family and bytes; a v4-mapped IPv6 address is v4 */
static bool sa_bytes(const struct sockaddr_storage *sa, int *family, const uint8_t **b)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->ss_family == AF_INET) {
		*family = AF_INET;
		*b = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		return true;
	}
	if (sa->ss_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;

		if (memcmp(a, mapped, 12) == 0) {
			*family = AF_INET;
			*b = a + 12;
		} else {
			*family = AF_INET6;
			*b = a;
		}
		return true;
	}
	return false;
}

static uint16_t sa_port_of(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

bool policy_source_contains(const struct policy_source *net, const struct sockaddr_storage *sa)
{
	const uint8_t *b;
	unsigned full, rest;
	int family;

	if (!sa_bytes(sa, &family, &b) || family != net->family)
		return false;
	full = net->prefix_len / 8;
	rest = net->prefix_len % 8;
	if (memcmp(b, net->addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));

		if ((b[full] & mask) != net->addr[full])
			return false;
	}
	return true;
}

/* most specific prefix first, then a given port, then a given transport */
static unsigned source_rank(const struct policy_source *src)
{
	return src->prefix_len * 4 + (src->port ? 2 : 0) + (src->tp != POLICY_TP_ANY ? 1 : 0);
}

const struct policy_trunk *policy_trunk_match(const struct policy_snapshot *s,
					      const struct sockaddr_storage *src,
					      enum policy_transport tp)
{
	const struct policy_trunk *best = NULL;
	unsigned best_rank = 0;
	uint16_t port;

	if (!s || !src)
		return NULL;
	port = sa_port_of(src);
	for (unsigned i = 0; i < s->n_trunks; i++) {
		const struct policy_trunk *t = &s->trunks[i];

		for (unsigned j = 0; j < t->n_sources; j++) {
			const struct policy_source *so = &t->sources[j];
			unsigned rank;

			if (so->port && so->port != port)
				continue;
			if (so->tp != POLICY_TP_ANY && so->tp != tp)
				continue;
			if (!policy_source_contains(so, src))
				continue;
			rank = source_rank(so) + 1;
			if (rank > best_rank) {
				best = t;
				best_rank = rank;
			}
		}
	}
	return best;
}

const struct policy_trunk *policy_trunk_by_name(const struct policy_snapshot *s, const char *name)
{
	if (!s || !name)
		return NULL;
	for (unsigned i = 0; i < s->n_trunks; i++) {
		if (strcmp(s->trunks[i].name, name) == 0)
			return &s->trunks[i];
	}
	return NULL;
}

const char *policy_source_blocked(const struct policy_snapshot *s,
				  const struct sockaddr_storage *src)
{
	if (!s || !src)
		return NULL;
	for (size_t i = 0; i < s->n_bsources; i++) {
		if (policy_source_contains(&s->bsources[i].src, src))
			return s->bsources[i].reason[0] ? s->bsources[i].reason : "blocked source";
	}
	return NULL;
}
