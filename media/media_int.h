/* Private structures of the relay: engine, threads, thread-side calls. */
#ifndef MEDIA_MEDIA_INT_H
#define MEDIA_MEDIA_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>

#include "media/kfwd.h"
#include "media/media.h"
#include "media/portpool.h"
#include "media/rtpstats.h"

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(1 ? (ptr) : &((type *)0)->member) - offsetof(type, member)))

#define MEDIA_BATCH 32		/* datagrams per recvmmsg/sendmmsg */
#define MEDIA_PKT_MAX 2048	/* a datagram plus room for the SRTP trailer */
#define MEDIA_ZONES_MAX 8
#define MEDIA_OLD_SOURCE_MS 2000	/* a re-attached side's old address is refused this long */

struct media_zone {
	char name[32];
	struct sockaddr_storage addr;
	struct media_portpool *pool;
};

struct rstream;

/* one side of a stream, on its thread */
struct rside {
	struct rstream *st;
	unsigned idx;
	int fd[2];			/* RTP, RTCP */
	ev_io io[2];
	struct media_portpool *pool;
	uint16_t port;
	struct sockaddr_storage local;	/* our RTP address and port */
	struct media_side cfg;
	bool configured;
	struct sockaddr_storage dst[2];	/* where we send RTP, RTCP to it */
	bool have_dst[2];
	bool latched;
	uint32_t latch_ssrc;
	struct sockaddr_storage old;	/* the address before a re-attach */
	bool have_old;
	uint64_t old_until_ms;
	struct media_srtp *rx, *tx;	/* per key; libsrtp keeps one stream per SSRC */
	struct media_rtp_src src;	/* RFC 3550 state of what it sends */
	struct media_rx_stats stats;
	uint64_t last_rx_ms;
	bool timed_out;
	/* the kernel forwards what this side sends while kr_on: kr is the
	 * rule as installed, kr_received what src had counted by then */
	bool kr_on;
	struct media_kfwd_rule kr;
	uint64_t kr_received;
};

struct rcall;

struct rstream {
	struct rcall *call;
	unsigned idx;			/* its slot in the call, reused once it is removed */
	unsigned seq;			/* its number in the call, never reused */
	struct rside side[2];
	uint32_t timeout_ms, hold_timeout_ms;
	struct media_kfwd *kfwd;	/* the engine's, or NULL: all in user space */
	/* An update takes the kernel's rules away at once, on the signalling
	 * thread, so that no packet is forwarded the old way after it returns;
	 * the thread puts them back when it has applied it.  issued is the
	 * only field the signalling thread touches after the handover (with
	 * side[].local, which never changes): a rule installed while an update
	 * is on its way is taken away again (kr_sync). */
	atomic_uint updates_issued;
	unsigned updates_applied;
	bool kr_dirty;			/* a latch moved: kr_sync after the batch */
};

/* a call on its thread */
struct rcall {
	void *arg;
	struct rstream *streams[MEDIA_MAX_STREAMS];
	struct rcall *prev, *next;
};

enum media_cmd_type {
	MEDIA_CMD_CALL_ADD,
	MEDIA_CMD_STREAM_ADD,
	MEDIA_CMD_STREAM_UPDATE,
	MEDIA_CMD_STREAM_REMOVE,
	MEDIA_CMD_CALL_FREE,
	MEDIA_CMD_STOP,
};

struct media_cmd {
	struct media_cmd *next;
	enum media_cmd_type type;
	struct rcall *rc;
	unsigned idx;
	struct rstream *st;		/* STREAM_ADD: built by signalling, handed over */
	struct media_stream_cfg cfg;	/* STREAM_UPDATE */
	unsigned update;		/* STREAM_UPDATE: its number (updates_issued) */
	bool kc_valid[2];		/* STREAM_UPDATE: the rules the signalling */
	struct media_kfwd_counts kc[2];	/* thread removed, and their counts */
};

struct media_thread {
	struct media_engine *me;
	unsigned idx;
	pthread_t tid;
	bool started;
	struct ev_loop *loop;
	ev_async wake;
	ev_timer tick;
	pthread_mutex_t mtx;
	struct media_cmd *head, *tail;	/* under mtx */
	struct rcall *calls;		/* thread-owned */
	/* packet buffers: reused for every batch, no allocation per packet */
	uint8_t buf[MEDIA_BATCH][MEDIA_PKT_MAX];
	struct mmsghdr rmsg[MEDIA_BATCH];	/* set up once; recvmmsg changes only lengths and flags */
	struct iovec riov[MEDIA_BATCH];
	struct sockaddr_storage from[MEDIA_BATCH];
	struct mmsghdr smsg[MEDIA_BATCH];
	struct iovec siov[MEDIA_BATCH];
	int sfd[MEDIA_BATCH];
	unsigned nsend;
	int rused;			/* rmsg[] entries the last recvmmsg filled */
};

struct media_engine {
	struct media_engine_cfg cfg;
	struct media_thread *threads;
	unsigned nthreads, next_thread;
	struct media_zone zones[MEDIA_ZONES_MAX];
	unsigned nzones;
	ev_async evwake;		/* on the signalling loop */
	pthread_mutex_t evmtx;
	struct media_evq *evhead, *evtail;	/* under evmtx */
	struct media_kfwd *kfwd;	/* opened by the first stream (signalling thread) */
	bool kfwd_tried;
};

struct media_evq {
	struct media_evq *next;
	struct media_event ev;
};

struct media_call {
	struct media_engine *me;
	struct media_thread *th;
	struct rcall *rc;		/* never dereferenced here after handover */
	unsigned nstreams;		/* slots ever used */
	unsigned added;			/* streams ever added: the next one's seq */
	bool live[MEDIA_MAX_STREAMS];
	/* for updates_issued and side[].local only (see struct rstream) */
	struct rstream *st[MEDIA_MAX_STREAMS];
};

/* engine.c */
void media_thread_send(struct media_thread *th, struct media_cmd *cmd);
void media_event_post(struct media_engine *me, const struct media_event *ev);
/* the engine's zone of that name, or NULL */
struct media_zone *media_zone_find(struct media_engine *me, const char *name);
uint64_t media_now_ms(void);
/* an IPv4 or IPv6 address's length for the socket calls, and its port */
socklen_t media_sa_len(const struct sockaddr_storage *sa);
void media_sa_set_port(struct sockaddr_storage *sa, uint16_t port);

/* relay.c: runs on the media thread (the first before it starts) */
void media_relay_thread_init(struct media_thread *th);
void media_relay_cmd(struct media_thread *th, struct media_cmd *cmd);
void media_relay_tick(struct media_thread *th);
void media_relay_stop_all(struct media_thread *th);
void media_rstream_close(struct rstream *st);

#endif
