/* Private structures of the call core. */
#ifndef B2BUA_CALL_PRIV_H
#define B2BUA_CALL_PRIV_H

#include <ev.h>

#include "base/arena.h"
#include "base/container.h"
#include "base/pool.h"
#include "base/sa.h"
#include "call/call.h"
#include "call/dlg.h"
#include "call/topo.h"

enum { LEG_A = 0, LEG_B = 1 };
enum { CALL_MAX_REDIRECTS = 3 };
/* times a re-INVITE or UPDATE of ours that met 491 on a leg is sent again there */
enum { CALL_GLARE_RETRIES = 2 };
/* REFERs remembered per call for their NOTIFYs' Event id (RFC 3515 2.4.6) */
enum { CALL_REFER_SUBS = 4 };

#define OTHER(leg) (1 - (leg))

/* RFC 3261 14.1: a request of ours that met 491 on `leg`, waiting to go
 * again there (glare.c) */
struct call_glare;
typedef void (call_glare_h)(struct call_glare *g);
struct call_glare {
	ev_timer tmr;
	call_glare_h *h;	/* sends it again */
	void *arg;		/* the owner's */
	int leg;
	unsigned tries;		/* retries scheduled so far */
	bool on;
};

enum call_state {
	CALL_ROUTING = 0,	/* leg B's INVITE not answered yet */
	CALL_ANSWERED,		/* 2xx on B, our 2xx sent on A, A's ACK awaited */
	CALL_CONFIRMED,
	CALL_ENDED,		/* waiting to be freed */
};

/* An in-dialog request received on one leg and sent on the other. */
struct relay {
	struct relay *next;
	struct call *call;
	int from;		/* the leg it came on */
	struct sip_msg *req;	/* kept: the answer is built from it */
	struct tsx *st;
	struct tsx *ct;		/* ours on the other leg */
	uint32_t out_cseq;
	struct tp_dest reply_to;	/* where the request's responses go */
	struct call_glare glare;	/* after 491 on the other leg */
};

/* Our 2xx to an INVITE on a leg, re-sent until its ACK (RFC 3261
 * 13.3.1.4), and the ACK we owe or sent for the other leg's 2xx. */
struct leg_ok {
	struct call *call;
	struct tp_dest dest;	/* where the 2xx goes (RFC 3261 18.2.2) */
	struct mbuf *resp;
	ev_timer tmr;
	double interval, waited;
	bool active;
};

struct leg_ack {
	uint32_t cseq;		/* of the INVITE the ACK acknowledges */
	bool owed;		/* sent when the other leg ACKs our 2xx */
	bool sent;
	struct mbuf *ack;	/* kept only when it carried a body (an answer):
				 * else it is written again for a retransmitted 2xx */
};

/* RFC 4028 on one leg */
struct leg_st {
	uint32_t interval;	/* seconds; 0: no session timer on this leg */
	bool we_refresh;
	bool on;
	ev_timer tmr;
	struct tsx *ct;		/* our last refresh */
	struct call_glare *retry;	/* from its first 491 on (memory per held call) */
};

/* What a call needs only until it is answered (memory per held call). */
struct call_setup {
	struct call_route route;	/* first: the router fills it */
	struct tp_dest a_reply;		/* where responses on leg A go */
	ev_timer fo_tmr;		/* the route's failover timeout */
	bool fo_on;
};

/* A REFER relayed: the CSeq it had on the leg it came from and the one
 * we gave it on the other leg, which the NOTIFYs' "id" names. */
struct refer_sub {
	uint32_t in_cseq, out_cseq;
	int from;		/* the referrer's leg */
	bool used;
};

struct call_entry {
	struct call_entry *next;
	struct call *call;
	int leg;
};

/* A call lives in one object of the manager's pool (memory per held
 * call): the struct, then the first block of its arena, which holds every
 * string the call keeps (dialogs, addresses, what the CDR needs), copied
 * once.  What is needed only while leg B is set up is in `setup`. */
struct call {
	struct call_mgr *mgr;
	struct call_entry ent[2];	/* in the Call-ID table, per leg */
	struct call *lnext, *lprev;	/* every call */
	struct call *znext;		/* ended, waiting to be freed */
	char id[16];			/* "c-" and random: the log id */
	uint8_t state;			/* enum call_state */
	bool cross_zone;		/* the legs are in different zones */
	bool a_final;
	bool cancelled;
	bool b_answered;
	bool a_offer;			/* leg A's INVITE carried the offer */
	bool b_rseq_set;
	bool routed;			/* route_done owed */
	bool bye_after_ack[2];		/* BYE owed once that leg ACKs our 2xx */
	uint16_t final_status;		/* what leg A got */
	uint8_t redirects;		/* 3xx followed so far */
	uint8_t hangup_by;		/* enum db_hangup */
	uint16_t attempts;
	struct dlg leg[2];
	unsigned listener[2];		/* our listener on each leg */
	/* textual addresses (IPv6 included) and leg A's branch, which must
	 * not appear on the other leg (guard_of) */
	const char *peer_ip[2];
	const char *our_ip[2];
	const char *a_branch;
	struct sip_msg *a_invite;	/* leg A's INVITE, for our responses */
	uint32_t a_cseq;		/* of leg A's INVITE */
	uint32_t b_inv_cseq;
	struct tsx *a_ist;		/* until A has a final response */
	struct tsx *b_ict;
	uint32_t b_rseq;		/* the last reliable provisional of leg B */
	struct call_media *media;	/* NULL until SDP is seen */
	struct leg_ok *ok[2];		/* only from our 2xx until its ACK */
	struct leg_ack ack[2];
	struct relay *relays;
	/* the last REFERs, oldest replaced: CALL_REFER_SUBS of them in the
	 * call's arena from its first REFER on (most calls have none) */
	struct refer_sub *refer;
	unsigned refer_next;
	struct call_setup *setup;	/* while leg B is being set up; NULL after */
	struct call_route *route;	/* &setup->route */
	/* what is kept of the route once the call is answered */
	void *route_handle;
	int64_t route_id;
	const char *trunk_in, *trunk_out;
	bool refer_deny[2];		/* the trunk of that leg may not transfer */
	ev_timer *max_dur;		/* the trunks' maximum call duration, if any */
	struct leg_st st[2];		/* session timers */
	/* for the CDR */
	double setup_time, answer_time;
	const char *final_reason;
	const char *failover;		/* why the last attempt moved on */
	const char *users;		/* R-URI, From and To users of leg A, NUL-separated */
	struct arena ar;		/* the strings above; its first block follows */
	char strs[];
};

/* bytes of a call's arena in its pool object: what a call through the
 * lab takes, with room to spare; longer strings go to a block of their own */
enum { CALL_STRS = 768 };

struct call_media;
struct cm_link;

struct call_mgr {
	struct pool calls_pool;		/* every struct call and its strings */
	struct cm_link *links;		/* media links waiting for their end event */
	struct call_env env;
	struct call_entry **table;
	size_t nbuckets;
	struct call *calls;
	struct call *zombies;
	ev_prepare reaper;		/* frees the zombies before the loop next waits (an
				 * idle watcher would make that wait a poll) */
	struct call_stats stats;
};

/* call.c */
const char *call_keep_str(struct call *c, const char *s);
void call_route_keep(struct call *c);
struct call *call_find(struct call_mgr *m, const struct pl *callid, int leg);
void call_end(struct call *c, const char *why);
/* a response handler for transactions whose outcome does not matter */
void call_ignore_resp_h(struct tsx *ct, const struct sip_msg *resp, int err, void *arg);
int call_send_request(struct call *c, int leg, struct mbuf *mb, struct tsx **ctp,
		      void (*h)(struct tsx *, const struct sip_msg *, int, void *), void *arg);
int call_send_raw(struct call *c, int leg, struct mbuf *mb);
int call_respond(struct call *c, int leg, struct tsx *st, const struct sip_msg *req,
		 uint16_t scode, const char *reason, const struct sip_msg *from_peer,
		 bool contact, const struct pl *ctype, const struct pl *body, const char *extra_hdrs);
void call_ok_start(struct call *c, int leg, const struct tp_dest *dest);
void call_send_owed_ack(struct call *c, int leg, const struct sip_msg *with_body);
void call_got_ack(struct call *c, int leg, const struct sip_msg *ack);

/* callmedia.c: an SDP body from leg `from` (an offer, or the answer to
 * the other leg's offer) fed to the relay and written anew for the other
 * leg into a malloc'd *outp.  returns 0, or the status to answer with
 * (488 unusable SDP, 503 no ports, 500) */
int call_media_sdp(struct call *c, int from, const struct pl *body, bool is_offer,
		   char **outp, size_t *lenp);
/* an offer from leg `from` that the other leg cannot be asked about,
 * answered by us into a malloc'd *outp: that side re-attached in the
 * relay, the other leg untouched.  returns 0 or the status to answer with
 * (488 an offer that adds streams or changes SRTP, 500) */
int call_media_answer_here(struct call *c, int from, const struct pl *body,
			   char **outp, size_t *lenp);
/* an offer inside the dialog failed (a final response of 300 or more, a
 * CANCEL): the relay goes back to the last negotiated state */
void call_media_rollback(struct call *c);
void call_media_free(struct call *c);
void call_media_links_free(struct call_mgr *m);
/* hands the call's CDR to the media link (submitted with the streams'
 * statistics at the media's end) or submits it at once */
struct db_cdr;
void call_media_cdr(struct call *c, struct db_cdr *cdr);
void call_cdr_submit(struct call_mgr *m, struct db_cdr *cdr);

/* sesstimer.c */
void call_st_b_answered(struct call *c, const struct sip_msg *resp);
/* the Session-Expires (and Require) lines of our 2xx on leg A */
void call_st_a_headers(struct call *c, const struct sip_msg *inv, char *buf, size_t size);
void call_st_a_confirmed(struct call *c);
/* an in-dialog request on leg with Session-Expires: the leg's session was
 * refreshed; returns true when the leg has a session timer */
bool call_st_refreshed(struct call *c, int leg, const struct sip_msg *req);
void call_st_stop(struct call *c);
void call_st_free(struct call *c);

/* refer.c: the Refer-To (and Referred-By, Refer-Sub) lines of a REFER
 * from leg for the other leg; returns 0 or the status to answer with,
 * *why its reason phrase */
int call_refer_headers(struct call *c, int leg, const struct sip_msg *req, struct mbw *w,
		       const char **why);
/* the Replaces line ("" when none) of leg B's INVITE for leg A's INVITE
 * inv: its Replaces translated to the other leg of the call it names;
 * returns 0 or the status for leg A (400 malformed, 481 no such dialog) */
int call_replaces_header(struct call *c, const struct sip_msg *inv, char *buf, size_t size);
/* a REFER from leg `from` went out on the other leg with out_cseq */
void call_refer_sent(struct call *c, int from, uint32_t in_cseq, uint32_t out_cseq);
/* the Event line of a NOTIFY from leg for the other leg: a refer event's
 * id translated to the CSeq of the REFER as its sender wrote it (dropped
 * when unknown), any other event as it is */
void call_refer_event(struct call *c, int leg, const struct sip_msg *notify, struct mbw *w);
/* the sipfrag body of a NOTIFY as it may cross: its status line only;
 * returns 0 or EBADMSG */
int call_sipfrag_body(const struct sip_msg *req, char *buf, size_t size);

/* glare.c: schedules h(g) after the RFC 3261 14.1 delay for leg (0 to
 * 2 s on leg A, 2.1 to 4 s on leg B, whose Call-ID we own), *delayp set;
 * false, nothing scheduled, once CALL_GLARE_RETRIES were made or when the
 * call has ended.  g->tries counts on until the owner resets it. */
bool call_glare_retry(struct call *c, struct call_glare *g, int leg, call_glare_h *h, void *arg,
		      double *delayp);
void call_glare_stop(struct call *c, struct call_glare *g);

/* relay.c */
void relay_request(struct call *c, int leg, struct sip_msg *req, struct tsx *st,
		   const struct tp_dest *reply_to, bool *kept);
void relay_abort_all(struct call *c);
/* a CANCEL on `leg` of a re-INVITE still pending: true when it was one
 * (the CANCEL answered 200 and the request cancelled on the other leg) */
bool relay_cancel(struct call *c, int leg, const struct sip_msg *cancel, struct tsx *st);
void relay_free_all(struct call *c);

#endif
