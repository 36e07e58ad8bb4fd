/* Inside the transaction layer: the structs and the helpers the state
 * machine files share. */
#ifndef B2BUA_TSX_PRIV_H
#define B2BUA_TSX_PRIV_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/container.h"
#include "base/log.h"
#include "base/pl.h"
#include "tsx/tsx.h"

#define TSX_COOKIE "z9hG4bK"
#define TSX_COOKIE_LEN 7

enum {
	TSX_ID_MAX = 64,	/* bytes of tsx_id(), NUL included; longer branches are cut */
	TSX_HTAB_MIN = 256,	/* initial buckets of a hash table */
};

/* What identifies a transaction: copied out of the request that created it
 * into the transaction's own allocation (a received buffer may be a whole
 * stream read; holding it for 64*T1 would pin it). */
struct tsx_key {
	struct pl branch;	/* whole branch, cookie included; empty for RFC 2543 */
	enum sip_method method;	/* of the creating request */
	struct pl method_name;	/* compared when method is SIP_METHOD_UNKNOWN */
	/* server side: sent-by of the top Via */
	struct pl host;
	uint16_t port;
	/* server side, RFC 2543 matching only */
	enum sip_transport via_tp;
	struct pl via_params;
	struct pl ruri;
	struct pl from_tag;
	struct pl to_tag;
	struct pl callid;
	uint32_t cseq;
};

/* A hash table of transactions keyed by branch, chained through
 * tsx.hnext.  The hash is seeded: branches are chosen by the far end. */
struct tsx_htab {
	struct tsx **b;
	size_t nb;		/* a power of two */
	size_t n;
};

struct tsx {
	struct tsx_layer *l;
	enum tsx_kind kind;
	enum tsx_state state;
	bool reliable;		/* no retransmissions; D, I, J, K are zero */
	bool detached;		/* the TU let go: no more callbacks */
	bool rfc2543;		/* server: matched by the RFC 2543 fallback */
	bool hashed;		/* in a hash table or the RFC 2543 list */
	bool final_up;		/* client: a final response or error was passed up */
	char id[TSX_ID_MAX];
	struct tsx_key key;
	struct tp_dest dst;

	/* client side */
	struct mbuf *req;	/* the request we (re-)send */
	struct mbuf *ack;	/* ICT: the ACK for the non-2xx final */
	tsx_resp_h *resph;
	void *arg;
	struct tsx *cancel;	/* ICT: its CANCEL transaction */
	struct tsx *cancel_of;	/* CANCEL client: its INVITE transaction */
	bool cancel_waiting;	/* CANCEL client: not sent until a provisional */

	/* server side */
	struct mbuf *last;	/* the last response sent */
	uint16_t last_scode;
	struct pl resp_totag;	/* IST, RFC 2543 ACK matching: view into last */
	tsx_srv_h *srvh;
	void *srvarg;

	/* A, E, G: the retransmission timer; deadlines are kept absolute so
	 * that a late callback does not push the next ones back */
	ev_timer retx;
	double retx_ival;
	double retx_due;
	/* B, D, F, H, I, J, K, L, M: the one timer that ends a state */
	ev_timer life;

	struct tsx *hnext;	/* hash chain or RFC 2543 list */
	struct tsx *prev, *next;	/* every transaction of the layer */
	struct tsx *dnext;	/* terminated and detached, waiting to be freed */

	char keybuf[];		/* storage behind the key views */
};

struct tsx_layer {
	struct ev_loop *loop;
	struct tsx_timers tm;
	double timer_d;		/* RFC 3261 17.1.1.2: at least 32 s */
	tsx_send_h *sendh;
	void *arg;
	uint64_t seed;
	struct tsx_htab srv;	/* server transactions with a cookie branch */
	struct tsx *srv2543;	/* server transactions without one */
	struct tsx_htab cli;	/* client transactions */
	struct tsx *all;
	struct tsx *dead;
	unsigned depth;		/* nesting of layer entry points on the stack */
	struct tsx_stats st;
};

/* tsx.c: lifecycle */
int tsx_alloc(struct tsx **tp, struct tsx_layer *l, enum tsx_kind kind,
	      const struct tsx_key *key, bool rfc2543, const struct tp_dest *dst);
void tsx_enter(struct tsx_layer *l);
void tsx_leave(struct tsx_layer *l);
void tsx_set_state(struct tsx *t, enum tsx_state s);
void tsx_terminate(struct tsx *t);
int tsx_send(struct tsx *t, struct mbuf *mb, bool retransmit);
void tsx_retx_start(struct tsx *t, double ival);
void tsx_retx_stop(struct tsx *t);
void tsx_retx_next(struct tsx *t, double ival);
void tsx_life_start(struct tsx *t, double secs);
void tsx_life_stop(struct tsx *t);
bool tsx_is_cookie_branch(const struct pl *branch);

/* match.c: the tables and the matching rules */
int tsx_htab_init(struct tsx_htab *h);
void tsx_htab_free(struct tsx_htab *h);
int tsx_link(struct tsx *t);
void tsx_unlink(struct tsx *t);
int tsx_key_from_req(struct tsx_key *key, const struct sip_msg *req, bool *rfc2543);
struct tsx *tsx_match_server(struct tsx_layer *l, const struct sip_msg *req, bool as_invite);
struct tsx *tsx_match_client(struct tsx_layer *l, const struct sip_msg *resp);
/* the client transaction with this branch and method, if any */
struct tsx *tsx_find_client(struct tsx_layer *l, const struct pl *branch, enum sip_method method,
			    const struct pl *method_name);
bool tsx_method_eq(const struct tsx_key *k, enum sip_method m, const struct pl *name);

/* ict.c, nict.c: client state machines */
void tsx_ict_start(struct tsx *t);
void tsx_ict_recv(struct tsx *t, const struct sip_msg *resp);
void tsx_nict_start(struct tsx *t);
void tsx_nict_recv(struct tsx *t, const struct sip_msg *resp);
void tsx_ict_timer_retx(struct tsx *t);
void tsx_ict_timer_life(struct tsx *t);
void tsx_nict_timer_retx(struct tsx *t);
void tsx_nict_timer_life(struct tsx *t);
void tsx_client_pass_up(struct tsx *t, const struct sip_msg *resp, int err);
void tsx_client_fail(struct tsx *t, int err);
void tsx_cancel_on_provisional(struct tsx *ict);
void tsx_cancel_on_final(struct tsx *ict);

/* ist.c, nist.c: server state machines */
int tsx_ist_start(struct tsx *t, const struct sip_msg *req);
int tsx_ist_respond(struct tsx *t, uint16_t scode, struct mbuf *resp);
int tsx_ist_recv(struct tsx *t, const struct sip_msg *req);
int tsx_nist_respond(struct tsx *t, uint16_t scode, struct mbuf *resp);
int tsx_nist_recv(struct tsx *t, const struct sip_msg *req);
void tsx_ist_timer_retx(struct tsx *t);
void tsx_ist_timer_life(struct tsx *t);
void tsx_nist_timer_life(struct tsx *t);
void tsx_server_fail(struct tsx *t, int err);
int tsx_server_send(struct tsx *t, uint16_t scode, struct mbuf *resp);
int tsx_server_resend(struct tsx *t);

/* ack.c: requests the layer writes itself */
int tsx_build_ack(struct mbuf **mbp, struct mbuf *invite, const struct sip_msg *resp);
int tsx_build_cancel(struct mbuf **mbp, struct mbuf *invite);

#endif
