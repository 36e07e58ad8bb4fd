/* The signalling side of a call's media: sockets are bound here, so that
 * the ports are known before the SDP is written, then handed over to the
 * call's media thread with every later change as a command. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media/log.h"
#include "media/media_int.h"

#define BIND_TRIES 16
#define SOCK_BUF (1 << 20)

static struct media_cmd *cmd_new(enum media_cmd_type type, struct media_call *call)
{
	struct media_cmd *cmd = calloc(1, sizeof(*cmd));

	if (cmd) {
		cmd->type = type;
		cmd->rc = call->rc;
	}
	return cmd;
}

int media_call_alloc(struct media_call **callp, struct media_engine *me, void *arg)
{
	struct media_call *call;
	struct media_cmd *cmd;

	if (!callp || !me)
		return EINVAL;
	call = calloc(1, sizeof(*call));
	if (!call)
		return ENOMEM;
	call->me = me;
	call->th = &me->threads[me->next_thread++ % me->nthreads];
	call->rc = calloc(1, sizeof(*call->rc));
	cmd = call->rc ? cmd_new(MEDIA_CMD_CALL_ADD, call) : NULL;
	if (!cmd) {
		free(call->rc);
		free(call);
		return ENOMEM;
	}
	call->rc->arg = arg;
	media_thread_send(call->th, cmd);
	*callp = call;
	return 0;
}

void media_call_free(struct media_call *call)
{
	struct media_cmd *cmd;

	if (!call)
		return;
	cmd = cmd_new(MEDIA_CMD_CALL_FREE, call);
	if (cmd)
		media_thread_send(call->th, cmd);
	else
		media_logf(MEDIA_LOG_ERR, "no memory to end a call's media: its streams stay open");
	free(call);
}

static int udp_bind(const struct sockaddr_storage *addr, uint16_t port, int *fdp)
{
	struct sockaddr_storage sa = *addr;
	socklen_t len = media_sa_len(&sa);
	int fd, one = SOCK_BUF, err;

	media_sa_set_port(&sa, port);
	fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	/* larger buffers absorb bursts; the kernel caps them, which is fine */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* our RTP and RTCP sockets of one side: an even port and the next */
static int side_open(struct rside *s, struct media_zone *z)
{
	int tries, err = ENOSPC;

	for (tries = 0; tries < BIND_TRIES; tries++) {
		uint16_t port;

		err = media_portpool_take(z->pool, &port);
		if (err)
			return err;
		err = udp_bind(&z->addr, port, &s->fd[0]);
		if (!err) {
			err = udp_bind(&z->addr, (uint16_t)(port + 1), &s->fd[1]);
			if (err) {
				close(s->fd[0]);
				s->fd[0] = -1;
			}
		}
		if (!err) {
			s->pool = z->pool;
			s->port = port;
			s->local = z->addr;
			media_sa_set_port(&s->local, port);
			return 0;
		}
		/* someone else holds it: leave it in quarantine, try the next */
		media_portpool_release(z->pool, port);
		if (err != EADDRINUSE)
			return err;
	}
	return err;
}

int media_call_stream_add(struct media_call *call, const char *zone_a, const char *zone_b,
			  unsigned *idxp, uint16_t ports[2])
{
	struct media_zone *z[2];
	struct rstream *st;
	struct media_cmd *cmd;
	unsigned s, slot;
	int err;

	if (!call || !idxp || !ports)
		return EINVAL;
	z[0] = media_zone_find(call->me, zone_a);
	z[1] = media_zone_find(call->me, zone_b);
	if (!z[0] || !z[1])
		return ENOENT;
	/* a removed stream's number is free again: its removal is ahead of
	 * this addition in the thread's queue */
	for (slot = 0; slot < call->nstreams && call->live[slot]; slot++)
		;
	if (slot == MEDIA_MAX_STREAMS)
		return E2BIG;
	st = calloc(1, sizeof(*st));
	cmd = cmd_new(MEDIA_CMD_STREAM_ADD, call);
	if (!st || !cmd) {
		err = ENOMEM;
		goto out;
	}
	for (s = 0; s < 2; s++) {
		st->side[s].st = st;
		st->side[s].idx = s;
		st->side[s].fd[0] = st->side[s].fd[1] = -1;
	}
	for (s = 0; s < 2; s++) {
		err = side_open(&st->side[s], z[s]);
		if (err)
			goto out;
	}
	st->idx = slot;
	st->seq = call->added++;
	st->kfwd = media_engine_kfwd(call->me) ? call->me->kfwd : NULL;
	cmd->idx = st->idx;
	cmd->st = st;
	ports[0] = st->side[0].port;
	ports[1] = st->side[1].port;
	*idxp = slot;
	call->st[slot] = st;
	call->live[slot] = true;
	if (slot == call->nstreams)
		call->nstreams++;
	media_thread_send(call->th, cmd);
	return 0;
out:
	if (st)
		media_rstream_close(st);
	free(cmd);
	return err;
}

/* The kernel's rules of the stream go now: until the thread applies the
 * update, its packets wait on our sockets (the thread merges the counts) */
static void kr_take(struct rstream *st, struct media_cmd *cmd)
{
	unsigned s;

	if (!st->kfwd)
		return;
	cmd->update = atomic_fetch_add(&st->updates_issued, 1) + 1;
	for (s = 0; s < 2; s++)
		if (st->side[s].local.ss_family == AF_INET)
			cmd->kc_valid[s] = media_kfwd_del(st->kfwd, (const void *)&st->side[s].local,
							  &cmd->kc[s]) == 0;
}

int media_call_stream_update(struct media_call *call, unsigned idx, const struct media_stream_cfg *cfg)
{
	struct media_cmd *cmd;
	unsigned s;

	if (!call || !cfg || idx >= call->nstreams || !call->live[idx])
		return EINVAL;
	for (s = 0; s < 2; s++)
		if (cfg->side[s].srtp && !cfg->side[s].tx_key.len)
			return EINVAL;
	cmd = cmd_new(MEDIA_CMD_STREAM_UPDATE, call);
	if (!cmd)
		return ENOMEM;
	cmd->idx = idx;
	cmd->cfg = *cfg;
	kr_take(call->st[idx], cmd);
	media_thread_send(call->th, cmd);
	return 0;
}

int media_call_stream_remove(struct media_call *call, unsigned idx)
{
	struct media_cmd *cmd;

	if (!call || idx >= call->nstreams || !call->live[idx])
		return EINVAL;
	cmd = cmd_new(MEDIA_CMD_STREAM_REMOVE, call);
	if (!cmd)
		return ENOMEM;
	cmd->idx = idx;
	call->live[idx] = false;
	media_thread_send(call->th, cmd);
	return 0;
}
