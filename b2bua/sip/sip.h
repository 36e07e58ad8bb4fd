/* The SIP message layer: a zero-copy parser and a builder.
 *
 * Parsing: every field of a struct sip_msg is a view (struct pl) into the
 * reference-counted receive buffer that the message holds.  Nothing is
 * copied and no byte of the buffer is written.  The headers every message
 * needs (top Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length,
 * Content-Type) are decoded while parsing; any other header is found by id
 * and decoded on use with the sip_*_decode functions.
 *
 * Building: outbound messages are written from our own state into fresh
 * buffers (struct mbw); a received header is copied only when the caller
 * decides it may cross.
 */
#ifndef B2BUA_SIP_H
#define B2BUA_SIP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../base/mbuf.h"
#include "../base/pl.h"

/* Limits on attacker-controlled input.  Exceeding one is malformed input. */
enum {
	SIP_MAX_MSG_SIZE = 65535,	/* bytes of one message */
	SIP_MAX_HEADERS = 128,		/* header lines (after unfolding) */
	SIP_MAX_LINE = 8192,		/* bytes of one header line, folds included */
	SIP_MAX_URI_PARAMS = 32,	/* parameters of one URI or header value */
	SIP_MAX_VALUES = 64,		/* comma-separated values of one header */
	SIP_MAX_BODY_PARTS = 16,	/* parts of a multipart body */
};

enum sip_method {
	SIP_METHOD_UNKNOWN = 0,
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_REGISTER,
	SIP_METHOD_PRACK,
	SIP_METHOD_UPDATE,
	SIP_METHOD_INFO,
	SIP_METHOD_MESSAGE,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_REFER,
	SIP_METHOD_PUBLISH,
};

/* Header names become this enum while the message is split into lines.
 * Compact forms (RFC 3261 7.3.3 and later RFCs) map to the same id. */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0,
	SIP_HDR_ACCEPT,
	SIP_HDR_ACCEPT_ENCODING,
	SIP_HDR_ACCEPT_LANGUAGE,
	SIP_HDR_ALERT_INFO,
	SIP_HDR_ALLOW,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,
	SIP_HDR_CALL_INFO,
	SIP_HDR_CONTACT,
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_LANGUAGE,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CSEQ,
	SIP_HDR_DATE,
	SIP_HDR_ERROR_INFO,
	SIP_HDR_EVENT,
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,
	SIP_HDR_IN_REPLY_TO,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIME_VERSION,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_MIN_SE,
	SIP_HDR_ORGANIZATION,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_PRIORITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RACK,
	SIP_HDR_REASON,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_REPLACES,
	SIP_HDR_REPLY_TO,
	SIP_HDR_REQUIRE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ROUTE,
	SIP_HDR_RSEQ,
	SIP_HDR_SERVER,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_TARGET_DIALOG,
	SIP_HDR_TIMESTAMP,
	SIP_HDR_TO,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,
	SIP_HDR_WARNING,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_COUNT
};

enum sip_transport {
	SIP_TP_NONE = 0,
	SIP_TP_UDP,
	SIP_TP_TCP,
	SIP_TP_TLS,
	SIP_TP_SCTP,
	SIP_TP_WS,
	SIP_TP_WSS,
	SIP_TP_OTHER,
};

enum sip_uri_scheme {
	SIP_SCHEME_OTHER = 0,
	SIP_SCHEME_SIP,
	SIP_SCHEME_SIPS,
	SIP_SCHEME_TEL,
};

enum sip_host_type {
	SIP_HOST_NAME = 0,
	SIP_HOST_IPV4,
	SIP_HOST_IPV6,		/* host view excludes the brackets */
};

/* One header line.  val excludes leading/trailing whitespace; a folded
 * value still contains its CRLF+WSP folds (decoders treat them as LWS). */
struct sip_hdr {
	struct pl name;
	struct pl val;
	enum sip_hdr_id id;
	int16_t next;		/* index of the next header with the same id, or -1 */
};

struct sip_uri {
	enum sip_uri_scheme scheme;
	struct pl scheme_pl;
	struct pl user;		/* escaped form, as received; may contain ';' (RFC 4475 semiuri) */
	struct pl password;
	struct pl host;
	enum sip_host_type host_type;
	struct pl port_pl;
	uint16_t port;		/* 0 when absent */
	struct pl params;	/* after the first ';' of the host part, without it */
	struct pl headers;	/* after '?', without it */
	struct pl opaque;	/* for tel: and unknown schemes: everything after "scheme:" */
};

struct sip_via {
	struct pl proto;	/* "SIP/2.0/UDP" as a whole */
	struct pl tp_pl;	/* "UDP" */
	enum sip_transport tp;
	struct pl host;
	enum sip_host_type host_type;
	uint16_t port;		/* 0 when absent */
	struct pl params;	/* all parameters, without the first ';' */
	struct pl branch;
	struct pl received;
	struct pl rport;	/* value, may be empty */
	bool has_rport;
	struct pl maddr;
	struct pl value;	/* the whole via-parm */
};

/* name-addr or addr-spec with header parameters (From, To, Contact, Route ...) */
struct sip_addr {
	struct pl dname;	/* display name as written, quotes included */
	struct pl uri_pl;	/* the URI text, without < > */
	struct sip_uri uri;
	struct pl params;	/* header parameters after the URI, without the first ';' */
	struct pl tag;
	bool angle;		/* written in name-addr form */
	bool star;		/* Contact: * */
	struct pl value;	/* the whole value */
};

struct sip_cseq {
	uint32_t num;
	struct pl method_pl;
	enum sip_method method;
};

/* Why a message failed; status is what a request deserves (400, 505 ...) */
struct sip_parse_err {
	uint16_t status;
	const char *reason;	/* static text, used as the reason phrase */
};

struct sip_msg {
	struct mbuf *mb;	/* holds one reference */
	struct pl raw;		/* the whole message */
	bool req;

	/* request line */
	struct pl method_pl;
	enum sip_method method;
	struct pl ruri_pl;
	struct sip_uri ruri;

	/* status line */
	struct pl version;
	uint16_t scode;
	struct pl reason;

	/* decoded while parsing */
	struct sip_via via;	/* the top Via value */
	struct sip_addr from;
	struct sip_addr to;
	struct pl callid;
	struct sip_cseq cseq;
	uint32_t max_forwards;
	bool has_max_forwards;
	uint32_t clen;
	bool has_clen;
	struct pl ctype;	/* Content-Type value, trimmed */
	struct pl body;

	/* set when the message parsed far enough to be answered but is not
	 * acceptable (status != 0): a request gets this status */
	struct sip_parse_err bad;

	uint16_t nhdr;
	int16_t first[SIP_HDR_COUNT];	/* index of the first header per id, or -1 */
	struct sip_hdr hdr[SIP_MAX_HEADERS];

	/* where it came from, filled by the transport layer */
	enum sip_transport rx_tp;
	struct sockaddr_storage src;
	struct sockaddr_storage dst;
	uint64_t rx_conn_id;	/* the stream connection it came on, 0 for UDP */
	unsigned rx_listener;	/* index of the receiving listener */
};

enum {
	SIP_PARSE_DGRAM = 1 << 0,	/* a whole datagram: the body may be the rest
					 * when Content-Length is absent (RFC 3261 18.3) */
};

/* Parses len bytes at mb->data + off.
 *
 * returns 0 and *msgp (holding a reference to mb) when the message could be
 * framed; check (*msgp)->bad.status for a message that is malformed but
 * answerable.  returns EBADMSG when it cannot be framed at all (*errp, if
 * given, says why), ENOMEM.  *msgp is set only on success. */
int sip_msg_parse(struct sip_msg **msgp, struct mbuf *mb, size_t off, size_t len,
		  unsigned flags, struct sip_parse_err *errp);
void sip_msg_free(struct sip_msg *msg);
/* frees the messages this thread keeps for reuse (before it ends) */
void sip_msg_cache_flush(void);

/* header access */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id);
const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg, const struct sip_hdr *h);
/* for SIP_HDR_OTHER: case-insensitive name match */
const struct sip_hdr *sip_msg_hdr_by_name(const struct sip_msg *msg, const char *name);
unsigned sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id);

enum sip_hdr_id sip_hdr_lookup(const char *name, size_t len);
const char *sip_hdr_name(enum sip_hdr_id id);
enum sip_method sip_method_lookup(const struct pl *name);
const char *sip_method_name(enum sip_method m);
const char *sip_reason_phrase(uint16_t scode);
enum sip_transport sip_transport_lookup(const struct pl *name);
const char *sip_transport_name(enum sip_transport tp);

/* Iterates the comma-separated values of a header value (Via, Contact,
 * Route, Allow, Supported ...), skipping commas inside quotes and < >.
 * *pos starts at 0; returns false when there are no more values.  An empty
 * value (",," or a trailing ",") is reported as EBADMSG through *errp. */
bool sip_value_next(const struct pl *hval, size_t *pos, struct pl *val, int *errp);

/* Decoders for one value.  returns 0 or EBADMSG (or E2BIG past a limit) */
int sip_uri_decode(struct sip_uri *uri, const struct pl *text);
/* the user of a decoded URI (its user part, or a tel: number) into buf,
 * NUL-terminated and truncated to size; "" when it has none */
void sip_uri_user(const struct sip_uri *uri, char *buf, size_t size);
int sip_via_decode(struct sip_via *via, const struct pl *value);
int sip_addr_decode(struct sip_addr *addr, const struct pl *value);
int sip_cseq_decode(struct sip_cseq *cseq, const struct pl *value);

/* Iterates a parameter list (without the leading ';'): *pos starts at 0;
 * name and val (empty when there is no '=') are trimmed views. */
bool sip_param_next(const struct pl *params, size_t *pos, struct pl *name, struct pl *val);
/* Finds a ;name[=value] parameter in a parameter list (without the leading
 * ';'); returns true if present.  Names compare case-insensitively. */
bool sip_param_get(const struct pl *params, const char *name, struct pl *val);
/* true when a comma-separated token list (Supported, Require, Allow)
 * contains tok, case-insensitively */
bool sip_token_list_has(const struct pl *list, const char *tok);

/* ---- call transfer (RFC 3515, RFC 3891, RFC 3420) ---- */

/* %HH escapes decoded (RFC 3261 19.1.2) into buf, NUL-terminated, *lenp
 * (if not NULL) its length.  returns 0, EBADMSG for a bad escape or a
 * control character once decoded, E2BIG when it does not fit. */
int sip_pct_decode(const struct pl *in, char *buf, size_t size, size_t *lenp);
/* The value of the URI header `name` (RFC 3261 19.1.1 "?h=v&..."),
 * compared case-insensitively, decoded into buf as sip_pct_decode does.
 * returns 0, ENOENT when the URI has no such header, EBADMSG, E2BIG. */
int sip_uri_header_get(const struct sip_uri *uri, const char *name, char *buf, size_t size,
		       size_t *lenp);

/* RFC 3891 Replaces: callid;to-tag=..;from-tag=..[;early-only] */
struct sip_replaces {
	struct pl callid;
	struct pl to_tag;
	struct pl from_tag;
	bool early_only;
};
/* returns 0 or EBADMSG (both tags are required, once each), E2BIG */
int sip_replaces_decode(struct sip_replaces *r, const struct pl *value);

/* The status code of the status line a message/sipfrag body starts with
 * ("SIP/2.0 200 OK").  returns 0 or EBADMSG. */
int sip_sipfrag_status(const struct pl *body, uint16_t *scode);

/* The body as multipart parts (RFC 2046) without copying.  returns 0,
 * ENOENT when the message is not multipart, EBADMSG when the boundary is
 * missing or unterminated. */
struct sip_body_part {
	struct pl headers;
	struct pl body;
};
int sip_multipart_split(const struct sip_msg *msg, struct sip_body_part *parts,
			unsigned max, unsigned *n);

/* ---- building ---- */

/* Writes a response to req into a fresh buffer, per RFC 3261 8.2.6.2: the
 * Via headers, From, Call-ID and CSeq copied, To copied with totag added
 * when the request's To has none (totag may be NULL).  extra_hdrs, if not
 * NULL, are complete header lines each ending in CRLF.  body may be NULL. */
int sip_build_response(struct mbuf **mbp, const struct sip_msg *req, uint16_t scode,
		       const char *reason, const char *totag, const char *extra_hdrs,
		       const struct pl *ctype, const struct pl *body);

/* Writes `Name: value\r\n` */
void sip_build_hdr(struct mbw *w, enum sip_hdr_id id, const struct pl *value);
/* Writes the Content-Length header, the blank line and the body */
void sip_build_body(struct mbw *w, const struct pl *ctype, const struct pl *body);

#endif
