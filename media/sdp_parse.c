/* SDP parser (RFC 8866): one pass over lines into the stream model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "media/sdp.h"
#include "media/sdp_int.h"

/* RFC 3551 table 4: static audio payload types the codec policy must know */
static const struct {
	int pt;
	const char *enc;
	uint32_t clock;
} static_pts[] = {
	{ 0, "PCMU", 8000 }, { 3, "GSM", 8000 }, { 4, "G723", 8000 },
	{ 8, "PCMA", 8000 }, { 9, "G722", 8000 }, { 13, "CN", 8000 },
	{ 18, "G729", 8000 }, { 26, "JPEG", 90000 }, { 31, "H261", 90000 },
	{ 34, "H263", 90000 },
};

static bool is_ice(const struct media_str *name)
{
	/* RFC 8839: every ICE attribute; RFC 8842/5763 DTLS ones as well,
	 * since we terminate the media and offer SDES only; and the lines that
	 * name the peer's sources */
	static const char *const names[] = {
		"candidate", "remote-candidates", "end-of-candidates",
		"fingerprint", "setup", "tls-id",
	};
	size_t i;

	if (name->l >= 4 && memcmp(name->p, "ice-", 4) == 0)
		return true;
	/* RFC 5576 a=ssrc carries the peer's CNAME, often user@internal-host;
	 * WebRTC stream ids go with them */
	if (media_str_eq(name, "ssrc") || media_str_eq(name, "ssrc-group") ||
	    media_str_eq(name, "msid") || media_str_eq(name, "msid-semantic"))
		return true;
	/* RFC 8866 6.3 a=tool names the software (and version) behind the
	 * peer: no more the other side's business than its User-Agent */
	if (media_str_eq(name, "tool"))
		return true;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (media_str_eq(name, names[i]))
			return true;
	return false;
}

static enum media_dir dir_of(const struct media_str *name)
{
	if (media_str_eq(name, "sendrecv"))
		return MEDIA_DIR_SENDRECV;
	if (media_str_eq(name, "sendonly"))
		return MEDIA_DIR_SENDONLY;
	if (media_str_eq(name, "recvonly"))
		return MEDIA_DIR_RECVONLY;
	if (media_str_eq(name, "inactive"))
		return MEDIA_DIR_INACTIVE;
	return MEDIA_DIR_UNSET;
}

/* "IN IP4 addr" (c=, and the tail of o= and a=rtcp) */
static int parse_conn(struct media_sdp_conn *c, struct media_str v)
{
	struct media_str nt, at, addr;

	if (sdp_token(&v, &nt) || sdp_token(&v, &at) || sdp_token(&v, &addr))
		return EBADMSG;
	if (!media_str_eq(&nt, "IN") || v.l)
		return EBADMSG;
	if (media_str_eq(&at, "IP4"))
		c->ip6 = false;
	else if (media_str_eq(&at, "IP6"))
		c->ip6 = true;
	else
		return EBADMSG;
	/* RFC 8866 5.7: multicast TTL/count after '/' is not ours to relay */
	if (memchr(addr.p, '/', addr.l))
		return EBADMSG;
	c->set = true;
	c->addr = addr;
	c->hold = media_str_eq(&addr, "0.0.0.0") || media_str_eq(&addr, "::");
	return 0;
}

static int parse_origin(struct media_sdp *sdp, struct media_str v)
{
	struct media_str user, id, ver;
	uint64_t n;

	if (sdp_token(&v, &user) || sdp_token(&v, &id) || sdp_token(&v, &ver))
		return EBADMSG;
	if (sdp_u64(&ver, &n) || sdp_u64(&id, &(uint64_t){ 0 }))
		return EBADMSG;
	sdp->origin_user = user;
	sdp->origin_sess_id = id;
	sdp->origin_version = n;
	return parse_conn(&sdp->origin_addr, v);
}

static int parse_media(struct media_sdp_stream *st, struct media_str v)
{
	struct media_str port, f;
	const char *slash;
	uint64_t n;

	if (sdp_token(&v, &st->type) || sdp_token(&v, &port) || sdp_token(&v, &st->proto))
		return EBADMSG;
	slash = memchr(port.p, '/', port.l);
	if (slash) {
		struct media_str cnt = { slash + 1, (size_t)(port.p + port.l - slash - 1) };

		if (sdp_u64(&cnt, &n) || n < 1 || n > 65535)
			return EBADMSG;
		st->port_count = (uint16_t)n;
		port.l = (size_t)(slash - port.p);
	}
	if (sdp_u64(&port, &n) || n > 65535)
		return EBADMSG;
	st->port = (uint16_t)n;
	while (sdp_token(&v, &f) == 0) {
		struct media_sdp_fmt *fmt;
		size_t i;

		if (st->nfmt == MEDIA_SDP_MAX_FORMATS)
			return E2BIG;
		fmt = &st->fmts[st->nfmt++];
		fmt->id = f;
		fmt->pt = -1;
		if (sdp_u64(&f, &n) == 0 && n <= 127 && f.l <= 3)
			fmt->pt = (int)n;
		for (i = 0; fmt->pt >= 0 && i < sizeof(static_pts) / sizeof(static_pts[0]); i++) {
			if (static_pts[i].pt == fmt->pt) {
				fmt->enc.p = static_pts[i].enc;
				fmt->enc.l = strlen(static_pts[i].enc);
				fmt->clock = static_pts[i].clock;
			}
		}
	}
	/* RFC 8866 5.14: at least one format */
	return st->nfmt ? 0 : EBADMSG;
}

static struct media_sdp_fmt *find_fmt(struct media_sdp_stream *st, const struct media_str *id)
{
	unsigned i;

	for (i = 0; i < st->nfmt; i++)
		if (st->fmts[i].id.l == id->l && memcmp(st->fmts[i].id.p, id->p, id->l) == 0)
			return &st->fmts[i];
	return NULL;
}

/* rtpmap:PT enc/clock[/params] (RFC 8866 6.6) */
static int parse_rtpmap(struct media_sdp_stream *st, struct media_str v)
{
	struct media_str id, enc, clock;
	struct media_sdp_fmt *f;
	const char *s;
	uint64_t n;

	if (sdp_token(&v, &id) || sdp_token(&v, &enc) || v.l)
		return EBADMSG;
	f = find_fmt(st, &id);
	if (!f || f->has_rtpmap)
		return EBADMSG;
	s = memchr(enc.p, '/', enc.l);
	if (!s || s == enc.p)
		return EBADMSG;
	clock.p = s + 1;
	clock.l = (size_t)(enc.p + enc.l - clock.p);
	enc.l = (size_t)(s - enc.p);
	s = memchr(clock.p, '/', clock.l);
	f->params.p = clock.p + clock.l;
	f->params.l = 0;
	if (s) {
		f->params.p = s;
		f->params.l = (size_t)(clock.p + clock.l - s);
		clock.l = (size_t)(s - clock.p);
	}
	if (sdp_u64(&clock, &n) || n == 0 || n > UINT32_MAX)
		return EBADMSG;
	f->enc = enc;
	f->clock = (uint32_t)n;
	f->has_rtpmap = true;
	return 0;
}

static int parse_fmtp(struct media_sdp_stream *st, struct media_str v)
{
	struct media_str id;
	struct media_sdp_fmt *f;

	if (sdp_token(&v, &id))
		return EBADMSG;
	f = find_fmt(st, &id);
	if (!f || f->fmtp.p)
		return EBADMSG;
	f->fmtp = v;
	return 0;
}

/* rtcp:PORT [IN IP4 addr] (RFC 3605) */
static int parse_rtcp(struct media_sdp_stream *st, struct media_str v)
{
	struct media_str port;
	uint64_t n;

	if (sdp_token(&v, &port) || sdp_u64(&port, &n) || n == 0 || n > 65535)
		return EBADMSG;
	if (v.l && parse_conn(&st->rtcp_conn, v))
		return EBADMSG;
	st->rtcp_set = true;
	st->rtcp_port = (uint16_t)n;
	return 0;
}

/* crypto:tag suite key-params [session-params] (RFC 4568 9.1) */
static int parse_crypto(struct media_sdp_stream *st, struct media_str v)
{
	struct media_sdp_crypto *c;
	struct media_str tag;
	uint64_t n;

	if (st->ncrypto == MEDIA_SDP_MAX_CRYPTO)
		return E2BIG;
	c = &st->crypto[st->ncrypto];
	if (sdp_token(&v, &tag) || tag.l > 9 || sdp_u64(&tag, &n))
		return EBADMSG;
	if (sdp_token(&v, &c->suite) || sdp_token(&v, &c->key_params))
		return EBADMSG;
	c->tag = (uint32_t)n;
	c->session_params = v;
	st->ncrypto++;
	return 0;
}

static int parse_attr(struct media_sdp *sdp, struct media_sdp_stream *st, struct media_str v)
{
	struct media_str line = v, name = v, value = { v.p + v.l, 0 };
	const char *colon = memchr(v.p, ':', v.l);
	struct media_sdp_attr *attrs;
	unsigned *nattr;
	enum media_dir dir;

	if (colon) {
		name.l = (size_t)(colon - v.p);
		value.p = colon + 1;
		value.l = (size_t)(v.p + v.l - value.p);
	}
	if (name.l == 0)
		return EBADMSG;
	/* RFC 8843: each m-line gets a port of its own here, so BUNDLE
	 * cannot be offered on; other groups (lip sync) stay */
	if (is_ice(&name) || (colon && media_str_eq(&name, "group") && value.l >= 6 &&
			      memcmp(value.p, "BUNDLE", 6) == 0)) {
		if (st)
			st->ice_lines++;
		else
			sdp->ice_lines++;
		return 0;
	}
	dir = dir_of(&name);
	if (dir != MEDIA_DIR_UNSET && !colon) {
		if (st)
			st->dir = dir;
		else
			sdp->dir = dir;
		return 0;
	}
	if (st && colon && media_str_eq(&name, "rtpmap"))
		return parse_rtpmap(st, value);
	if (st && colon && media_str_eq(&name, "fmtp"))
		return parse_fmtp(st, value);
	if (st && colon && media_str_eq(&name, "rtcp"))
		return parse_rtcp(st, value);
	if (st && colon && media_str_eq(&name, "crypto"))
		return parse_crypto(st, value);
	if (st && !colon && media_str_eq(&name, "rtcp-mux")) {
		st->rtcp_mux = true;
		return 0;
	}
	/* media-level only (RFC 3605, 5761, 4568): at session level they would
	 * pass through and describe the peer's transport as if it were ours */
	if (!st && (media_str_eq(&name, "rtcp") || media_str_eq(&name, "rtcp-mux") ||
		    media_str_eq(&name, "crypto"))) {
		sdp->ice_lines++;
		return 0;
	}
	attrs = st ? st->attrs : sdp->attrs;
	nattr = st ? &st->nattr : &sdp->nattr;
	if (*nattr == MEDIA_SDP_MAX_ATTRS)
		return E2BIG;
	attrs[(*nattr)++].line = line;
	return 0;
}

static int add_bw(struct media_str *bw, unsigned *n, struct media_str v)
{
	if (*n == MEDIA_SDP_MAX_BW)
		return E2BIG;
	if (!v.l || !memchr(v.p, ':', v.l))
		return EBADMSG;
	bw[(*n)++] = v;
	return 0;
}

static int parse_line(struct media_sdp *sdp, char type, struct media_str v, unsigned *seen)
{
	struct media_sdp_stream *st = sdp->nstreams ? &sdp->streams[sdp->nstreams - 1] : NULL;

	switch (type) {
	case 'v':
		if (*seen || !media_str_eq(&v, "0"))
			return EBADMSG;
		break;
	case 'o':
		if (*seen != 1)
			return EBADMSG;
		return parse_origin(sdp, v);
	case 'c':
		if (st ? st->conn.set : sdp->conn.set)
			return EBADMSG;
		return parse_conn(st ? &st->conn : &sdp->conn, v);
	case 't':
		if (st)
			return EBADMSG;
		if (!sdp->timing.p)
			sdp->timing = v;
		break;
	case 'b':
		return st ? add_bw(st->bw, &st->nbw, v) : add_bw(sdp->bw, &sdp->nbw, v);
	case 'm':
		if (sdp->nstreams == MEDIA_SDP_MAX_STREAMS)
			return E2BIG;
		return parse_media(&sdp->streams[sdp->nstreams++], v);
	case 'a':
		return parse_attr(sdp, st, v);
	default:
		/* s=, i=, u=, e=, p=, r=, z=, k=: not relayed (we write our own s=) */
		if (type < 'a' || type > 'z')
			return EBADMSG;
		break;
	}
	return 0;
}

int media_sdp_parse(struct media_sdp **sdpp, const void *body, size_t len)
{
	struct media_sdp *sdp;
	unsigned seen = 0;
	size_t pos = 0;
	int err;

	if (!sdpp || (!body && len))
		return EINVAL;
	if (len > MEDIA_SDP_MAX_SIZE)
		return E2BIG;
	sdp = calloc(1, sizeof(*sdp));
	if (!sdp)
		return ENOMEM;
	sdp->buf = malloc(len ? len : 1);
	if (!sdp->buf) {
		err = ENOMEM;
		goto out;
	}
	if (len)
		memcpy(sdp->buf, body, len);
	sdp->len = len;
	while (pos < len) {
		const char *line = sdp->buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		struct media_str v;

		pos += ll + (nl ? 1 : 0);
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			/* RFC 8866 does not allow empty lines; tolerate trailing ones */
			continue;
		}
		if (ll < 2 || line[1] != '=' || memchr(line, '\r', ll) || memchr(line, '\0', ll)) {
			err = EBADMSG;
			goto out;
		}
		v.p = line + 2;
		v.l = ll - 2;
		err = parse_line(sdp, line[0], v, &seen);
		if (err)
			goto out;
		seen++;
	}
	/* RFC 8866 5: v=, o= and t= are required; every stream needs a c= */
	if (!seen || !sdp->origin_user.p || !sdp->timing.p) {
		err = EBADMSG;
		goto out;
	}
	for (unsigned i = 0; i < sdp->nstreams; i++) {
		if (!sdp->conn.set && !sdp->streams[i].conn.set && sdp->streams[i].port) {
			err = EBADMSG;
			goto out;
		}
	}
	*sdpp = sdp;
	return 0;
out:
	media_sdp_free(sdp);
	return err;
}

void media_sdp_free(struct media_sdp *sdp)
{
	if (!sdp)
		return;
	free(sdp->buf);
	free(sdp);
}
