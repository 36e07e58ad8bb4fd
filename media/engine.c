/* The engine: media threads with their own loops, the command queues into
 * them and the event queue back to the signalling loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "media/log.h"
#include "media/media_int.h"

uint64_t media_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

socklen_t media_sa_len(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void media_sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

int media_sockaddr(struct sockaddr_storage *sa, const char *ip, uint16_t port)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

	if (!sa || !ip)
		return EINVAL;
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		if (in4->sin_addr.s_addr == htonl(INADDR_ANY)) {
			sa->ss_family = AF_UNSPEC;
			return 0;
		}
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) {
			memset(sa, 0, sizeof(*sa));
			sa->ss_family = AF_UNSPEC;
			return 0;
		}
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return EINVAL;
}

/* ---- commands into a media thread ---- */

void media_thread_send(struct media_thread *th, struct media_cmd *cmd)
{
	cmd->next = NULL;
	pthread_mutex_lock(&th->mtx);
	if (th->tail)
		th->tail->next = cmd;
	else
		th->head = cmd;
	th->tail = cmd;
	pthread_mutex_unlock(&th->mtx);
	ev_async_send(th->loop, &th->wake);
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents)
{
	struct media_thread *th = container_of(w, struct media_thread, wake);
	struct media_cmd *cmd, *next;

	(void)revents;
	pthread_mutex_lock(&th->mtx);
	cmd = th->head;
	th->head = th->tail = NULL;
	pthread_mutex_unlock(&th->mtx);
	for (; cmd; cmd = next) {
		next = cmd->next;
		if (cmd->type == MEDIA_CMD_STOP) {
			free(cmd);
			media_relay_stop_all(th);
			ev_break(loop, EVBREAK_ALL);
			continue;
		}
		media_relay_cmd(th, cmd);
		free(cmd);
	}
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	media_relay_tick(container_of(w, struct media_thread, tick));
}

static void *thread_main(void *arg)
{
	struct media_thread *th = arg;
	char name[16];

	/* visible in top -H and perf as media/N */
	snprintf(name, sizeof(name), "media/%u", th->idx);
	pthread_setname_np(pthread_self(), name);
	ev_run(th->loop, 0);
	return NULL;
}

/* ---- events back to signalling ---- */

void media_event_post(struct media_engine *me, const struct media_event *ev)
{
	struct media_evq *q = malloc(sizeof(*q));

	if (!q) {
		media_logf(MEDIA_LOG_ERR, "event %d of a call lost: no memory", (int)ev->type);
		return;
	}
	q->ev = *ev;
	q->next = NULL;
	pthread_mutex_lock(&me->evmtx);
	if (me->evtail)
		me->evtail->next = q;
	else
		me->evhead = q;
	me->evtail = q;
	pthread_mutex_unlock(&me->evmtx);
	ev_async_send(me->cfg.loop, &me->evwake);
}

static struct media_evq *take_events(struct media_engine *me)
{
	struct media_evq *q;

	pthread_mutex_lock(&me->evmtx);
	q = me->evhead;
	me->evhead = me->evtail = NULL;
	pthread_mutex_unlock(&me->evmtx);
	return q;
}

static void on_events(struct ev_loop *loop, ev_async *w, int revents)
{
	struct media_engine *me = container_of(w, struct media_engine, evwake);
	struct media_evq *q = take_events(me), *next;

	(void)loop;
	(void)revents;
	for (; q; q = next) {
		next = q->next;
		if (me->cfg.eventh)
			me->cfg.eventh(&q->ev);
		free(q);
	}
}

/* ---- engine ---- */

static int thread_start(struct media_engine *me, struct media_thread *th, unsigned idx)
{
	int err;

	th->me = me;
	th->idx = idx;
	err = pthread_mutex_init(&th->mtx, NULL);
	if (err)
		return err;
	th->loop = ev_loop_new(EVFLAG_AUTO);
	if (!th->loop)
		return ENOMEM;
	ev_set_userdata(th->loop, th);
	media_relay_thread_init(th);
	ev_async_init(&th->wake, on_wake);
	ev_async_start(th->loop, &th->wake);
	ev_timer_init(&th->tick, on_tick, me->cfg.tick_ms / 1000.0, me->cfg.tick_ms / 1000.0);
	ev_timer_start(th->loop, &th->tick);
	err = pthread_create(&th->tid, NULL, thread_main, th);
	if (err)
		return err;
	th->started = true;
	return 0;
}

static void thread_stop(struct media_thread *th)
{
	if (th->started) {
		struct media_cmd *cmd = calloc(1, sizeof(*cmd));

		if (cmd) {
			cmd->type = MEDIA_CMD_STOP;
			media_thread_send(th, cmd);
		} else {
			/* no memory for a command: stop the loop the blunt way */
			pthread_cancel(th->tid);
		}
		pthread_join(th->tid, NULL);
		th->started = false;
	}
	if (th->loop) {
		struct media_cmd *cmd = th->head, *next;

		for (; cmd; cmd = next) {
			next = cmd->next;
			if (cmd->st)
				media_rstream_close(cmd->st);
			if (cmd->type == MEDIA_CMD_CALL_ADD)
				free(cmd->rc);
			free(cmd);
		}
		ev_timer_stop(th->loop, &th->tick);
		ev_async_stop(th->loop, &th->wake);
		ev_loop_destroy(th->loop);
		th->loop = NULL;
		pthread_mutex_destroy(&th->mtx);
	}
}

int media_engine_alloc(struct media_engine **mep, const struct media_engine_cfg *cfg)
{
	struct media_engine *me;
	unsigned i;
	int err;

	if (!mep || !cfg || !cfg->loop || cfg->threads == 0 || cfg->threads > 256)
		return EINVAL;
	err = media_srtp_init();
	if (err)
		return err;
	me = calloc(1, sizeof(*me));
	if (!me)
		return ENOMEM;
	me->cfg = *cfg;
	if (!me->cfg.tick_ms)
		me->cfg.tick_ms = 1000;
	err = pthread_mutex_init(&me->evmtx, NULL);
	if (err) {
		free(me);
		return err;
	}
	ev_async_init(&me->evwake, on_events);
	ev_async_start(cfg->loop, &me->evwake);
	me->threads = calloc(cfg->threads, sizeof(*me->threads));
	if (!me->threads) {
		err = ENOMEM;
		goto out;
	}
	me->nthreads = cfg->threads;
	for (i = 0; i < cfg->threads; i++) {
		err = thread_start(me, &me->threads[i], i);
		if (err)
			goto out;
	}
	*mep = me;
	return 0;
out:
	media_engine_free(me);
	return err;
}

void media_engine_free(struct media_engine *me)
{
	struct media_evq *q, *next;
	unsigned i;

	if (!me)
		return;
	for (i = 0; me->threads && i < me->nthreads; i++)
		thread_stop(&me->threads[i]);
	free(me->threads);
	ev_async_stop(me->cfg.loop, &me->evwake);
	for (q = take_events(me); q; q = next) {
		next = q->next;
		free(q);
	}
	/* the threads removed their rules as they closed their streams */
	media_kfwd_close(me->kfwd);
	for (i = 0; i < me->nzones; i++)
		media_portpool_free(me->zones[i].pool);
	pthread_mutex_destroy(&me->evmtx);
	free(me);
}

/* Opened once, by the first stream, when every zone is known: a zone
 * added later relays in user space (its rules do not install). */
bool media_engine_kfwd(const struct media_engine *cme)
{
	struct media_engine *me = (struct media_engine *)cme;
	struct sockaddr_in addrs[MEDIA_ZONES_MAX];
	unsigned i, n = 0;
	int err;

	if (!me || me->cfg.kfwd == MEDIA_KFWD_OFF)
		return false;
	if (me->kfwd_tried)
		return me->kfwd != NULL;
	me->kfwd_tried = true;
	for (i = 0; i < me->nzones; i++)
		if (me->zones[i].addr.ss_family == AF_INET)
			memcpy(&addrs[n++], &me->zones[i].addr, sizeof(addrs[0]));
	err = n ? media_kfwd_open(&me->kfwd, addrs, n) : ENOTSUP;
	if (err) {
		me->kfwd = NULL;
		media_logf(MEDIA_LOG_WARN, "RTP forwarding in the kernel is off (%s): all media through the media threads",
			   strerror(err));
		return false;
	}
	media_logf(MEDIA_LOG_INFO, "RTP of established plain streams is forwarded in the kernel");
	return true;
}

int media_engine_zone_add(struct media_engine *me, const char *name, const char *addr,
			  uint16_t min, uint16_t max, uint32_t quarantine_ms)
{
	struct media_zone *z;
	unsigned i;
	int err;

	if (!me || !name || !addr || strlen(name) >= sizeof(z->name))
		return EINVAL;
	for (i = 0; i < me->nzones; i++)
		if (strcmp(me->zones[i].name, name) == 0)
			return EEXIST;
	if (me->nzones == MEDIA_ZONES_MAX)
		return E2BIG;
	z = &me->zones[me->nzones];
	err = media_sockaddr(&z->addr, addr, 0);
	if (err || z->addr.ss_family == AF_UNSPEC)
		return EINVAL;
	err = media_portpool_alloc(&z->pool, min, max, quarantine_ms, NULL, NULL);
	if (err)
		return err;
	snprintf(z->name, sizeof(z->name), "%s", name);
	me->nzones++;
	return 0;
}

struct media_zone *media_zone_find(struct media_engine *me, const char *name)
{
	for (unsigned i = 0; name && i < me->nzones; i++) {
		if (strcmp(me->zones[i].name, name) == 0)
			return &me->zones[i];
	}
	return NULL;
}

int media_engine_zone_ports(struct media_engine *me, const char *zone, struct media_port_stats *out)
{
	struct media_zone *z = me ? media_zone_find(me, zone) : NULL;

	if (!z)
		return ENOENT;
	out->capacity = media_portpool_capacity(z->pool);
	media_portpool_usage(z->pool, &out->in_use, &out->quarantined);
	return 0;
}

unsigned media_engine_threads(const struct media_engine *me)
{
	return me->nthreads;
}

int media_engine_thread_cpu_ns(const struct media_engine *me, unsigned idx, uint64_t *ns)
{
	struct timespec ts;
	clockid_t cid;
	int err;

	if (!me || idx >= me->nthreads || !me->threads[idx].started)
		return EINVAL;
	err = pthread_getcpuclockid(me->threads[idx].tid, &cid);
	if (err)
		return err;
	if (clock_gettime(cid, &ts))
		return errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}
