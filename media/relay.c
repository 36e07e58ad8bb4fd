/* The relay on a media thread: commands applied in order, packets read in
 * batches (recvmmsg), checked against the latch, decrypted, counted,
 * re-encrypted and written in batches (sendmmsg).  Nothing here allocates
 * per packet. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/log.h"
#include "media/media_int.h"
#include "media/rtcp.h"

static bool sa_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static bool sa_ip_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

static uint16_t sa_port(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- the kernel path (kfwd.h) ---- */

/* the kernel's last packet under s's rule, for the inactivity check */
static void kr_seen(struct rside *s, const struct media_kfwd_counts *c)
{
	if (c->last_ns && c->last_ns / 1000000u > s->last_rx_ms) {
		s->last_rx_ms = c->last_ns / 1000000u;
		s->timed_out = false;
	}
}

/* what the kernel counted under s's rule joins s's own figures; the RFC
 * 3550 state is the kernel's, plus what user space saw meanwhile */
static void kr_merge(struct rside *s, const struct media_kfwd_counts *c)
{
	/* a source user space started again meanwhile counted from 1 */
	uint64_t extra = s->src.received >= s->kr_received ? s->src.received - s->kr_received : 0;

	s->stats.packets += c->packets;
	s->stats.bytes += c->bytes;
	s->stats.kernel_packets += c->packets;
	if (c->src.init) {
		s->src = c->src;
		s->src.received += extra;
	}
	kr_seen(s, c);
}

static void kr_off(struct rside *s)
{
	struct media_kfwd_counts c;
	int err;

	if (!s->kr_on)
		return;
	s->kr_on = false;
	err = media_kfwd_del(s->st->kfwd, &s->kr.local, &c);
	if (!err)
		kr_merge(s, &c);
	else if (err != ENOENT)	/* ENOENT: an update took it, its command has the counts */
		media_logf(MEDIA_LOG_ERR, "stream %u side %u: kernel rule not removed (%s)",
			   s->st->idx, s->idx, strerror(err));
}

static bool sa_in(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET;
}

/* The rule s should have: what s sends, from where it is latched, goes to
 * o's peer as user space would send it.  Only plain RTP on both sides;
 * SRTP, RTCP, a source or SSRC other than the latched one stay here. */
static bool kr_want(const struct rside *s, struct media_kfwd_rule *r)
{
	const struct rside *o = &s->st->side[s->idx ^ 1];

	if (!s->st->kfwd || !s->configured || !o->configured || !s->latched || s->cfg.srtp ||
	    o->cfg.srtp || !o->have_dst[0] || !sa_in(&s->dst[0]) || !sa_in(&o->dst[0]) ||
	    !sa_in(&s->local) || !sa_in(&o->local))
		return false;
	memset(r, 0, sizeof(*r));
	memcpy(&r->local, &s->local, sizeof(r->local));
	memcpy(&r->peer, &s->dst[0], sizeof(r->peer));
	r->match_ssrc = s->cfg.latch == MEDIA_LATCH_SSRC;
	r->ssrc = r->match_ssrc ? s->latch_ssrc : 0;
	memcpy(&r->out_local, &o->local, sizeof(r->out_local));
	memcpy(&r->out_peer, &o->dst[0], sizeof(r->out_peer));
	r->te_from = r->te_to = -1;
	if (s->cfg.te_pt >= 0 && o->cfg.te_pt >= 0) {
		r->te_from = s->cfg.te_pt;
		r->te_to = o->cfg.te_pt;
	}
	r->clock_rate = s->cfg.clock_rate ? s->cfg.clock_rate : 8000;
	return true;
}

static bool kr_same(const struct media_kfwd_rule *a, const struct media_kfwd_rule *b)
{
	return sa_eq((const void *)&a->local, (const void *)&b->local) &&
	       sa_eq((const void *)&a->peer, (const void *)&b->peer) &&
	       a->match_ssrc == b->match_ssrc && a->ssrc == b->ssrc &&
	       sa_eq((const void *)&a->out_local, (const void *)&b->out_local) &&
	       sa_eq((const void *)&a->out_peer, (const void *)&b->out_peer) &&
	       a->te_from == b->te_from && a->te_to == b->te_to && a->clock_rate == b->clock_rate;
}

/* after any change to a stream: each side's rule as it should be now */
static void kr_sync(struct rstream *st)
{
	struct media_kfwd_rule r;
	unsigned k;
	int err;

	for (k = 0; k < 2; k++) {
		struct rside *s = &st->side[k];
		bool want = kr_want(s, &r);

		if (s->kr_on && want && kr_same(&s->kr, &r))
			continue;
		kr_off(s);
		if (!want)
			continue;
		r.src = s->src;
		err = media_kfwd_add(st->kfwd, &r);
		if (err) {
			media_logf(MEDIA_LOG_DEBUG, "stream %u side %u: relayed in user space (%s)",
				   st->idx, k, strerror(err));
			continue;
		}
		s->kr = r;
		s->kr_received = s->src.received;
		s->kr_on = true;
		/* an update issued meanwhile did not see this rule: it goes,
		 * and comes back when the update is applied */
		if (atomic_load(&st->updates_issued) != st->updates_applied)
			kr_off(s);
	}
}

/* the kernel's figures so far, for the inactivity check */
static void kr_poll(struct rside *s)
{
	struct media_kfwd_counts c;

	if (s->kr_on && media_kfwd_read(s->st->kfwd, &s->kr.local, &c) == 0)
		kr_seen(s, &c);
}

/* ---- stream lifetime ---- */

static void side_close(struct rside *s, struct ev_loop *loop)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		if (loop)
			ev_io_stop(loop, &s->io[i]);
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
	/* closed first, then back to the pool, where the quarantine starts */
	if (s->pool)
		media_portpool_release(s->pool, s->port);
	s->pool = NULL;
	media_srtp_free(s->rx);
	media_srtp_free(s->tx);
	s->rx = s->tx = NULL;
}

/* closes a stream that never started on a loop (or has been stopped) */
void media_rstream_close(struct rstream *st)
{
	side_close(&st->side[0], NULL);
	side_close(&st->side[1], NULL);
	free(st);
}

static void stats_final(struct rside *s)
{
	uint32_t clock = s->cfg.clock_rate ? s->cfg.clock_rate : 8000;

	s->stats.lost = media_rtp_src_lost(&s->src);
	s->stats.jitter_ms = media_rtp_src_jitter_ms(&s->src, clock);
}

/* the ports go back to their pools before the statistics are posted: a
 * stream's MEDIA_EV_STATS says its ports are free */
static void stream_end(struct media_thread *th, struct rstream *st, bool report)
{
	struct media_event ev = { .type = MEDIA_EV_STATS, .arg = st->call->arg, .stream = st->idx,
				  .seq = st->seq };

	kr_off(&st->side[0]);
	kr_off(&st->side[1]);
	if (report) {
		stats_final(&st->side[0]);
		stats_final(&st->side[1]);
		ev.stats.rx[0] = st->side[0].stats;
		ev.stats.rx[1] = st->side[1].stats;
	}
	side_close(&st->side[0], th->loop);
	side_close(&st->side[1], th->loop);
	st->call->streams[st->idx] = NULL;
	free(st);
	if (report)
		media_event_post(th->me, &ev);
}

static void call_end(struct media_thread *th, struct rcall *rc, bool report)
{
	unsigned i;

	for (i = 0; i < MEDIA_MAX_STREAMS; i++)
		if (rc->streams[i])
			stream_end(th, rc->streams[i], report);
	if (rc->prev)
		rc->prev->next = rc->next;
	else
		th->calls = rc->next;
	if (rc->next)
		rc->next->prev = rc->prev;
	if (report) {
		struct media_event ev = { .type = MEDIA_EV_END, .arg = rc->arg };

		media_event_post(th->me, &ev);
	}
	free(rc);
}

void media_relay_stop_all(struct media_thread *th)
{
	while (th->calls)
		call_end(th, th->calls, false);
}

/* ---- re-attach ---- */

static int ctx_renew(struct media_srtp **ctx, const struct media_key *k, bool inbound)
{
	struct media_srtp *n;
	int err = media_srtp_alloc(&n, k, inbound);

	if (err)
		return err;
	media_srtp_free(*ctx);
	*ctx = n;
	return 0;
}

static void side_update(struct rside *s, const struct media_side *cfg)
{
	const struct media_side *prev = &s->cfg;
	bool moved = !s->configured || !sa_eq(&prev->rtp, &cfg->rtp) || prev->latch != cfg->latch;

	if (moved && cfg->rtp.ss_family == AF_UNSPEC) {
		/* RFC 2543 hold (c=0.0.0.0): nothing is sent to it, and what it
		 * still sends (music on hold) comes from where it was latched */
		s->have_dst[0] = false;
	} else if (moved) {
		/* RFC 3264 8.3.1: the answer is known, send to the new address
		 * now; until the peer's first packet the old one may not win */
		s->have_old = false;
		if (s->latched && !sa_eq(&s->dst[0], &cfg->rtp)) {
			s->old = s->dst[0];
			s->have_old = true;
			s->old_until_ms = media_now_ms() + MEDIA_OLD_SOURCE_MS;
		}
		s->latched = false;
		s->have_dst[0] = true;
		s->dst[0] = cfg->rtp;
	}
	if (moved || !sa_eq(&prev->rtcp, &cfg->rtcp) || prev->rtcp_mux != cfg->rtcp_mux) {
		s->have_dst[1] = false;
		if (cfg->rtcp.ss_family != AF_UNSPEC) {
			s->dst[1] = cfg->rtcp;
			s->have_dst[1] = true;
		} else if (s->have_dst[0]) {
			s->dst[1] = s->dst[0];
			media_sa_set_port(&s->dst[1], (uint16_t)(sa_port(&s->dst[0]) + 1));
			s->have_dst[1] = true;
		}
	}
	/* new keys: new contexts, the rollover counter starts again */
	if (!cfg->srtp) {
		media_srtp_free(s->rx);
		media_srtp_free(s->tx);
		s->rx = s->tx = NULL;
	} else {
		if (!cfg->rx_key.len) {
			/* offered, not answered: no key to authenticate with */
			media_srtp_free(s->rx);
			s->rx = NULL;
		} else if (!s->rx || !prev->srtp || !media_key_eq(&prev->rx_key, &cfg->rx_key)) {
			if (ctx_renew(&s->rx, &cfg->rx_key, true))
				media_logf(MEDIA_LOG_ERR, "stream %u side %u: no SRTP receive context",
					   s->st->idx, s->idx);
		}
		if (!s->tx || !prev->srtp || !media_key_eq(&prev->tx_key, &cfg->tx_key)) {
			if (ctx_renew(&s->tx, &cfg->tx_key, false))
				media_logf(MEDIA_LOG_ERR, "stream %u side %u: no SRTP send context",
					   s->st->idx, s->idx);
		}
	}
	/* a moved side or a new direction starts its inactivity clock again;
	 * a session refresh with the same SDP must not keep dead media alive */
	if (moved || prev->dir != cfg->dir) {
		s->last_rx_ms = media_now_ms();
		s->timed_out = false;
	}
	s->cfg = *cfg;
	s->configured = true;
}

/* ---- packets ---- */

static void on_readable(struct ev_loop *loop, ev_io *w, int revents);

static void queue_send(struct media_thread *th, int fd, uint8_t *p, size_t len,
		       const struct sockaddr_storage *dst)
{
	unsigned i = th->nsend++;

	th->sfd[i] = fd;
	th->siov[i].iov_base = p;
	th->siov[i].iov_len = len;
	th->smsg[i].msg_hdr.msg_name = (void *)(uintptr_t)dst;
	th->smsg[i].msg_hdr.msg_namelen = media_sa_len(dst);
	th->smsg[i].msg_hdr.msg_iov = &th->siov[i];
	th->smsg[i].msg_hdr.msg_iovlen = 1;
	th->smsg[i].msg_hdr.msg_control = NULL;
	th->smsg[i].msg_hdr.msg_controllen = 0;
	th->smsg[i].msg_hdr.msg_flags = 0;
}

/* sends the queue in runs of the same socket */
static void flush_send(struct media_thread *th, struct rside *from)
{
	unsigned i = 0;

	while (i < th->nsend) {
		unsigned j = i + 1;
		int n;

		while (j < th->nsend && th->sfd[j] == th->sfd[i])
			j++;
		if (j == i + 1) {
			/* the usual case at 50 pps per socket: one datagram, and
			 * sendto copies less than sendmmsg */
			const struct msghdr *m = &th->smsg[i].msg_hdr;

			if (sendto(th->sfd[i], m->msg_iov->iov_base, m->msg_iov->iov_len, MSG_DONTWAIT,
				   m->msg_name, m->msg_namelen) < 0)
				from->stats.send_errors++;
			i = j;
			continue;
		}
		while (i < j) {
			n = sendmmsg(th->sfd[i], &th->smsg[i], j - i, MSG_DONTWAIT);
			if (n <= 0) {
				/* a full socket buffer or an ICMP error: these are lost */
				from->stats.send_errors += j - i;
				break;
			}
			i += (unsigned)n;
		}
		i = j;
	}
	th->nsend = 0;
}

enum verdict { DROP, ACCEPT, LATCH };

static enum verdict check_source(struct rside *s, const struct sockaddr_storage *from, bool rtcp,
				 uint32_t ssrc, uint64_t now_ms)
{
	/* the old address is refused for a while only: a peer that keeps
	 * sending from there (a NAT mapping that did not move) is not cut off */
	if (s->have_old && now_ms >= s->old_until_ms)
		s->have_old = false;
	if (rtcp) {
		/* RTCP: the peer's IP is enough; its port is learnt below */
		if (s->latched || s->have_dst[0])
			return sa_ip_eq(from, &s->dst[0]) ? ACCEPT : DROP;
		return s->cfg.latch == MEDIA_LATCH_STRICT ? DROP : ACCEPT;
	}
	if (s->latched) {
		if (sa_eq(from, &s->dst[0]))
			return ACCEPT;
		if (s->cfg.latch == MEDIA_LATCH_SSRC && ssrc != s->latch_ssrc &&
		    !(s->have_old && sa_eq(from, &s->old)))
			return LATCH;
		return DROP;
	}
	if (s->cfg.rtp.ss_family != AF_UNSPEC && sa_eq(from, &s->cfg.rtp))
		return LATCH;
	if (s->have_old && sa_eq(from, &s->old))
		return DROP;
	return s->cfg.latch == MEDIA_LATCH_STRICT ? DROP : LATCH;
}

static void rtcp_report(struct rside *s, const uint8_t *p, size_t len)
{
	/* RFC 3550 6.4: the first report block of an SR (PT 200) or RR (201) */
	size_t off;
	uint32_t clock = s->cfg.clock_rate ? s->cfg.clock_rate : 8000;

	if (len < 8 || (p[0] & 0x1f) == 0)
		return;
	if (p[1] == 200)
		off = 28;
	else if (p[1] == 201)
		off = 8;
	else
		return;
	if (len < off + 24)
		return;
	/* 24-bit signed cumulative loss */
	s->stats.rtcp_lost = (int32_t)(rd32(p + off + 4) << 8) >> 8;
	s->stats.rtcp_jitter_ms = (double)rd32(p + off + 12) * 1000.0 / clock;
}

static void relay_one(struct media_thread *th, struct rside *s, uint8_t *p, size_t len,
		      const struct sockaddr_storage *from, bool rtcp_sock, uint64_t now_us)
{
	struct rside *o = &s->st->side[s->idx ^ 1];
	bool rtcp;
	uint32_t ssrc;
	enum verdict v;
	int err;

	if (len < 8 || (p[0] >> 6) != 2) {
		s->stats.malformed++;
		return;
	}
	/* RFC 5761 4: RTCP packet types 192-223 sit where RTP's marker+PT is */
	rtcp = rtcp_sock || (p[1] >= 192 && p[1] <= 223);
	if (!rtcp && len < 12) {
		s->stats.malformed++;
		return;
	}
	ssrc = rd32(p + (rtcp ? 4 : 8));
	v = check_source(s, from, rtcp, ssrc, now_us / 1000u);
	if (v == DROP) {
		s->stats.unexpected_source++;
		return;
	}
	if (s->cfg.srtp) {
		if (!s->rx) {
			if (s->cfg.rx_key.len)
				s->stats.srtp_auth_fail++;
			else
				s->stats.srtp_no_key++;
			return;
		}
		/* RFC 3711 3.2.3: each SSRC is its own cryptographic context with
		 * its own rollover counter and replay list; libsrtp keeps one per
		 * SSRC under the session, created only once a packet authenticates.
		 * Renewing the session on an SSRC change would forget the replay
		 * lists of the others and let captured packets through again. */
		err = media_srtp_unprotect(s->rx, p, &len, rtcp);
		if (err) {
			if (err == EALREADY)
				s->stats.srtp_replay++;
			else
				s->stats.srtp_auth_fail++;
			return;
		}
	}
	/* only an authentic packet may move the latch */
	if (v == LATCH) {
		s->dst[0] = *from;
		s->have_dst[0] = true;
		s->latched = true;
		s->latch_ssrc = ssrc;
		s->have_old = false;
		if (!s->cfg.rtcp_mux && s->cfg.rtcp.ss_family == AF_UNSPEC) {
			s->dst[1] = *from;
			media_sa_set_port(&s->dst[1], (uint16_t)(sa_port(from) + 1));
			s->have_dst[1] = true;
		}
		s->st->kr_dirty = true;
	} else if (!rtcp && s->cfg.latch == MEDIA_LATCH_SSRC && ssrc != s->latch_ssrc) {
		/* the latched source's new SSRC: the kernel's rule follows it */
		s->latch_ssrc = ssrc;
		s->st->kr_dirty = true;
	}
	if (rtcp) {
		/* symmetric RTCP: answer where it comes from */
		if (rtcp_sock && s->cfg.latch != MEDIA_LATCH_STRICT) {
			s->dst[1] = *from;
			s->have_dst[1] = true;
		}
		s->stats.rtcp_packets++;
		rtcp_report(s, p, len);
		/* SDES names the peer (CNAME user@host, TOOL, ...): not relayed */
		len = media_rtcp_sanitize(p, len, MEDIA_PKT_MAX - MEDIA_SRTP_MAX_TRAILER - 4);
		if (!len) {
			s->stats.malformed++;
			return;
		}
	} else {
		uint32_t clock = s->cfg.clock_rate ? s->cfg.clock_rate : 8000;
		uint32_t arrival = (uint32_t)(now_us * clock / 1000000u);

		media_rtp_src_update(&s->src, ssrc, (uint16_t)(p[2] << 8 | p[3]), rd32(p + 4), arrival);
		s->stats.packets++;
		s->stats.bytes += len;
		/* RFC 4733: telephone-event under the other leg's payload type */
		if (s->cfg.te_pt >= 0 && o->cfg.te_pt >= 0 && (p[1] & 0x7f) == s->cfg.te_pt)
			p[1] = (uint8_t)((p[1] & 0x80) | o->cfg.te_pt);
	}
	s->last_rx_ms = now_us / 1000u;
	s->timed_out = false;
	if (!o->configured)
		return;
	if (o->cfg.srtp) {
		if (!o->tx) {
			o->stats.send_errors++;
			return;
		}
		/* a new SSRC gets its own outbound stream (rollover counter 0) */
		if (media_srtp_protect(o->tx, p, &len, MEDIA_PKT_MAX, rtcp)) {
			s->stats.send_errors++;
			return;
		}
	}
	/* RFC 5761 interworking: a muxing side gets RTCP on its RTP port */
	if (!rtcp || o->cfg.rtcp_mux) {
		if (o->have_dst[0])
			queue_send(th, o->fd[0], p, len, &o->dst[0]);
	} else if (o->have_dst[1]) {
		queue_send(th, o->fd[1], p, len, &o->dst[1]);
	}
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rside *s = w->data;
	struct media_thread *th = ev_userdata(loop);
	bool rtcp_sock = (w == &s->io[1]);
	struct timespec ts;
	uint64_t now_us;
	int n, i;

	(void)revents;
	/* the headers were set up once; recvmmsg only changed the address
	 * lengths of the entries it filled */
	for (i = 0; i < th->rused; i++)
		th->rmsg[i].msg_hdr.msg_namelen = sizeof(th->from[i]);
	n = recvmmsg(s->fd[rtcp_sock], th->rmsg, MEDIA_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	th->rused = n;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	for (i = 0; i < n; i++) {
		if (th->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			s->stats.malformed++;
			continue;
		}
		relay_one(th, s, th->buf[i], th->rmsg[i].msg_len, &th->from[i], rtcp_sock, now_us);
	}
	flush_send(th, s);
	/* after the batch: the kernel continues from what it counted */
	if (s->st->kr_dirty) {
		s->st->kr_dirty = false;
		kr_sync(s->st);
	}
}

void media_relay_thread_init(struct media_thread *th)
{
	int i;

	for (i = 0; i < MEDIA_BATCH; i++) {
		th->riov[i].iov_base = th->buf[i];
		th->riov[i].iov_len = MEDIA_PKT_MAX - MEDIA_SRTP_MAX_TRAILER - 4;
		th->rmsg[i].msg_hdr.msg_name = &th->from[i];
		th->rmsg[i].msg_hdr.msg_namelen = sizeof(th->from[i]);
		th->rmsg[i].msg_hdr.msg_iov = &th->riov[i];
		th->rmsg[i].msg_hdr.msg_iovlen = 1;
	}
	th->rused = MEDIA_BATCH;
}

/* ---- commands ---- */

static void stream_start(struct media_thread *th, struct rstream *st)
{
	unsigned s, i;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < 2; i++) {
			ev_io_init(&st->side[s].io[i], on_readable, st->side[s].fd[i], EV_READ);
			st->side[s].io[i].data = &st->side[s];
			ev_io_start(th->loop, &st->side[s].io[i]);
		}
	}
}

void media_relay_cmd(struct media_thread *th, struct media_cmd *cmd)
{
	struct rcall *rc = cmd->rc;
	struct rstream *st;

	switch (cmd->type) {
	case MEDIA_CMD_CALL_ADD:
		rc->next = th->calls;
		rc->prev = NULL;
		if (th->calls)
			th->calls->prev = rc;
		th->calls = rc;
		break;
	case MEDIA_CMD_STREAM_ADD:
		st = cmd->st;
		st->call = rc;
		rc->streams[st->idx] = st;
		cmd->st = NULL;
		stream_start(th, st);
		break;
	case MEDIA_CMD_STREAM_UPDATE:
		st = rc->streams[cmd->idx];
		if (!st)
			break;
		/* the update took the rules away (kr_take): what they counted */
		if (st->kfwd) {
			for (unsigned k = 0; k < 2; k++) {
				if (cmd->kc_valid[k])
					kr_merge(&st->side[k], &cmd->kc[k]);
				st->side[k].kr_on = false;
			}
			st->updates_applied = cmd->update;
		}
		/* both sides in one step: no packet sees half an update */
		side_update(&st->side[0], &cmd->cfg.side[0]);
		side_update(&st->side[1], &cmd->cfg.side[1]);
		st->timeout_ms = cmd->cfg.timeout_ms;
		st->hold_timeout_ms = cmd->cfg.hold_timeout_ms;
		kr_sync(st);
		break;
	case MEDIA_CMD_STREAM_REMOVE:
		if (rc->streams[cmd->idx])
			stream_end(th, rc->streams[cmd->idx], true);
		break;
	case MEDIA_CMD_CALL_FREE:
		call_end(th, rc, true);
		break;
	case MEDIA_CMD_STOP:
		break;
	}
}

/* ---- inactivity ---- */

static bool side_sends(const struct rside *s)
{
	return s->cfg.dir == MEDIA_DIR_SENDRECV || s->cfg.dir == MEDIA_DIR_SENDONLY ||
	       s->cfg.dir == MEDIA_DIR_UNSET;
}

void media_relay_tick(struct media_thread *th)
{
	uint64_t now = media_now_ms();
	struct rcall *rc;
	unsigned i, k;

	for (rc = th->calls; rc; rc = rc->next) {
		for (i = 0; i < MEDIA_MAX_STREAMS; i++) {
			struct rstream *st = rc->streams[i];

			for (k = 0; st && k < 2; k++) {
				struct rside *s = &st->side[k];
				uint32_t limit;

				if (!s->configured || s->timed_out)
					continue;
				kr_poll(s);
				/* a held side sends nothing: the longer hold timeout */
				limit = side_sends(s) ? st->timeout_ms : st->hold_timeout_ms;
				if (limit && now - s->last_rx_ms >= limit) {
					struct media_event ev = { .type = MEDIA_EV_TIMEOUT, .arg = rc->arg,
								  .stream = i, .seq = st->seq, .side = k };

					s->timed_out = true;
					media_event_post(th->me, &ev);
				}
			}
		}
	}
}
