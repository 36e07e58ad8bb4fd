/* Dialog state of one leg (RFC 3261 12) and the requests written from it.
 * Everything is copied out of the messages that created the dialog, into
 * the arena of the call that owns it: a dialog outlives every buffer, and
 * its strings are freed with the call in one step. */
#ifndef B2BUA_CALL_DLG_H
#define B2BUA_CALL_DLG_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "base/arena.h"
#include "base/mbuf.h"
#include "sip/sip.h"
#include "transport/transport.h"

enum dlg_state {
	DLG_INIT = 0,	/* leg B before any response with a tag */
	DLG_EARLY,
	DLG_CONFIRMED,
	DLG_TERMINATED,
};

/* struct tp_dest without the room of a sockaddr_storage (a dialog lives
 * as long as its call: memory per held call) */
struct dlg_dest {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} addr;
	uint8_t tp;		/* enum sip_transport */
	unsigned listener;
	uint64_t conn_id;
};

struct dlg {
	uint8_t state;		/* enum dlg_state */
	bool uas;		/* leg A: we are the UAS of its INVITE */
	bool rcseq_set;
	uint16_t via_port;
	struct arena *ar;	/* where its strings live */
	char *callid;
	char *ltag;		/* our tag */
	char *rtag;		/* theirs, NULL until known */
	char *luri;		/* our address as it appears in From (UAC) or To (UAS), without tag */
	char *ruri;		/* theirs, without tag */
	char *target;		/* remote target URI (their Contact) */
	char *routes;		/* "Route: ...\r\n" lines ready to write, or NULL */
	char *contact;		/* our Contact header value */
	uint32_t lcseq;		/* last CSeq we used */
	uint32_t rcseq;		/* last CSeq received from them */
	char *via_host;		/* our address on this leg's zone, as written in Via */
	/* how requests leave on this leg */
	struct dlg_dest dest;	/* next hop: first route or the target */
};

/* forgets the dialog (its strings stay in the arena until the owner's end) */
void dlg_free(struct dlg *d);

/* the next hop of the dialog as the transport takes it */
void dlg_dest_get(const struct dlg *d, struct tp_dest *out);

/* leg A from the INVITE we received, its strings in ar: returns 0 or
 * ENOMEM/EBADMSG */
int dlg_from_invite(struct dlg *d, struct arena *ar, const struct sip_msg *inv,
		    const char *contact, const char *via_host, uint16_t via_port,
		    const struct tp_dest *reply);

/* leg B before its INVITE goes out, its strings in ar */
int dlg_new_uac(struct dlg *d, struct arena *ar, const char *luri, const char *ruri,
		const char *target, const char *contact, const char *via_host, uint16_t via_port,
		const struct tp_dest *dest);

/* a response with a To tag on leg B: the dialog becomes early or confirmed
 * (RFC 3261 12.1.2: route set from Record-Route reversed, target from
 * Contact).  Only the first tag is taken; returns EEXIST for another tag. */
int dlg_uac_response(struct dlg *d, const struct sip_msg *resp);

/* Writes a request on this leg: request line, our Via with a fresh
 * branch (written to branch_out, 32 bytes at least), Max-Forwards, From,
 * To, Call-ID, CSeq (cseq 0: the next one), Contact when with_contact,
 * the route set, extra header lines, body.  returns 0 or an errno */
int dlg_build_request(struct mbuf **mbp, struct dlg *d, enum sip_method method, uint32_t cseq,
		      bool with_contact, const char *extra, const struct pl *ctype,
		      const struct pl *body, char *branch_out, size_t branch_size);

/* the ACK for a 2xx on leg B (RFC 3261 13.2.2.4: CSeq of the INVITE) */
int dlg_build_ack(struct mbuf **mbp, struct dlg *d, uint32_t invite_cseq,
		  const struct pl *ctype, const struct pl *body);

/* true when an in-dialog request belongs to this dialog */
bool dlg_match_request(const struct dlg *d, const struct sip_msg *req);

/* next-hop address for a URI of IP-literal host; EHOSTUNREACH otherwise */
int dlg_uri_dest(const char *uri, enum sip_transport dflt, struct tp_dest *out);

#endif
