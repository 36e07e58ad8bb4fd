/* The transport object: its listeners, sending, counters. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "tp.h"

static int cfg_check(const struct tp_cfg *cfg)
{
	if (cfg->n_listeners && !cfg->listeners)
		return EINVAL;
	if (cfg->tcp_idle_timeout < 0 || cfg->tcp_partial_timeout < 0)
		return EINVAL;
	for (unsigned i = 0; i < cfg->n_listeners; i++) {
		const struct tp_listener_cfg *lc = &cfg->listeners[i];

		if (lc->tp != SIP_TP_UDP && lc->tp != SIP_TP_TCP)
			return EINVAL;
		if (lc->addr.ss_family != AF_INET && lc->addr.ss_family != AF_INET6)
			return EINVAL;
	}
	return 0;
}

static void listeners_close(struct transport *t)
{
	for (unsigned i = 0; i < t->n_lst; i++) {
		struct tp_listener *l = &t->lst[i];

		if (l->fd < 0)
			continue;
		ev_io_stop(t->loop, &l->io);
		close(l->fd);
		l->fd = -1;
	}
}

static int listeners_open(struct transport *t, const struct tp_cfg *cfg)
{
	bool udp = false, tcp = false;

	t->lst = calloc(cfg->n_listeners ? cfg->n_listeners : 1, sizeof(*t->lst));
	if (!t->lst)
		return ENOMEM;
	t->n_lst = cfg->n_listeners;
	for (unsigned i = 0; i < t->n_lst; i++) {
		t->lst[i].fd = -1;
		udp |= cfg->listeners[i].tp == SIP_TP_UDP;
		tcp |= cfg->listeners[i].tp == SIP_TP_TCP;
	}
	if (udp) {
		t->udp_bufs = malloc((size_t)TP_UDP_BATCH * TP_UDP_BUF);
		if (!t->udp_bufs)
			return ENOMEM;
	}
	if (tcp) {
		t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (t->spare_fd < 0)
			return errno;
	}

	for (unsigned i = 0; i < t->n_lst; i++) {
		struct tp_listener *l = &t->lst[i];
		int err;

		l->t = t;
		l->idx = i;
		l->cfg = cfg->listeners[i];
		l->cfg.name[sizeof(l->cfg.name) - 1] = '\0';
		l->cfg.zone[sizeof(l->cfg.zone) - 1] = '\0';
		l->local = l->cfg.addr;
		l->wildcard = tp_sa_is_any(&l->cfg.addr);
		err = l->cfg.tp == SIP_TP_UDP ? tp_udp_open(l) : tp_tcp_open(l);
		if (err)
			return err;
	}
	return 0;
}

int transport_alloc(struct transport **tpp, struct ev_loop *loop, const struct tp_cfg *cfg,
		    tp_recv_h *recvh, tp_error_h *errh, void *arg)
{
	struct transport *t;
	int err;

	if (!tpp || !loop || !cfg || !recvh)
		return EINVAL;
	err = cfg_check(cfg);
	if (err)
		return err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->loop = loop;
	t->recvh = recvh;
	t->errh = errh;
	t->arg = arg;
	t->max_conns = cfg->tcp_max_conns ? cfg->tcp_max_conns : TP_DEFAULT_MAX_CONNS;
	t->idle_timeout = cfg->tcp_idle_timeout > 0 ? cfg->tcp_idle_timeout : TP_DEFAULT_IDLE;
	t->partial_timeout = cfg->tcp_partial_timeout > 0 ? cfg->tcp_partial_timeout
							  : TP_DEFAULT_PARTIAL;
	t->udp_size_limit = cfg->udp_size_limit ? cfg->udp_size_limit : TP_DEFAULT_UDP_LIMIT;
	t->next_id = 1;
	t->spare_fd = -1;

	err = tp_conn_table_init(t);
	if (err)
		goto out;
	err = listeners_open(t, cfg);
	if (err)
		goto out;

	*tpp = t;
	t = NULL;
out:
	transport_free(t);
	return err;
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	tp_conn_table_close(t);
	if (t->lst) {
		listeners_close(t);
		free(t->lst);
	}
	if (t->spare_fd >= 0)
		close(t->spare_fd);
	free(t->udp_bufs);
	free(t);
}

int transport_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb)
{
	if (!t || !dst || !mb || mb->len == 0)
		return EINVAL;
	if (dst->addr.ss_family != AF_INET && dst->addr.ss_family != AF_INET6)
		return EAFNOSUPPORT;

	switch (dst->tp) {
	case SIP_TP_UDP:
		return tp_udp_send(t, dst, mb);
	case SIP_TP_TCP:
		return tp_tcp_send(t, dst, mb);
	default:
		return EPROTONOSUPPORT;
	}
}

enum sip_transport transport_choose(const struct transport *t, enum sip_transport wanted,
				    size_t msglen, bool is_request)
{
	if (!t || wanted != SIP_TP_UDP || !is_request || msglen <= t->udp_size_limit)
		return wanted;
	/* RFC 3261 18.1.1: congestion-controlled transport for large requests */
	for (unsigned i = 0; i < t->n_lst; i++) {
		if (t->lst[i].cfg.tp == SIP_TP_TCP)
			return SIP_TP_TCP;
	}
	return wanted;
}

int transport_listener_addr(const struct transport *t, unsigned i, struct sockaddr_storage *out)
{
	if (!t || !out || i >= t->n_lst)
		return EINVAL;
	*out = t->lst[i].local;
	return 0;
}

unsigned transport_listener_count(const struct transport *t)
{
	return t ? t->n_lst : 0;
}

const struct tp_listener_cfg *transport_listener(const struct transport *t, unsigned i)
{
	if (!t || i >= t->n_lst)
		return NULL;
	return &t->lst[i].cfg;
}

void transport_stats(const struct transport *t, struct tp_stats *out)
{
	if (!t || !out)
		return;
	*out = t->stats;
	out->conns_open = t->n_conns;
}
