/* The B2BUA call core: each incoming dialog (leg A, we are its UAS) is
 * terminated here and a new dialog (leg B, we are its UAC) is originated
 * towards the route's target.  Every message on a leg is written from that
 * leg's own state; a received header crosses only through the header
 * policy (topo.c), and an egress check looks at every message about to
 * leave for identifiers of the other leg.
 *
 * Runs on the signalling thread only. */
#ifndef B2BUA_CALL_H
#define B2BUA_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/sip.h"
#include "transport/transport.h"

struct ev_loop;
struct tsx;
struct tsx_layer;
struct call_mgr;

/* how a leg carries media (per trunk) */
enum call_media_mode {
	CALL_MEDIA_RELAY = 0,		/* SRTP if the other leg's offer has it */
	CALL_MEDIA_SRTP_REQUIRED,	/* SRTP (SDES) or nothing */
	CALL_MEDIA_SRTP_OFFERED,	/* we offer SRTP; an offer without it is accepted */
	CALL_MEDIA_RTP_ONLY,		/* never SRTP */
};

/* what a 3xx from leg B does */
enum call_on_3xx {
	CALL_3XX_FAILOVER = 0,	/* a failure: the next route if its codes say so */
	CALL_3XX_FOLLOW,	/* leg B starts again towards the Contact (bounded) */
	CALL_3XX_PASS,		/* leg A gets the 3xx, its Contact pointing at us */
};

/* Where a new call goes: the answer of the routing policy, as a value. */
struct call_route {
	uint16_t status;		/* 0: go; otherwise refuse with it */
	char reason[96];		/* reason phrase of a refusal, and for the log */
	unsigned retry_after;		/* seconds, for a 503 */
	char trunk_in[32];
	char trunk_out[32];
	unsigned out_listener;		/* our listener on the outbound zone */
	struct tp_dest dest;		/* the target's address and transport */
	char ruri[512];			/* Request-URI of leg B */
	char from_uri[512];		/* URI of our From on leg B */
	char to_uri[512];		/* URI of the To on leg B */
	int64_t route_id;		/* the policy's route, for the CDR (0: none) */
	enum call_on_3xx on_3xx;
	/* the outbound trunk's header policy for the INVITE of leg B: complete
	 * lines to add, and names (comma-separated) of headers that may not
	 * cross even though the default allow-list lets them */
	bool pai_cross;			/* both trunks trusted: P-Asserted-Identity crosses */
	/* media policy of the inbound (leg A) and outbound (leg B) trunks */
	enum call_media_mode media_mode[2];
	char codecs[2][256];		/* allowed encodings in order, comma-separated; "": any */
	char hdr_add[512];
	char hdr_remove[256];
	unsigned max_duration;		/* seconds, 0: none */
	bool refer_deny[2];		/* per leg: its trunk may not transfer (REFER gets 403) */
	unsigned session_timer_in;	/* RFC 4028 interval on leg A, 0: none unless asked */
	unsigned session_timer_out;	/* asked for on leg B, 0: none */
	unsigned failover_timeout;	/* seconds until leg B must ring or answer
					 * (a provisional above 100, or a final
					 * response) before the next route; 0: none */
	void *handle;			/* the router's, given back to call_route_done_h */
};

/* Decides where an INVITE goes.  in_listener is where it arrived.
 * returns 0 (out filled in, out->status says go or refuse) or an errno. */
typedef int (call_route_h)(const struct sip_msg *invite, unsigned in_listener,
			   struct call_route *out, void *arg);
/* The call that was routed is over (admission slots can be released). */
typedef void (call_route_done_h)(void *handle, void *arg);
/* Leg B failed with code (408 for a timeout, 503 for a transport error):
 * returns 0 with route rewritten for the next attempt when the policy says
 * to fail over, ENOENT otherwise.  code 0 says the call was answered: no
 * alternative will be asked for any more. */
typedef int (call_route_next_h)(struct call_route *route, unsigned code, void *arg);

/* our media address in a zone, for the SDP we write */
struct call_zone {
	char name[32];
	char media_ip[64];
	bool ip6;
};

struct media_engine;
struct media_event;
struct db_cdr_writer;

/* the media engine's event handler: set it as media_engine_cfg.eventh */
void call_media_event(const struct media_event *ev);

struct call_env {
	struct ev_loop *loop;
	struct tsx_layer *tsx;
	struct transport *tp;
	call_route_h *route;
	call_route_done_h *route_done;
	call_route_next_h *route_next;
	void *route_arg;
	const char *user_agent;		/* our Server and User-Agent value */
	double t1, t2;			/* RFC 3261 timers, for 2xx retransmission */
	bool leak_abort;		/* a topology leak aborts (test builds) */
	struct media_engine *media;	/* the relay; NULL: SDP is refused (488) */
	const struct call_zone *zones;
	unsigned n_zones;
	uint32_t media_timeout_ms;	/* no RTP from a sending side: the call ends */
	uint32_t media_hold_timeout_ms;	/* the same for a side on hold */
	struct db_cdr_writer *cdr;	/* where CDRs go; NULL: none kept */
};

struct call_stats {
	uint64_t created;
	uint64_t answered;
	uint64_t failed;		/* ended without an answer */
	uint64_t active;
	uint64_t leaks;			/* messages that failed the egress check */
	uint64_t dialog_481;		/* in-dialog requests for no dialog */
};

int call_mgr_alloc(struct call_mgr **mp, const struct call_env *env);
/* replaces the routing policy for the calls that start from now on */
void call_mgr_set_router(struct call_mgr *m, call_route_h *route, call_route_done_h *done,
			 call_route_next_h *next, void *arg);
void call_mgr_set_cdr(struct call_mgr *m, struct db_cdr_writer *cdr);
/* ends every call (BYE where confirmed) and frees them */
void call_mgr_free(struct call_mgr *m);
void call_mgr_stats(const struct call_mgr *m, struct call_stats *out);

/* A new INVITE (no To tag) that passed validation, with its server
 * transaction.  Takes care of every answer on st.  reply_to is where its
 * responses go.  *kept is set when the call keeps req (the caller must
 * not free it then). */
void call_mgr_invite(struct call_mgr *m, struct sip_msg *req, struct tsx *st,
		     const struct tp_rx *rx, const struct tp_dest *reply_to, bool *kept);

/* A request with a To tag, or a CANCEL or ACK the transaction layer did
 * not take.  st is its server transaction (NULL for an ACK).  returns
 * true when a call took it; *kept as above. */
bool call_mgr_request(struct call_mgr *m, struct sip_msg *req, struct tsx *st,
		      const struct tp_dest *reply_to, bool *kept);

/* A 2xx to an INVITE that matched no client transaction (a retransmission,
 * or one from another fork): ACK it, and BYE it if it is not our dialog. */
bool call_mgr_stray_2xx(struct call_mgr *m, const struct sip_msg *resp);

#endif
