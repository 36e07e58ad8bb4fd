/* Shared by the transaction suites: a layer on a real libev loop with
 * short timers, a send hook that records every message, and helpers to run
 * the loop until something happened. */
#ifndef B2BUA_TEST_TSX_FIXTURE_H
#define B2BUA_TEST_TSX_FIXTURE_H

#include <errno.h>
#include <ev.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "tsx/tsx.h"

#define T1 0.01
#define T2 0.04
#define T4 0.05
#define TD 0.1			/* timer D, shortened for the tests */
#define SLACK 0.03		/* how late a timer may fire on a busy machine */
#define EPS 0.001

#define FX_FN static __attribute__((unused))

enum { MAX_SENT = 1024, MAX_EVENTS = 32 };

struct sent {
	struct mbuf *mb;
	struct tp_dest dst;
	double at;
};

struct event {
	struct tsx *t;
	int scode;		/* 0 when err */
	int err;
	double at;
	char totag[32];
};

struct fixture {
	struct ev_loop *loop;
	struct tsx_layer *l;
	struct sent sent[MAX_SENT];
	unsigned nsent;		/* successful sends recorded */
	unsigned attempts;	/* calls to the send hook */
	unsigned fail_from;	/* attempts numbered from 1; 0: never fail */
	int fail_err;
	struct event ev[MAX_EVENTS];
	unsigned nev;
	struct tsx *ended[1024];	/* end notices received */
	unsigned nended;
	ev_timer guard;
};

static struct fixture F;

FX_FN int fake_send(const struct tp_dest *dst, struct mbuf *mb, void *arg)
{
	(void)arg;
	F.attempts++;
	if (F.fail_from && F.attempts >= F.fail_from)
		return F.fail_err;
	ck_assert_uint_lt(F.nsent, MAX_SENT);
	F.sent[F.nsent].mb = mbuf_ref(mb);
	F.sent[F.nsent].dst = *dst;
	F.sent[F.nsent].at = ev_now(F.loop);
	F.nsent++;
	return 0;
}

FX_FN void record(struct tsx *t, int scode, int err, const struct pl *totag)
{
	struct event *e;

	ck_assert_uint_lt(F.nev, MAX_EVENTS);
	e = &F.ev[F.nev++];
	e->t = t;
	e->scode = scode;
	e->err = err;
	e->at = ev_now(F.loop);
	e->totag[0] = '\0';
	if (totag && totag->p)
		pl_strcpy(totag, e->totag, sizeof(e->totag));
}

FX_FN void note_end(struct tsx *t)
{
	unsigned i;

	/* exactly one end notice per transaction */
	for (i = 0; i < F.nended; i++)
		ck_assert_ptr_ne(F.ended[i], t);
	ck_assert_uint_lt(F.nended, 1024);
	F.ended[F.nended++] = t;
}

/* true once t had its end notice (it is freed: compare, never touch) */
FX_FN bool ended(const struct tsx *t)
{
	unsigned i;

	for (i = 0; i < F.nended; i++)
		if (F.ended[i] == t)
			return true;
	return false;
}

FX_FN void on_resp(struct tsx *t, const struct sip_msg *resp, int err, void *arg)
{
	(void)arg;
	if (!resp && !err)
		note_end(t);
	else
		record(t, resp ? resp->scode : 0, err, resp ? &resp->to.tag : NULL);
}

FX_FN void on_srv(struct tsx *t, int err, void *arg)
{
	(void)arg;
	if (!err)
		note_end(t);
	else
		record(t, 0, err, NULL);
}

FX_FN void guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

FX_FN void fx_setup(void)
{
	struct tsx_timers tm = { .t1 = T1, .t2 = T2, .t4 = T4 };

	memset(&F, 0, sizeof(F));
	F.loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(F.loop);
	ck_assert_int_eq(tsx_layer_alloc(&F.l, F.loop, &tm, fake_send, NULL), 0);
	ck_assert_int_eq(tsx_layer_set_timer_d(F.l, TD), 0);
	ev_init(&F.guard, guard_cb);
	ev_now_update(F.loop);
}

FX_FN void fx_teardown(void)
{
	unsigned i;

	tsx_layer_free(F.l);
	for (i = 0; i < F.nsent; i++)
		mbuf_unref(F.sent[i].mb);
	ev_timer_stop(F.loop, &F.guard);
	ev_loop_destroy(F.loop);
}

/* Runs the loop until cond holds or max seconds passed; the guard timer
 * wakes the loop so that it never blocks past the limit. */
#define RUN_UNTIL(cond, max)                                                   \
	do {                                                                   \
		double end_ = ev_time() + (max);                               \
		while (!(cond) && ev_time() < end_) {                          \
			ev_timer_stop(F.loop, &F.guard);                       \
			ev_timer_set(&F.guard, end_ - ev_time() + 0.001, 0.);  \
			ev_timer_start(F.loop, &F.guard);                      \
			ev_run(F.loop, EVRUN_ONCE);                           \
		}                                                              \
		ev_timer_stop(F.loop, &F.guard);                               \
	} while (0)

#define RUN_FOR(secs) RUN_UNTIL(0, secs)

FX_FN struct sip_msg *parse_str(const char *s)
{
	struct mbuf *mb = test_mbuf(s);
	struct sip_msg *m = NULL;

	ck_assert_int_eq(sip_msg_parse(&m, mb, 0, mb->len, SIP_PARSE_DGRAM, NULL), 0);
	mbuf_unref(mb);
	ck_assert_uint_eq(m->bad.status, 0);
	return m;
}

__attribute__((format(printf, 1, 2)))
FX_FN struct sip_msg *parse_fmt(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(n, (int)sizeof(buf));
	return parse_str(buf);
}

FX_FN struct sip_msg *parse_sent(unsigned i)
{
	struct sip_msg *m = NULL;
	struct mbuf *mb;

	ck_assert_uint_lt(i, F.nsent);
	mb = F.sent[i].mb;
	ck_assert_int_eq(sip_msg_parse(&m, mb, 0, mb->len, SIP_PARSE_DGRAM, NULL), 0);
	return m;
}

FX_FN bool sent_same(unsigned a, unsigned b)
{
	return F.sent[a].mb->len == F.sent[b].mb->len &&
	       memcmp(F.sent[a].mb->data, F.sent[b].mb->data, F.sent[a].mb->len) == 0;
}

FX_FN struct tp_dest dest(enum sip_transport tp)
{
	struct tp_dest d;
	struct sockaddr_in *sin = (struct sockaddr_in *)&d.addr;

	memset(&d, 0, sizeof(d));
	d.tp = tp;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5060);
	sin->sin_addr.s_addr = htonl(0x7f000015);
	return d;
}

/* seconds after the first recorded send */
FX_FN double since_first(unsigned i)
{
	return F.sent[i].at - F.sent[0].at;
}

FX_FN void assert_at(double got, double want)
{
	ck_assert_msg(got >= want - EPS && got <= want + SLACK,
		      "fired after %.4f s, expected %.4f s", got, want);
}

FX_FN void assert_pl(const struct pl *v, const char *s)
{
	ck_assert_msg(pl_eq_str(v, s), "got \"%.*s\", expected \"%s\"", PL_FMT(*v), s);
}

#endif
