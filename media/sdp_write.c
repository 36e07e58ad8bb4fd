/* The writer of one leg's SDP: our origin, our address, our ports; the
 * peer's codecs (filtered), directions and opaque attributes in order. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "media/log.h"
#include "media/sdp.h"
#include "media/sdp_int.h"

struct wbuf {
	char *p;
	size_t len, size;
	int err;
};

static void w_put(struct wbuf *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (w->len + n + 1 > w->size) {
		size_t size = w->size ? w->size : 512;
		char *np;

		while (w->len + n + 1 > size)
			size *= 2;
		np = realloc(w->p, size);
		if (!np) {
			w->err = ENOMEM;
			return;
		}
		w->p = np;
		w->size = size;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void w_str(struct wbuf *w, const struct media_str *s)
{
	w_put(w, s->p, s->l);
}

__attribute__((format(printf, 2, 3)))
static void w_fmt(struct wbuf *w, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		w->err = w->err ? w->err : EINVAL;
		return;
	}
	w_put(w, tmp, (size_t)n);
}

int media_sdp_origin_init(struct media_sdp_origin *o)
{
	uint64_t id;

	if (RAND_bytes((unsigned char *)&id, sizeof(id)) != 1) {
		media_logf(MEDIA_LOG_ERR, "RAND_bytes failed: OpenSSL error %lu", ERR_get_error());
		return EIO;
	}
	memset(o, 0, sizeof(*o));
	/* positive and short enough for any peer's 63-bit parser */
	o->sess_id = (id >> 2) | 1;
	o->version = o->sess_id & 0xffffffu;
	return 0;
}

bool media_sdp_fmt_allowed(const struct media_sdp_fmt *f, const struct media_sdp_leg *leg)
{
	size_t i;

	if (!leg->codecs)
		return true;
	if (f->enc.l && media_str_caseeq(&f->enc, "telephone-event"))
		return true;
	for (i = 0; i < leg->ncodecs; i++)
		if (f->enc.l && media_str_caseeq(&f->enc, leg->codecs[i]))
			return true;
	return false;
}

static bool is_te(const struct media_sdp_fmt *f)
{
	return f->has_rtpmap && media_str_caseeq(&f->enc, "telephone-event");
}

static void w_fmt_id(struct wbuf *w, const struct media_sdp_fmt *f, const struct media_sdp_leg_stream *ls)
{
	if (is_te(f) && ls->te_pt >= 0)
		w_fmt(w, "%d", ls->te_pt);
	else
		w_str(w, &f->id);
}

/* RTP/AVP <-> RTP/SAVP (and the AVPF forms) per the leg's SRTP choice */
static void w_proto(struct wbuf *w, const struct media_str *proto, bool srtp)
{
	if (media_str_eq(proto, "RTP/AVP") || media_str_eq(proto, "RTP/SAVP"))
		w_put(w, srtp ? "RTP/SAVP" : "RTP/AVP", srtp ? 8 : 7);
	else if (media_str_eq(proto, "RTP/AVPF") || media_str_eq(proto, "RTP/SAVPF"))
		w_put(w, srtp ? "RTP/SAVPF" : "RTP/AVPF", srtp ? 9 : 8);
	else
		w_str(w, proto);
}

/* an attribute "name:PT ..." for a payload type we removed is dropped too */
static bool attr_for_removed_fmt(const struct media_sdp_stream *st, const bool *kept,
				 const struct media_str *line)
{
	static const char *const per_fmt[] = { "rtcp-fb:", "ptime-pt:" };
	size_t i;
	unsigned k;

	for (i = 0; i < sizeof(per_fmt) / sizeof(per_fmt[0]); i++) {
		size_t n = strlen(per_fmt[i]);
		struct media_str rest, id;

		if (line->l <= n || memcmp(line->p, per_fmt[i], n) != 0)
			continue;
		rest.p = line->p + n;
		rest.l = line->l - n;
		if (sdp_token(&rest, &id))
			return false;
		for (k = 0; k < st->nfmt; k++)
			if (st->fmts[k].id.l == id.l && memcmp(st->fmts[k].id.p, id.p, id.l) == 0)
				return !kept[k];
	}
	return false;
}

static void w_stream(struct wbuf *w, const struct media_sdp *sdp, const struct media_sdp_stream *st,
		     const struct media_sdp_leg *leg, const struct media_sdp_leg_stream *ls)
{
	bool kept[MEDIA_SDP_MAX_FORMATS];
	unsigned i, nkept = 0, nmedia = 0;
	const char *ipv = leg->ip6 ? "IP6" : "IP4";
	enum media_dir dir;

	for (i = 0; i < st->nfmt; i++) {
		kept[i] = media_sdp_fmt_allowed(&st->fmts[i], leg);
		nkept += kept[i];
		nmedia += kept[i] && !is_te(&st->fmts[i]);
	}
	w_put(w, "m=", 2);
	w_str(w, &st->type);
	/* nothing left but telephone-event: the stream cannot carry media */
	if (ls->port == 0 || st->port == 0 || nmedia == 0) {
		w_fmt(w, " 0 ");
		w_proto(w, &st->proto, ls->srtp);
		for (i = 0; i < st->nfmt; i++) {
			if (kept[i] || nkept == 0) {
				w_put(w, " ", 1);
				w_fmt_id(w, &st->fmts[i], ls);
				if (nkept == 0)
					break;
			}
		}
		w_put(w, "\r\n", 2);
		return;
	}
	w_fmt(w, " %u ", ls->port);
	w_proto(w, &st->proto, ls->srtp);
	for (i = 0; i < st->nfmt; i++) {
		if (kept[i]) {
			w_put(w, " ", 1);
			w_fmt_id(w, &st->fmts[i], ls);
		}
	}
	w_put(w, "\r\n", 2);
	for (i = 0; i < st->nbw; i++) {
		w_put(w, "b=", 2);
		w_str(w, &st->bw[i]);
		w_put(w, "\r\n", 2);
	}
	for (i = 0; i < st->nfmt; i++) {
		const struct media_sdp_fmt *f = &st->fmts[i];

		if (!kept[i])
			continue;
		if (f->has_rtpmap) {
			w_put(w, "a=rtpmap:", 9);
			w_fmt_id(w, f, ls);
			w_put(w, " ", 1);
			w_str(w, &f->enc);
			w_fmt(w, "/%" PRIu32, f->clock);
			w_str(w, &f->params);
			w_put(w, "\r\n", 2);
		}
		if (f->fmtp.p) {
			w_put(w, "a=fmtp:", 7);
			w_fmt_id(w, f, ls);
			w_put(w, " ", 1);
			w_str(w, &f->fmtp);
			w_put(w, "\r\n", 2);
		}
	}
	for (i = 0; i < st->nattr; i++) {
		if (attr_for_removed_fmt(st, kept, &st->attrs[i].line))
			continue;
		w_put(w, "a=", 2);
		w_str(w, &st->attrs[i].line);
		w_put(w, "\r\n", 2);
	}
	if (ls->rtcp_attr)
		w_fmt(w, "a=rtcp:%u IN %s %s\r\n", ls->rtcp_mux ? ls->port : ls->port + 1u, ipv,
		      leg->addr);
	if (ls->rtcp_mux)
		w_put(w, "a=rtcp-mux\r\n", 12);
	if (ls->srtp && ls->crypto_suite && ls->crypto_key)
		w_fmt(w, "a=crypto:%" PRIu32 " %s %s\r\n", ls->crypto_tag, ls->crypto_suite,
		      ls->crypto_key);
	dir = ls->dir ? ls->dir : media_sdp_stream_dir(sdp, st);
	w_fmt(w, "a=%s\r\n", media_dir_name(dir));
}

/* a mapped telephone-event PT must not be one of the other formats kept */
static bool te_collides(const struct media_sdp_stream *st, const struct media_sdp_leg *leg,
			const struct media_sdp_leg_stream *ls)
{
	unsigned i;

	if (ls->te_pt < 0)
		return false;
	if (ls->te_pt > 127)
		return true;
	for (i = 0; i < st->nfmt; i++)
		if (!is_te(&st->fmts[i]) && st->fmts[i].pt == ls->te_pt &&
		    media_sdp_fmt_allowed(&st->fmts[i], leg))
			return true;
	return false;
}

static int digest(const struct wbuf *w, uint8_t md[32])
{
	unsigned int n = 32;

	if (EVP_Digest(w->p, w->len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
		media_logf(MEDIA_LOG_ERR, "SHA-256 of an SDP failed: OpenSSL error %lu", ERR_get_error());
		return EIO;
	}
	return 0;
}

int media_sdp_write(const struct media_sdp *sdp, const struct media_sdp_leg *leg,
		    struct media_sdp_origin *origin, char **outp, size_t *lenp)
{
	struct wbuf body = { 0 }, out = { 0 };
	const char *ipv;
	uint8_t md[32];
	uint64_t version;
	unsigned i;
	int err;

	if (!sdp || !leg || !leg->addr || !origin || !outp || !lenp)
		return EINVAL;
	ipv = leg->ip6 ? "IP6" : "IP4";
	/* everything but v= and o=, so that the digest sees only content */
	w_put(&body, "s=-\r\n", 5);
	w_fmt(&body, "c=IN %s %s\r\n", ipv, leg->addr);
	for (i = 0; i < sdp->nbw; i++) {
		w_put(&body, "b=", 2);
		w_str(&body, &sdp->bw[i]);
		w_put(&body, "\r\n", 2);
	}
	w_put(&body, "t=", 2);
	w_str(&body, &sdp->timing);
	w_put(&body, "\r\n", 2);
	for (i = 0; i < sdp->nattr; i++) {
		w_put(&body, "a=", 2);
		w_str(&body, &sdp->attrs[i].line);
		w_put(&body, "\r\n", 2);
	}
	for (i = 0; i < sdp->nstreams; i++) {
		if (te_collides(&sdp->streams[i], leg, &leg->streams[i])) {
			err = EINVAL;
			goto out;
		}
		w_stream(&body, sdp, &sdp->streams[i], leg, &leg->streams[i]);
	}
	err = body.err;
	if (err)
		goto out;
	err = digest(&body, md);
	if (err)
		goto out;
	version = origin->version;
	/* RFC 3264 8: the version rises by one when, and only when, the
	 * content changes */
	if (origin->sent && memcmp(md, origin->digest, sizeof(md)) != 0)
		version++;
	w_put(&out, "v=0\r\n", 5);
	w_fmt(&out, "o=%s %" PRIu64 " %" PRIu64 " IN %s %s\r\n",
	      leg->origin_user ? leg->origin_user : "-", origin->sess_id, version, ipv, leg->addr);
	w_put(&out, body.p, body.len);
	err = out.err;
	if (err)
		goto out;
	origin->version = version;
	memcpy(origin->digest, md, sizeof(md));
	origin->sent = true;
	*outp = out.p;
	*lenp = out.len;
	out.p = NULL;
out:
	free(body.p);
	free(out.p);
	return err;
}
