/* The SDP stream model (RFC 8866) and the writer of one leg's SDP.
 *
 * media_sdp_parse() copies the body once into the model; every field is a
 * view into that copy.  Lines the relay must understand are decoded (c=,
 * m=, rtpmap, fmtp, directions, rtcp, rtcp-mux, crypto); ICE lines (and
 * DTLS setup/fingerprint, a=ssrc/msid that name the peer's sources, a=tool
 * that names its software, and a=group:BUNDLE) are recognised so the
 * writer can drop them; every other
 * attribute is kept as an opaque line in its original order.
 *
 * media_sdp_write() never copies the other leg's o=, c= or ports: it writes
 * our own origin, our address and our ports from a struct media_sdp_leg.
 */
#ifndef MEDIA_SDP_H
#define MEDIA_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* limits on attacker-controlled input; beyond them parsing fails (E2BIG) */
#define MEDIA_SDP_MAX_SIZE 16384	/* body bytes */
#define MEDIA_SDP_MAX_STREAMS 16	/* m-lines */
#define MEDIA_SDP_MAX_FORMATS 32	/* formats on one m-line */
#define MEDIA_SDP_MAX_ATTRS 48		/* opaque attributes per level */
#define MEDIA_SDP_MAX_CRYPTO 8		/* a=crypto per m-line */
#define MEDIA_SDP_MAX_BW 4		/* b= lines per level */

/* a view: pointer and length into the model's own copy of the body */
struct media_str {
	const char *p;
	size_t l;
};

enum media_dir {
	MEDIA_DIR_UNSET = 0,	/* no direction attribute: sendrecv */
	MEDIA_DIR_SENDRECV,
	MEDIA_DIR_SENDONLY,
	MEDIA_DIR_RECVONLY,
	MEDIA_DIR_INACTIVE,
};

struct media_sdp_conn {
	bool set;
	bool ip6;		/* IN IP6 */
	bool hold;		/* 0.0.0.0 or :: (RFC 2543 hold) */
	struct media_str addr;
};

struct media_sdp_fmt {
	struct media_str id;	/* as written on the m-line */
	int pt;			/* 0-127 for RTP payload types, else -1 */
	struct media_str enc;	/* rtpmap encoding name (or the static one) */
	uint32_t clock;		/* rtpmap clock rate (or the static one), 0 unknown */
	struct media_str params;/* rtpmap after the clock rate ("/2"), may be empty */
	struct media_str fmtp;	/* a=fmtp value after "PT " */
	bool has_rtpmap;
};

struct media_sdp_crypto {
	uint32_t tag;
	struct media_str suite;
	struct media_str key_params;	/* "inline:..." */
	struct media_str session_params;/* may be empty */
};

/* an attribute kept as it came: "a=" + line */
struct media_sdp_attr {
	struct media_str line;
};

struct media_sdp_stream {
	struct media_str type;	/* audio, video, ... */
	uint16_t port;		/* 0: rejected */
	uint16_t port_count;	/* m=audio 49170/2: 2; else 0 */
	struct media_str proto;	/* RTP/AVP, RTP/SAVP, ... */
	struct media_sdp_fmt fmts[MEDIA_SDP_MAX_FORMATS];
	unsigned nfmt;
	struct media_sdp_conn conn;
	struct media_str bw[MEDIA_SDP_MAX_BW];	/* b= values */
	unsigned nbw;
	enum media_dir dir;
	bool rtcp_set;		/* a=rtcp (RFC 3605) */
	uint16_t rtcp_port;
	struct media_sdp_conn rtcp_conn;
	bool rtcp_mux;		/* RFC 5761 */
	struct media_sdp_crypto crypto[MEDIA_SDP_MAX_CRYPTO];
	unsigned ncrypto;
	unsigned ice_lines;	/* recognised and dropped by the writer */
	struct media_sdp_attr attrs[MEDIA_SDP_MAX_ATTRS];
	unsigned nattr;
};

struct media_sdp {
	char *buf;		/* the owned copy every view points into */
	size_t len;
	struct media_str origin_user;
	struct media_str origin_sess_id;
	uint64_t origin_version;
	struct media_sdp_conn origin_addr;
	struct media_str timing;	/* t= value */
	struct media_sdp_conn conn;
	struct media_str bw[MEDIA_SDP_MAX_BW];
	unsigned nbw;
	enum media_dir dir;
	/* ICE lines, and a=rtcp, a=rtcp-mux, a=crypto misplaced at session
	 * level: recognised and dropped by the writer */
	unsigned ice_lines;
	struct media_sdp_attr attrs[MEDIA_SDP_MAX_ATTRS];
	unsigned nattr;
	struct media_sdp_stream streams[MEDIA_SDP_MAX_STREAMS];
	unsigned nstreams;
};

/* Parses an SDP body (CRLF or LF line ends).  Returns 0, EBADMSG for a
 * malformed body, E2BIG past a limit, ENOMEM; *sdpp is set only on success. */
int media_sdp_parse(struct media_sdp **sdpp, const void *body, size_t len);
void media_sdp_free(struct media_sdp *sdp);

/* the stream's connection: media level, else session level */
const struct media_sdp_conn *media_sdp_stream_conn(const struct media_sdp *sdp,
						   const struct media_sdp_stream *st);
/* the stream's effective direction: media level, else session level, else
 * sendrecv; an RFC 2543 hold (c=0.0.0.0) turns sendrecv into sendonly and
 * recvonly into inactive, as the peer asks not to be sent to */
enum media_dir media_sdp_stream_dir(const struct media_sdp *sdp,
				    const struct media_sdp_stream *st);
/* the payload type of telephone-event (RFC 4733) at clock rate 'clock'
 * (0: any), or -1 */
int media_sdp_stream_te_pt(const struct media_sdp_stream *st, uint32_t clock);
const char *media_dir_name(enum media_dir dir);
/* the direction the other side sees: sendonly <-> recvonly */
enum media_dir media_dir_reverse(enum media_dir dir);
bool media_str_eq(const struct media_str *s, const char *c);
bool media_str_caseeq(const struct media_str *s, const char *c);

/* One leg's SDP: what we write instead of what the peer sent. */
struct media_sdp_leg_stream {
	uint16_t port;		/* our RTP port; 0 rejects the stream */
	bool rtcp_attr;		/* write a=rtcp:PORT+1 IN IP4 ADDR (RFC 3605) */
	bool rtcp_mux;		/* write a=rtcp-mux (RFC 5761) */
	bool srtp;		/* RTP/SAVP (or SAVPF) with our a=crypto */
	uint32_t crypto_tag;
	const char *crypto_suite;	/* e.g. "AES_CM_128_HMAC_SHA1_80" */
	const char *crypto_key;		/* "inline:BASE64" */
	enum media_dir dir;	/* MEDIA_DIR_UNSET: the model's own */
	int te_pt;		/* telephone-event PT to write; -1: the model's */
};

struct media_sdp_leg {
	const char *addr;	/* our media address in this leg's zone */
	bool ip6;
	const char *origin_user;/* NULL: "-" */
	/* allowed encoding names (case-insensitive); NULL: all.  The model's
	 * order is kept; telephone-event is always kept. */
	const char *const *codecs;
	size_t ncodecs;
	struct media_sdp_leg_stream streams[MEDIA_SDP_MAX_STREAMS];
};

/* The o= state of one leg (RFC 3264 8): a random session id, and a version
 * that rises by one only when the content we send changes. */
struct media_sdp_origin {
	uint64_t sess_id;
	uint64_t version;
	uint8_t digest[32];
	bool sent;
};

/* returns 0 or EIO (no random bytes) */
int media_sdp_origin_init(struct media_sdp_origin *o);

/* true when the format is written on this leg (codec policy) */
bool media_sdp_fmt_allowed(const struct media_sdp_fmt *f,
			   const struct media_sdp_leg *leg);

/* Writes the leg's SDP for the model into a new NUL-terminated buffer the
 * caller frees.  Returns 0, EINVAL (also for a te_pt that collides with
 * another format kept on the m-line), ENOMEM; *outp and *lenp set only on
 * success; the origin's version is bumped when the content changed. */
int media_sdp_write(const struct media_sdp *sdp, const struct media_sdp_leg *leg,
		    struct media_sdp_origin *origin, char **outp, size_t *lenp);

#endif
