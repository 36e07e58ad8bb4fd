/* Socket addresses and the choice of a listener to send from. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "tp.h"

socklen_t tp_sa_len(const struct sockaddr_storage *sa)
{
	switch (sa->ss_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

bool tp_sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static size_t fnv1a(size_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

size_t tp_sa_hash(const struct sockaddr_storage *sa)
{
	size_t h = (size_t)0xcbf29ce484222325ULL;

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;

		h = fnv1a(h, &v4->sin_addr, sizeof(v4->sin_addr));
		h = fnv1a(h, &v4->sin_port, sizeof(v4->sin_port));
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

		h = fnv1a(h, &v6->sin6_addr, sizeof(v6->sin6_addr));
		h = fnv1a(h, &v6->sin6_port, sizeof(v6->sin6_port));
	}
	return h ^ (h >> 29);
}

bool tp_sa_is_any(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

bool tp_same_zone(const struct transport *t, unsigned a, unsigned b)
{
	if (a == b)
		return true;
	if (a >= t->n_lst || b >= t->n_lst)
		return false;
	return strcmp(t->lst[a].cfg.zone, t->lst[b].cfg.zone) == 0;
}

static bool fits(const struct tp_listener *l, enum sip_transport tp, int family)
{
	return l->cfg.tp == tp && l->local.ss_family == family;
}

int tp_listener_pick(const struct transport *t, enum sip_transport tp, int family, unsigned want)
{
	if (want != TP_LISTENER_ANY && want >= t->n_lst)
		return -1;
	if (want != TP_LISTENER_ANY && fits(&t->lst[want], tp, family))
		return (int)want;
	/* a message that changed transport (RFC 3261 18.1.1) or family
	 * still leaves from the zone the caller chose */
	for (unsigned i = 0; i < t->n_lst; i++) {
		if (fits(&t->lst[i], tp, family) &&
		    (want == TP_LISTENER_ANY || tp_same_zone(t, i, want)))
			return (int)i;
	}
	return -1;
}
