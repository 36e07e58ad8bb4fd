/* RFC 3261 14.1: a re-INVITE or UPDATE of ours that met glare on a leg
 * (491 Request Pending) goes again there after a random delay, a bounded
 * number of times.  What is sent again is the owner's business: a relayed
 * request (relay.c) or our own session refresh (sesstimer.c). */
#include "base/rand.h"
#include "call/call_priv.h"

static void glare_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct call_glare *g = container_of(w, struct call_glare, tmr);

	(void)loop;
	(void)revents;
	g->on = false;
	g->h(g);
}

/* 2.1 to 4 s where we own the Call-ID (leg B, our dialog), 0 to 2 s where
 * we do not (leg A), in units of 10 ms */
bool call_glare_retry(struct call *c, struct call_glare *g, int leg, call_glare_h *h, void *arg,
		      double *delayp)
{
	uint32_t rnd;
	double delay;

	if (g->tries >= CALL_GLARE_RETRIES || c->state == CALL_ENDED)
		return false;
	if (rand_small(&rnd, sizeof(rnd)))
		rnd = 0;
	delay = leg == LEG_B ? 2.1 + (double)(rnd % 191) / 100.0 : (double)(rnd % 201) / 100.0;
	call_glare_stop(c, g);
	g->tries++;
	g->h = h;
	g->arg = arg;
	g->leg = leg;
	ev_timer_init(&g->tmr, glare_cb, delay, 0);
	ev_timer_start(c->mgr->env.loop, &g->tmr);
	g->on = true;
	*delayp = delay;
	return true;
}

void call_glare_stop(struct call *c, struct call_glare *g)
{
	if (g->on) {
		ev_timer_stop(c->mgr->env.loop, &g->tmr);
		g->on = false;
	}
}
