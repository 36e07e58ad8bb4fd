/* Port pool: a FIFO of even ports, each with the time it may be reused.
 * Released ports join the tail with now + quarantine; since quarantine is
 * the same for all, the FIFO stays ordered by that time and take() only
 * looks at the head. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "media/portpool.h"

struct slot {
	uint16_t port;
	uint64_t ready;
};

struct media_portpool {
	pthread_mutex_t mtx;
	uint16_t base;		/* lowest RTP port */
	unsigned cap;		/* even ports */
	unsigned head, count;	/* FIFO of free ports */
	struct slot *fifo;
	bool *taken;		/* by (port - base) / 2 */
	uint32_t quarantine_ms;
	media_clock_h *clock;
	void *arg;
};

uint64_t media_clock_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int media_portpool_alloc(struct media_portpool **poolp, uint16_t min, uint16_t max,
			 uint32_t quarantine_ms, media_clock_h *clock, void *arg)
{
	struct media_portpool *pool;
	unsigned first = (min + 1u) & ~1u, i;
	int err;

	if (!poolp || first == 0 || first + 1u > max)
		return EINVAL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return ENOMEM;
	pool->base = (uint16_t)first;
	pool->cap = (max - first + 1u) / 2u;
	pool->fifo = calloc(pool->cap, sizeof(*pool->fifo));
	pool->taken = calloc(pool->cap, sizeof(*pool->taken));
	if (!pool->fifo || !pool->taken) {
		err = ENOMEM;
		goto out;
	}
	err = pthread_mutex_init(&pool->mtx, NULL);
	if (err)
		goto out;
	for (i = 0; i < pool->cap; i++)
		pool->fifo[i].port = (uint16_t)(first + 2u * i);
	pool->count = pool->cap;
	pool->quarantine_ms = quarantine_ms;
	pool->clock = clock ? clock : media_clock_ms;
	pool->arg = arg;
	*poolp = pool;
	return 0;
out:
	free(pool->fifo);
	free(pool->taken);
	free(pool);
	return err;
}

void media_portpool_free(struct media_portpool *pool)
{
	if (!pool)
		return;
	pthread_mutex_destroy(&pool->mtx);
	free(pool->fifo);
	free(pool->taken);
	free(pool);
}

int media_portpool_take(struct media_portpool *pool, uint16_t *portp)
{
	struct slot *s;
	int err = ENOSPC;

	pthread_mutex_lock(&pool->mtx);
	if (pool->count == 0)
		goto out;
	s = &pool->fifo[pool->head];
	if (s->ready > pool->clock(pool->arg))
		goto out;
	*portp = s->port;
	pool->taken[(s->port - pool->base) / 2u] = true;
	pool->head = (pool->head + 1u) % pool->cap;
	pool->count--;
	err = 0;
out:
	pthread_mutex_unlock(&pool->mtx);
	return err;
}

int media_portpool_release(struct media_portpool *pool, uint16_t port)
{
	unsigned idx = (unsigned)(port - pool->base) / 2u;
	struct slot *s;
	int err = EINVAL;

	if (port < pool->base || (port & 1u) || idx >= pool->cap)
		return EINVAL;
	pthread_mutex_lock(&pool->mtx);
	if (!pool->taken[idx])
		goto out;
	pool->taken[idx] = false;
	s = &pool->fifo[(pool->head + pool->count) % pool->cap];
	s->port = port;
	s->ready = pool->clock(pool->arg) + pool->quarantine_ms;
	pool->count++;
	err = 0;
out:
	pthread_mutex_unlock(&pool->mtx);
	return err;
}

unsigned media_portpool_available(struct media_portpool *pool)
{
	uint64_t now;
	unsigned i, n = 0;

	pthread_mutex_lock(&pool->mtx);
	now = pool->clock(pool->arg);
	for (i = 0; i < pool->count; i++) {
		if (pool->fifo[(pool->head + i) % pool->cap].ready > now)
			break;
		n++;
	}
	pthread_mutex_unlock(&pool->mtx);
	return n;
}

void media_portpool_usage(struct media_portpool *pool, unsigned *in_use, unsigned *quarantined)
{
	uint64_t now;
	unsigned i;

	pthread_mutex_lock(&pool->mtx);
	now = pool->clock(pool->arg);
	*in_use = pool->cap - pool->count;
	/* the FIFO is ordered by the time each port may be reused: the
	 * quarantined ones are its tail */
	for (i = 0; i < pool->count; i++) {
		if (pool->fifo[(pool->head + i) % pool->cap].ready > now)
			break;
	}
	*quarantined = pool->count - i;
	pthread_mutex_unlock(&pool->mtx);
}

unsigned media_portpool_capacity(const struct media_portpool *pool)
{
	return pool->cap;
}
