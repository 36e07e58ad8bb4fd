/* The SIP transport layer: UDP and TCP listeners, stream connections and
 * the framing of SIP messages on a stream.
 *
 * Everything here runs on the signalling thread's libev loop.  Received
 * messages are handed up as (buffer, offset, length) without copying beyond
 * the one copy at the socket boundary; outbound messages are whole mbufs.
 *
 * Errors are 0 or a positive errno value.
 */
#ifndef B2BUA_TRANSPORT_H
#define B2BUA_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/mbuf.h"
#include "sip/sip.h"

struct ev_loop;
struct transport;

#define TP_LISTENER_ANY (~0u)

/* Where to send. */
struct tp_dest {
	enum sip_transport tp;		/* SIP_TP_UDP or SIP_TP_TCP */
	struct sockaddr_storage addr;	/* IPv4 or IPv6 remote address and port */
	unsigned listener;		/* local listener to send from, or TP_LISTENER_ANY */
	uint64_t conn_id;		/* stream connection to use; 0 = find an open
					 * one to addr (in the listener's zone) or connect */
};

/* What arrived. */
struct tp_rx {
	enum sip_transport tp;
	unsigned listener;		/* the listener it arrived on (for an outgoing
					 * connection: the listener it was made from) */
	uint64_t conn_id;		/* 0 for UDP */
	struct sockaddr_storage src;	/* the peer */
	struct sockaddr_storage local;	/* our address it arrived at */
};

struct tp_listener_cfg {
	char name[32];			/* for logs */
	char zone[32];
	enum sip_transport tp;		/* SIP_TP_UDP or SIP_TP_TCP */
	struct sockaddr_storage addr;	/* port 0: any free port */
};

/* A zero field takes the default in brackets. */
struct tp_cfg {
	const struct tp_listener_cfg *listeners;
	unsigned n_listeners;
	unsigned tcp_max_conns;		/* open connections, accepted + ours [1024] */
	double tcp_idle_timeout;	/* seconds without traffic before a connection
					 * (or a connect attempt) is closed [300] */
	double tcp_partial_timeout;	/* seconds a partially received message may take [10] */
	size_t udp_size_limit;		/* RFC 3261 18.1.1 [1300] */
};

/* A message arrived: len bytes at mb->data + off.  mb is only lent for the
 * call: take a reference (mbuf_ref) to keep it. */
typedef void (tp_recv_h)(struct mbuf *mb, size_t off, size_t len,
			 const struct tp_rx *rx, void *arg);

/* A stream connection failed after transport_send had accepted bytes for
 * it (connect refused or timed out, write error, nothing sent for the idle
 * timeout).  Called once per connection; every message queued on it is
 * dropped.  dst->conn_id names the connection, which is gone already. */
typedef void (tp_error_h)(const struct tp_dest *dst, int err, void *arg);

/* Opens every listener of cfg (the array is copied).  returns 0, EINVAL for
 * a bad config, or the errno of a failing socket/bind/listen (logged with
 * the listener's name).  *tpp is set only on success. */
int transport_alloc(struct transport **tpp, struct ev_loop *loop, const struct tp_cfg *cfg,
		    tp_recv_h *recvh, tp_error_h *errh, void *arg);

/* Closes every listener and connection; queued bytes are dropped and errh
 * is not called.  Not from inside a transport callback.  NULL is fine. */
void transport_free(struct transport *t);

/* Sends one whole message (the transport takes its own reference when it
 * has to queue).
 *
 * UDP goes out of the socket of dst->listener; when that is not a UDP
 * listener of the address's family, the first such listener of the same
 * zone; with TP_LISTENER_ANY the first of the family.
 *
 * TCP uses, in order: the connection dst->conn_id if still open; an open
 * connection to dst->addr (in the zone of dst->listener unless ANY); a new
 * connection from the chosen TCP listener's address (picked as for UDP).
 * Bytes wait in a bounded queue while connecting or while the socket is
 * full.
 *
 * returns 0 (sent or queued), EINVAL, EAFNOSUPPORT, EPROTONOSUPPORT,
 * EADDRNOTAVAIL (no listener to send from), EMFILE (tcp_max_conns open),
 * ENOBUFS (send queue full), or the errno of a failing send or connect.
 * Failures after 0 was returned are reported through errh. */
int transport_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb);

/* RFC 3261 18.1.1: a request of msglen bytes that would go over UDP and is
 * larger than udp_size_limit goes over TCP (when a TCP listener exists);
 * otherwise `wanted`. */
enum sip_transport transport_choose(const struct transport *t, enum sip_transport wanted,
				    size_t msglen, bool is_request);

/* The bound address of listener i (with the port the system chose for a
 * configured port 0).  returns 0 or EINVAL. */
int transport_listener_addr(const struct transport *t, unsigned i, struct sockaddr_storage *out);
unsigned transport_listener_count(const struct transport *t);
/* NULL when i is out of range */
const struct tp_listener_cfg *transport_listener(const struct transport *t, unsigned i);

/* Counters, in one place. */
struct tp_stats {
	uint64_t udp_rx;		/* datagrams handed up */
	uint64_t udp_tx;		/* datagrams sent */
	uint64_t udp_dropped;		/* truncated, empty or keep-alive-only datagrams */
	uint64_t tcp_rx;		/* stream messages handed up */
	uint64_t tcp_tx;		/* stream messages sent or queued */
	uint64_t tcp_pongs;		/* CRLF answers to CRLFCRLF pings (RFC 5626) */
	uint64_t frame_errors;		/* connections closed for a framing error */
	uint64_t conns_open;		/* open now, accepted + ours, connecting included */
	uint64_t conns_accepted;
	uint64_t conns_connected;	/* our connect attempts that succeeded */
	uint64_t conns_failed;		/* our connect attempts that failed */
	uint64_t conns_refused;		/* accepted beyond tcp_max_conns and closed */
	uint64_t conns_idle_closed;	/* closed by the idle timeout */
	uint64_t conns_partial_closed;	/* closed by the partial message timeout */
	uint64_t send_errors;		/* sends that failed, synchronously or later */
};

void transport_stats(const struct transport *t, struct tp_stats *out);

/* ---- stream framing (RFC 3261 18.3), usable on its own ---- */

enum {
	TP_FRAME_MAX = SIP_MAX_MSG_SIZE,	/* bytes of one framed message */
};

/* A resumable scanner for one stream.  Initialise with tp_frame_init. */
struct tp_frame {
	/* results, valid after tp_frame_scan returned 0 */
	bool keepalive;		/* the bytes were blank lines between messages */
	unsigned pongs;		/* CRLF pongs owed for CRLFCRLF pings among them
				 * (RFC 5626 4.4.1) */

	/* scanning state: private */
	bool in_msg;		/* past the blank lines, inside a message */
	bool start_line;	/* the start line has been passed */
	bool has_hdr;		/* a logical header line is pending */
	bool has_clen;
	uint32_t clen;
	unsigned odd_blank;	/* 1 when the blank lines so far leave half a ping */
	size_t pos;		/* bytes of the message scanned so far */
	size_t line;		/* start of the current physical line */
	size_t hdr, hdr_end;	/* the pending logical header (folds included) */
	size_t body;		/* offset of the body once the header section ended */
};

void tp_frame_init(struct tp_frame *f);

/* Scans the buffered, not yet consumed bytes of a stream: p points at the
 * first of them.
 *
 * returns 0: consume *msglen bytes at p.  If f->keepalive they were blank
 * lines between messages (answer f->pongs CRLFs); otherwise they are one
 * whole message, header section and Content-Length body.
 * returns EAGAIN: more bytes are needed; call again with the same bytes at
 * p (they may have moved) followed by more; what was scanned is not
 * scanned again.
 * returns EBADMSG: the stream cannot be framed (Content-Length missing,
 * malformed, conflicting or too large, or a header section longer than
 * TP_FRAME_MAX); the stream is lost: close it.
 * returns EINVAL for bad arguments. */
int tp_frame_scan(struct tp_frame *f, const char *p, size_t len, size_t *msglen);

#endif
