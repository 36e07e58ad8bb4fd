/* Private to the transport layer. */
#ifndef B2BUA_TRANSPORT_TP_H
#define B2BUA_TRANSPORT_TP_H

#include <ev.h>
#include <stddef.h>

#include "base/container.h"
#include "transport.h"

enum {
	TP_DEFAULT_MAX_CONNS = 1024,
	TP_DEFAULT_UDP_LIMIT = 1300,	/* RFC 3261 18.1.1 */
	TP_LISTEN_BACKLOG = 128,
	TP_RX_SIZE = 8192,		/* first receive buffer of a connection */
	TP_RX_MAX = TP_FRAME_MAX + 1,	/* enough to frame or reject any message */
	TP_SENDQ_MAX = 256 * 1024,	/* bytes queued on one connection */
	TP_UDP_BATCH = 8,		/* datagrams per recvmmsg */
	TP_UDP_BUF = 65536,		/* larger than any UDP payload */
};
#define TP_DEFAULT_IDLE 300.0
#define TP_DEFAULT_PARTIAL 10.0

/* an intrusive doubly linked list; a detached link has prev == NULL */
struct tp_link {
	struct tp_link *prev, *next;
};

static inline void tp_list_init(struct tp_link *head)
{
	head->prev = head->next = head;
}

static inline bool tp_list_empty(const struct tp_link *head)
{
	return head->next == head;
}

static inline bool tp_linked(const struct tp_link *le)
{
	return le->prev != NULL;
}

static inline void tp_list_append(struct tp_link *head, struct tp_link *le)
{
	le->prev = head->prev;
	le->next = head;
	head->prev->next = le;
	head->prev = le;
}

static inline void tp_list_unlink(struct tp_link *le)
{
	if (!le->prev)
		return;
	le->prev->next = le->next;
	le->next->prev = le->prev;
	le->prev = le->next = NULL;
}

/* the log id of a listener: its configured name */
#define tp_lid(l) ((l)->cfg.name[0] ? (l)->cfg.name : "listener")

struct tp_listener {
	struct transport *t;
	unsigned idx;
	struct tp_listener_cfg cfg;
	struct sockaddr_storage local;	/* bound address, port resolved */
	bool wildcard;			/* bound to the any-address */
	int fd;
	ev_io io;
};

/* one message (or its unsent rest) waiting on a connection */
struct tp_qent {
	struct tp_qent *next;
	struct mbuf *mb;		/* a reference */
	size_t off;			/* bytes already written */
};

enum tp_close_why {
	TP_CLOSE_PEER,
	TP_CLOSE_ERROR,
	TP_CLOSE_FRAME,
	TP_CLOSE_IDLE,
	TP_CLOSE_PARTIAL,
	TP_CLOSE_SHUTDOWN,
};

struct tp_conn {
	struct transport *t;		/* back-pointer */
	uint64_t id;
	char logid[24];			/* "tcp:12" */
	int fd;
	unsigned listener;
	bool outgoing;
	bool connecting;
	bool closed;			/* closed, waiting for its running callback to end */
	unsigned busy;			/* callbacks of this connection running */
	struct sockaddr_storage peer;
	struct sockaddr_storage local;
	ev_io rio, wio;

	struct tp_conn *id_next, *addr_next;	/* hash chains */
	struct tp_link idle_le;		/* in t->idle, ordered by last */
	struct tp_link partial_le;	/* in t->partial, ordered by partial_since */
	ev_tstamp last;			/* last traffic */
	ev_tstamp partial_since;	/* first byte of the unfinished message */

	struct mbuf *rx;		/* receive buffer; NULL until the first read */
	size_t rx_off;			/* first byte not yet consumed */
	struct tp_frame frame;

	struct tp_qent *q_head, **q_tail;
	size_t q_bytes;
};

struct transport {
	struct ev_loop *loop;
	tp_recv_h *recvh;
	tp_error_h *errh;
	void *arg;

	unsigned max_conns;
	double idle_timeout;
	double partial_timeout;
	size_t udp_size_limit;

	struct tp_listener *lst;
	unsigned n_lst;

	uint64_t next_id;
	unsigned n_conns;
	struct tp_conn **by_id;		/* hash tables with mask + 1 buckets */
	struct tp_conn **by_addr;
	size_t mask;
	struct tp_link idle;		/* every open connection */
	struct tp_link partial;		/* connections holding part of a message */
	ev_timer timer;			/* the earliest deadline of both lists */

	char *udp_bufs;			/* TP_UDP_BATCH x TP_UDP_BUF */
	int spare_fd;			/* given up to refuse a connection when out of fds */
	struct tp_stats stats;
};

/* addr.c */
socklen_t tp_sa_len(const struct sockaddr_storage *sa);
bool tp_sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
size_t tp_sa_hash(const struct sockaddr_storage *sa);
bool tp_sa_is_any(const struct sockaddr_storage *sa);
/* returns the listener index of transport tp and sa's family for a send
 * asked to go out of `want`, or -1 (see transport_send) */
int tp_listener_pick(const struct transport *t, enum sip_transport tp, int family, unsigned want);
bool tp_same_zone(const struct transport *t, unsigned a, unsigned b);

/* udp.c */
int tp_udp_open(struct tp_listener *l);
int tp_udp_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb);

/* tcp.c */
int tp_tcp_open(struct tp_listener *l);
int tp_tcp_send(struct transport *t, const struct tp_dest *dst, struct mbuf *mb);

/* conn.c */
int tp_conn_table_init(struct transport *t);
void tp_conn_table_close(struct transport *t);
int tp_conn_alloc(struct tp_conn **cp, struct transport *t, int fd, unsigned listener,
		  const struct sockaddr_storage *peer, bool outgoing, bool connecting);
struct tp_conn *tp_conn_find_id(const struct transport *t, uint64_t id);
/* an open connection to peer in the zone of listener (any zone for TP_LISTENER_ANY) */
struct tp_conn *tp_conn_find_addr(const struct transport *t, const struct sockaddr_storage *peer,
				  unsigned listener);
/* traffic: moves the connection to the end of the idle list */
void tp_conn_touch(struct tp_conn *c);
/* whether part of a message is buffered (starts or ends its timeout) */
void tp_conn_partial(struct tp_conn *c, bool partial);
/* Closes: stops the watchers, closes the socket, leaves the tables, drops
 * the queue.  The memory goes now, or when the connection's running
 * callback releases it (tp_conn_release). */
void tp_conn_close(struct tp_conn *c, enum tp_close_why why);
/* closes and reports err through errh */
void tp_conn_fail(struct tp_conn *c, int err, enum tp_close_why why);
/* around a callback of the connection: release returns false when the
 * connection was closed meanwhile (and must not be touched again) */
void tp_conn_hold(struct tp_conn *c);
bool tp_conn_release(struct tp_conn *c);

/* stream.c */
void tp_conn_read_cb(struct ev_loop *loop, ev_io *w, int revents);
void tp_conn_write_cb(struct ev_loop *loop, ev_io *w, int revents);
/* sends or queues one message; returns 0, ENOBUFS, ENOMEM or the send's
 * errno (the connection is then closed) */
int tp_conn_send(struct tp_conn *c, struct mbuf *mb);

#endif
