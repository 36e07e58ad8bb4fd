/* A call's media: every SDP body that crosses is parsed into the media
 * library's stream model, the relay is told where each side is, and the
 * other leg gets SDP written from our own state (our address in its zone,
 * our ports, our o= line).  Nothing of the peer's SDP addresses crosses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "call/call_priv.h"
#include "db.h"
#include "media/crypto.h"
#include "media/media.h"

/* what the media thread's events point at: outlives the call until the
 * engine's MEDIA_EV_END for it */
struct cm_link {
	struct cm_link *next, *prev;	/* in the manager's list */
	struct call_mgr *mgr;
	struct call *call;
	struct db_cdr *cdr;		/* submitted with the streams' statistics */
};

static void link_free(struct cm_link *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		l->mgr->links = l->next;
	if (l->next)
		l->next->prev = l->prev;
	free(l);
}

/* At shutdown the engine drops the events still queued: the links that
 * wait for theirs go here. */
void call_media_links_free(struct call_mgr *m)
{
	while (m->links) {
		struct cm_link *l = m->links;
		if (l->cdr) {
			/* shutting down: the CDR goes without the statistics
			 * the dropped events would have brought */
			call_cdr_submit(m, l->cdr);
			l->cdr = NULL;
		}
		link_free(l);
	}
}


/* SDES keys of one stream (RFC 4568): per leg, whether it is SRTP, the tag
 * and suite of its a=crypto line, and our key towards it */
struct cm_srtp {
	bool on[2];
	uint32_t tag[2];
	struct media_key ours[2];
	bool have_ours[2];
	bool heard[2];		/* an SDP from that leg set its media up */
};

/* the relay's state before an offer inside the dialog, put back when the
 * offer fails (RFC 3264 8: the session stays as it was) */
struct cm_undo {
	unsigned n;
	bool added[MEDIA_MAX_STREAMS];
	bool mux_offered[MEDIA_MAX_STREAMS][2];
	struct cm_srtp srtp[MEDIA_MAX_STREAMS];
	struct media_stream_cfg cfg[MEDIA_MAX_STREAMS];
};

struct call_media {
	struct media_call *mc;
	struct cm_undo *undo;			/* while an offer is outstanding */
	enum call_media_mode mode[2];
	char *codec_buf[2];			/* the lists below point into these */
	const char *codecs[2][16];
	size_t ncodecs[2];
	struct cm_srtp srtp[MEDIA_MAX_STREAMS];
	struct cm_link *link;
	unsigned n;				/* m-lines known */
	bool added[MEDIA_MAX_STREAMS];		/* a relay stream exists */
	unsigned idx[MEDIA_MAX_STREAMS];
	uint16_t port[MEDIA_MAX_STREAMS][2];	/* our RTP port per leg */
	bool mux_offered[MEDIA_MAX_STREAMS][2];	/* our last offer to the leg had a=rtcp-mux */
	struct media_stream_cfg cfg[MEDIA_MAX_STREAMS];
	struct media_sdp_origin origin[2];	/* our o= per leg */
};

void call_media_cdr(struct call *c, struct db_cdr *cdr)
{
	c->media->link->cdr = cdr;
}

static const char *zone_of(struct call *c, int leg)
{
	const struct tp_listener_cfg *lc = transport_listener(c->mgr->env.tp, c->listener[leg]);

	return lc ? lc->zone : "";
}

static const struct call_zone *zone_find(struct call *c, const char *name)
{
	for (unsigned i = 0; i < c->mgr->env.n_zones; i++) {
		if (strcmp(c->mgr->env.zones[i].name, name) == 0)
			return &c->mgr->env.zones[i];
	}
	return NULL;
}

void call_media_event(const struct media_event *ev)
{
	struct cm_link *link = ev->arg;

	switch (ev->type) {
	case MEDIA_EV_TIMEOUT:
		if (link && link->call) {
			log_info(link->call->id, "no media from leg %s on stream %u",
				 ev->side == 0 ? "A" : "B", ev->stream);
			call_end(link->call, "media timeout");
		}
		break;
	case MEDIA_EV_STATS:
		if (link && link->cdr && link->cdr->n_streams + 1 < DB_CDR_STREAMS_MAX) {
			for (unsigned side = 0; side < 2; side++) {
				struct db_cdr_stream *cs = &link->cdr->streams[link->cdr->n_streams++];
				const struct media_rx_stats *rx = &ev->stats.rx[side];
				const struct media_rx_stats *tx = &ev->stats.rx[1 - side];
				cs->idx = ev->seq;	/* a removed stream's index comes back */
				cs->leg = side == 0 ? 'a' : 'b';
				cs->packets_in = rx->packets;
				cs->bytes_in = rx->bytes;
				cs->packets_out = tx->packets;
				cs->bytes_out = tx->bytes;
				cs->lost = rx->lost > 0 ? (uint64_t)rx->lost : 0;
				cs->jitter_ms = rx->jitter_ms;
			}
		}
		if (link && (link->call || link->cdr)) {
			const char *id = link->call ? link->call->id : link->cdr->call_id;
			const struct media_stream_stats *s = &ev->stats;
			for (unsigned side = 0; side < 2; side++) {
				const struct media_rx_stats *r = &s->rx[side];
				log_info(id,
					 "stream %u: leg %s sent %llu packets relayed (%lld lost, jitter "
					 "%.1f ms; %llu of them by the kernel), %llu from unexpected sources, "
					 "%llu failed SRTP authentication, %llu replayed, %llu before its SRTP "
					 "key was known, %llu malformed", ev->stream,
					 side ? "B" : "A", (unsigned long long)r->packets, (long long)r->lost,
					 r->jitter_ms, (unsigned long long)r->kernel_packets,
					 (unsigned long long)r->unexpected_source,
					 (unsigned long long)r->srtp_auth_fail,
					 (unsigned long long)r->srtp_replay, (unsigned long long)r->srtp_no_key,
					 (unsigned long long)r->malformed);
			}
		}
		break;
	case MEDIA_EV_END:
		if (link) {
			if (link->cdr)
				call_cdr_submit(link->mgr, link->cdr);
			link->cdr = NULL;
			link_free(link);
		}
		break;
	}
}

static int cm_get(struct call *c, struct call_media **cmp)
{
	struct call_media *cm = c->media;
	int err;

	if (cm) {
		*cmp = cm;
		return 0;
	}
	if (!c->mgr->env.media)
		return ENOTSUP;
	cm = calloc(1, sizeof(*cm));
	if (!cm)
		return ENOMEM;
	cm->link = calloc(1, sizeof(*cm->link));
	if (!cm->link) {
		free(cm);
		return ENOMEM;
	}
	if (c->route) {
		for (int leg = 0; leg < 2; leg++) {
			cm->mode[leg] = c->route->media_mode[leg];
			if (c->route->codecs[leg][0] && (cm->codec_buf[leg] = strdup(c->route->codecs[leg]))) {
				char *save = NULL;
				for (char *t = strtok_r(cm->codec_buf[leg], ",", &save); t && cm->ncodecs[leg] < 16;
				     t = strtok_r(NULL, ",", &save))
					cm->codecs[leg][cm->ncodecs[leg]++] = t;
			}
		}
	}
	cm->link->call = c;
	cm->link->mgr = c->mgr;
	cm->link->next = c->mgr->links;
	if (c->mgr->links)
		c->mgr->links->prev = cm->link;
	c->mgr->links = cm->link;
	err = media_sdp_origin_init(&cm->origin[0]);
	if (!err)
		err = media_sdp_origin_init(&cm->origin[1]);
	if (!err)
		err = media_call_alloc(&cm->mc, c->mgr->env.media, cm->link);
	if (err) {
		link_free(cm->link);
		free(cm);
		return err;
	}
	c->media = cm;
	*cmp = cm;
	return 0;
}

void call_media_free(struct call *c)
{
	struct call_media *cm = c->media;

	if (!cm)
		return;
	free(cm->undo);
	/* the link goes with the engine's last event for this call */
	cm->link->call = NULL;
	media_call_free(cm->mc);
	free(cm->codec_buf[0]);
	free(cm->codec_buf[1]);
	free(cm);
	c->media = NULL;
}

/* side `leg` of stream i as its SDP describes it */
static void side_from_sdp(struct media_side *side, const struct media_sdp *sdp,
			  const struct media_sdp_stream *st)
{
	const struct media_sdp_conn *conn = media_sdp_stream_conn(sdp, st);
	char ip[64];

	memset(&side->rtp, 0, sizeof(side->rtp));
	memset(&side->rtcp, 0, sizeof(side->rtcp));
	if (conn && conn->set && !conn->hold && conn->addr.l < sizeof(ip)) {
		memcpy(ip, conn->addr.p, conn->addr.l);
		ip[conn->addr.l] = '\0';
		media_sockaddr(&side->rtp, ip, st->port);
		if (st->rtcp_set) {
			const struct media_sdp_conn *rc = st->rtcp_conn.set ? &st->rtcp_conn : conn;
			if (rc->addr.l < sizeof(ip)) {
				memcpy(ip, rc->addr.p, rc->addr.l);
				ip[rc->addr.l] = '\0';
				media_sockaddr(&side->rtcp, ip, st->rtcp_port);
			}
		}
	}
	side->rtcp_mux = st->rtcp_mux;
	side->latch = MEDIA_LATCH_ON;
	side->dir = media_sdp_stream_dir(sdp, st);
	side->clock_rate = st->nfmt ? st->fmts[0].clock : 8000;
	side->te_pt = media_sdp_stream_te_pt(st, 0);
	side->srtp = false;
}

/* a=crypto lines from leg `from` count unless its trunk is RTP only */
static bool crypto_counts(const struct call_media *cm, int from, const struct media_sdp_stream *st)
{
	return st->ncrypto && cm->mode[from] != CALL_MEDIA_RTP_ONLY;
}

/* SRTP per leg for stream i, from the SDP that came from leg `from`: what
 * that side encrypts with, and whether the SDP we write for the other leg
 * (`ls`) is SRTP, with our key.  returns 0 or 488. */
static int srtp_sides(struct call *c, struct call_media *cm, unsigned i, int from,
		      const struct media_sdp_stream *st, bool is_offer, struct media_sdp_leg_stream *ls)
{
	struct cm_srtp *k = &cm->srtp[i];
	struct media_side *side = &cm->cfg[i].side[from];
	int to = OTHER(from);
	bool savp = st->proto.l >= 8 && memmem(st->proto.p, st->proto.l, "SAVP", 4);
	unsigned idx;
	struct media_key theirs;

	k->heard[from] = true;
	/* what the sending leg encrypts with */
	if (crypto_counts(cm, from, st)) {
		if (media_crypto_choose(st, NULL, &idx, &theirs)) {
			log_info(c->id, "stream %u: no usable a=crypto from leg %s", i, from ? "B" : "A");
			return 488;
		}
		if (!is_offer && k->on[from] && k->tag[from] != st->crypto[idx].tag)
			return 488;	/* RFC 4568 7.1.3: the answer picks one of ours */
		k->on[from] = true;
		k->tag[from] = st->crypto[idx].tag;
		side->srtp = true;
		side->rx_key = theirs;
		if (!k->have_ours[from] || k->ours[from].suite != theirs.suite) {
			if (media_key_generate(&k->ours[from], theirs.suite))
				return 500;
			k->have_ours[from] = true;
		}
		side->tx_key = k->ours[from];
	} else {
		if (savp || cm->mode[from] == CALL_MEDIA_SRTP_REQUIRED) {
			log_info(c->id, "stream %u: leg %s must use SRTP", i, from ? "B" : "A");
			return 488;
		}
		if (!is_offer && k->on[from] && cm->mode[from] == CALL_MEDIA_SRTP_OFFERED)
			k->on[from] = false;	/* our SRTP offer answered with RTP */
		side->srtp = k->on[from] = false;
	}

	/* the SDP we write for the other leg */
	if (is_offer) {
		enum call_media_mode m = cm->mode[to];
		/* RELAY: that leg gets SRTP if the first offer had it; once it
		 * has negotiated, a re-offer keeps its profile whatever the
		 * offering leg speaks (a plain leg must never see a=crypto) */
		bool relay_srtp = k->heard[to] ? k->on[to] : k->on[from];
		bool want = m == CALL_MEDIA_SRTP_REQUIRED || m == CALL_MEDIA_SRTP_OFFERED ||
			    (m == CALL_MEDIA_RELAY && relay_srtp);
		if (want) {
			enum media_suite suite = k->on[from] ? theirs.suite : MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80;
			if (!k->have_ours[to] || k->ours[to].suite != suite) {
				if (media_key_generate(&k->ours[to], suite))
					return 500;
				k->have_ours[to] = true;
			}
			/* Until its first answer brings the key that side
			 * encrypts with, nothing it sends can be authenticated:
			 * the relay drops it all rather than pass it on as plain
			 * RTP, and sends it nothing in clear.  A side that has
			 * answered before (a re-offer) keeps what it has until
			 * the new answer. */
			if (!k->heard[to]) {
				struct media_side *ts = &cm->cfg[i].side[to];
				memset(&ts->rx_key, 0, sizeof(ts->rx_key));
				ts->srtp = true;
				ts->tx_key = k->ours[to];
			}
			k->on[to] = true;
			k->tag[to] = 1;
		} else {
			k->on[to] = false;
			cm->cfg[i].side[to].srtp = false;
		}
	}
	ls->srtp = k->on[to];
	if (ls->srtp) {
		ls->crypto_tag = k->tag[to];
		ls->crypto_suite = media_suite_name(k->ours[to].suite);
	}
	return 0;
}

int call_media_sdp(struct call *c, int from, const struct pl *body, bool is_offer,
		   char **outp, size_t *lenp)
{
	int to = OTHER(from);
	const struct call_zone *zto = zone_find(c, zone_of(c, to));
	struct media_sdp_leg leg;
	struct call_media *cm;
	struct media_sdp *sdp;
	int err;

	if (!zto)
		return 500;
	err = media_sdp_parse(&sdp, body->p, body->l);
	if (err) {
		log_info(c->id, "SDP from leg %s refused: %s", from == LEG_A ? "A" : "B",
			 strerror(err));
		return 488;
	}
	err = cm_get(c, &cm);
	if (err) {
		media_sdp_free(sdp);
		return 500;
	}
	if (!is_offer && sdp->nstreams > cm->n) {
		/* RFC 3264 6: an answer has the offer's m-lines, no more */
		media_sdp_free(sdp);
		return 488;
	}
	if (is_offer && c->state != CALL_ROUTING && !cm->undo) {
		/* a new offer in the dialog: what to go back to if it fails
		 * (a retry after 491 keeps the first snapshot) */
		cm->undo = malloc(sizeof(*cm->undo));
		if (cm->undo) {
			cm->undo->n = cm->n;
			memcpy(cm->undo->added, cm->added, sizeof(cm->added));
			memcpy(cm->undo->mux_offered, cm->mux_offered, sizeof(cm->mux_offered));
			memcpy(cm->undo->srtp, cm->srtp, sizeof(cm->srtp));
			memcpy(cm->undo->cfg, cm->cfg, sizeof(cm->cfg));
		}
	} else if (!is_offer) {
		free(cm->undo);	/* answered: the offer stands */
		cm->undo = NULL;
	}
	memset(&leg, 0, sizeof(leg));
	leg.addr = zto->media_ip;
	leg.ip6 = zto->ip6;
	/* the codecs the receiving leg's trunk allows (an offer is filtered
	 * for it; an answer can only hold what was offered) */
	if (cm->ncodecs[to]) {
		leg.codecs = cm->codecs[to];
		leg.ncodecs = cm->ncodecs[to];
	}
	char keybuf[MEDIA_MAX_STREAMS][64];
	for (unsigned i = 0; i < sdp->nstreams; i++) {
		const struct media_sdp_stream *st = &sdp->streams[i];
		if (is_offer && i >= cm->n) {
			cm->n = i + 1;
			cm->added[i] = false;
		}
		if (st->port && !cm->added[i] && is_offer) {
			uint16_t ports[2];
			err = media_call_stream_add(cm->mc, zone_of(c, LEG_A), zone_of(c, LEG_B),
						    &cm->idx[i], ports);
			if (err) {
				log_warn(c->id, "no relay for stream %u: %s", i, strerror(err));
				media_sdp_free(sdp);
				return err == ENOSPC ? 503 : 500;
			}
			cm->added[i] = true;
			cm->port[i][LEG_A] = ports[0];
			cm->port[i][LEG_B] = ports[1];
			cm->cfg[i].timeout_ms = c->mgr->env.media_timeout_ms;
			cm->cfg[i].hold_timeout_ms = c->mgr->env.media_hold_timeout_ms;
			cm->cfg[i].side[0].te_pt = cm->cfg[i].side[1].te_pt = -1;
		}
		if (!cm->added[i] || !st->port) {
			leg.streams[i].port = 0;	/* rejected stays rejected */
			continue;
		}
		side_from_sdp(&cm->cfg[i].side[from], sdp, st);
		/* RFC 5761 5.1.1: an answer muxes only what was offered muxed;
		 * a peer that answers a=rtcp-mux anyway still expects RTCP on
		 * its RTCP port, and the other leg must not be told to mux */
		if (!is_offer && !cm->mux_offered[i][from])
			cm->cfg[i].side[from].rtcp_mux = false;
		int st_err = srtp_sides(c, cm, i, from, st, is_offer, &leg.streams[i]);
		if (st_err) {
			media_sdp_free(sdp);
			return st_err;
		}
		err = media_call_stream_update(cm->mc, cm->idx[i], &cm->cfg[i]);
		if (err)
			log_warn(c->id, "relay update of stream %u: %s", i, strerror(err));
		if (leg.streams[i].srtp) {
			if (media_key_to_sdes(&cm->srtp[i].ours[to], keybuf[i], sizeof(keybuf[i]))) {
				media_sdp_free(sdp);
				return 500;
			}
			leg.streams[i].crypto_key = keybuf[i];
		}
		leg.streams[i].port = cm->port[i][to];
		leg.streams[i].rtcp_mux = cm->cfg[i].side[from].rtcp_mux;
		if (is_offer)
			cm->mux_offered[i][to] = leg.streams[i].rtcp_mux;
		leg.streams[i].dir = MEDIA_DIR_UNSET;
		leg.streams[i].te_pt = -1;
	}
	err = media_sdp_write(sdp, &leg, &cm->origin[to], outp, lenp);
	media_sdp_free(sdp);
	return err ? 500 : 0;
}

static enum media_dir dir_answering(enum media_dir offered)
{
	/* RFC 3264 6.1 */
	switch (offered) {
	case MEDIA_DIR_SENDONLY:
		return MEDIA_DIR_RECVONLY;
	case MEDIA_DIR_RECVONLY:
		return MEDIA_DIR_SENDONLY;
	case MEDIA_DIR_INACTIVE:
		return MEDIA_DIR_INACTIVE;
	default:
		return MEDIA_DIR_SENDRECV;
	}
}

/* The relay anchors the media, so a side that moves needs nothing from
 * the other side: its new address goes to the relay, and the answer is
 * its own offer turned round, on our address and ports of its leg.  The
 * streams, and SRTP with its suite, must stay as negotiated: what would
 * need the other side's consent is refused with 488. */
int call_media_answer_here(struct call *c, int from, const struct pl *body,
			   char **outp, size_t *lenp)
{
	const struct call_zone *z = zone_find(c, zone_of(c, from));
	struct call_media *cm = c->media;
	char keybuf[MEDIA_MAX_STREAMS][64];
	struct media_sdp_leg leg;
	struct media_sdp *sdp;
	int status = 0;

	if (!cm)
		return 488;	/* no media negotiated to keep */
	if (!z)
		return 500;
	if (media_sdp_parse(&sdp, body->p, body->l))
		return 488;
	if (sdp->nstreams != cm->n) {
		media_sdp_free(sdp);
		return 488;
	}
	memset(&leg, 0, sizeof(leg));
	leg.addr = z->media_ip;
	leg.ip6 = z->ip6;
	if (cm->ncodecs[from]) {
		leg.codecs = cm->codecs[from];
		leg.ncodecs = cm->ncodecs[from];
	}
	for (unsigned i = 0; i < sdp->nstreams && !status; i++) {
		const struct media_sdp_stream *st = &sdp->streams[i];
		struct media_side *side = &cm->cfg[i].side[from];
		struct cm_srtp *k = &cm->srtp[i];
		struct media_key theirs;
		unsigned idx;

		if (!cm->added[i] || !st->port) {
			leg.streams[i].port = 0;
			continue;
		}
		if (k->on[from] != crypto_counts(cm, from, st)) {
			status = 488;
			break;
		}
		if (k->on[from] && (media_crypto_choose(st, NULL, &idx, &theirs) ||
				    theirs.suite != k->ours[from].suite ||
				    media_key_to_sdes(&k->ours[from], keybuf[i], sizeof(keybuf[i])))) {
			status = 488;
			break;
		}
		side_from_sdp(side, sdp, st);
		if (k->on[from]) {
			/* RFC 4568 7.1.2: our answer keeps our key, under
			 * the tag of the line we chose */
			k->tag[from] = st->crypto[idx].tag;
			side->srtp = true;
			side->rx_key = theirs;
			side->tx_key = k->ours[from];
			leg.streams[i].srtp = true;
			leg.streams[i].crypto_tag = k->tag[from];
			leg.streams[i].crypto_suite = media_suite_name(k->ours[from].suite);
			leg.streams[i].crypto_key = keybuf[i];
		}
		if (media_call_stream_update(cm->mc, cm->idx[i], &cm->cfg[i]))
			log_warn(c->id, "relay update of stream %u failed", i);
		leg.streams[i].port = cm->port[i][from];
		leg.streams[i].rtcp_mux = st->rtcp_mux;
		leg.streams[i].dir = dir_answering(media_sdp_stream_dir(sdp, st));
		leg.streams[i].te_pt = -1;
	}
	if (!status && media_sdp_write(sdp, &leg, &cm->origin[from], outp, lenp))
		status = 500;
	media_sdp_free(sdp);
	return status;
}

void call_media_rollback(struct call *c)
{
	struct call_media *cm = c->media;
	struct cm_undo *u = cm ? cm->undo : NULL;

	if (!u)
		return;
	/* streams the failed offer added are closed, their ports back to the
	 * pool (its quarantine) rather than held until the call ends; the
	 * others get their old sides back at once */
	for (unsigned i = 0; i < cm->n; i++) {
		if (!cm->added[i] || u->added[i])
			continue;
		if (media_call_stream_remove(cm->mc, cm->idx[i]))
			log_warn(c->id, "relay stream %u of a refused offer not removed", i);
		cm->added[i] = false;
	}
	cm->n = u->n;
	memcpy(cm->mux_offered, u->mux_offered, sizeof(cm->mux_offered));
	memcpy(cm->srtp, u->srtp, sizeof(cm->srtp));
	for (unsigned i = 0; i < u->n; i++) {
		cm->cfg[i] = u->cfg[i];
		if (cm->added[i] && media_call_stream_update(cm->mc, cm->idx[i], &cm->cfg[i]))
			log_warn(c->id, "relay update of stream %u failed", i);
	}
	free(u);
	cm->undo = NULL;
	log_info(c->id, "offer refused: the media stays as it was negotiated");
}
