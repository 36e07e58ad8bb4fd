/* Small helpers over the SDP model. */
#include <errno.h>
#include <strings.h>
#include <string.h>

#include "media/sdp.h"
#include "media/sdp_int.h"

int sdp_token(struct media_str *v, struct media_str *tok)
{
	size_t i = 0, start;

	while (i < v->l && v->p[i] == ' ')
		i++;
	if (i == v->l) {
		v->p += v->l;
		v->l = 0;
		return ENODATA;
	}
	start = i;
	while (i < v->l && v->p[i] != ' ')
		i++;
	tok->p = v->p + start;
	tok->l = i - start;
	while (i < v->l && v->p[i] == ' ')
		i++;
	v->p += i;
	v->l -= i;
	return 0;
}

int sdp_u64(const struct media_str *v, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (v->l == 0 || v->l > 19)
		return EBADMSG;
	for (i = 0; i < v->l; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return EBADMSG;
		n = n * 10 + (uint64_t)(v->p[i] - '0');
	}
	*out = n;
	return 0;
}

bool media_str_eq(const struct media_str *s, const char *c)
{
	size_t n = strlen(c);

	return s->l == n && (n == 0 || memcmp(s->p, c, n) == 0);
}

bool media_str_caseeq(const struct media_str *s, const char *c)
{
	size_t n = strlen(c);

	return s->l == n && (n == 0 || strncasecmp(s->p, c, n) == 0);
}

const struct media_sdp_conn *media_sdp_stream_conn(const struct media_sdp *sdp,
						   const struct media_sdp_stream *st)
{
	return st->conn.set ? &st->conn : &sdp->conn;
}

enum media_dir media_sdp_stream_dir(const struct media_sdp *sdp,
				    const struct media_sdp_stream *st)
{
	enum media_dir d = st->dir ? st->dir : sdp->dir ? sdp->dir : MEDIA_DIR_SENDRECV;
	const struct media_sdp_conn *c = media_sdp_stream_conn(sdp, st);

	if (c->set && c->hold) {
		if (d == MEDIA_DIR_SENDRECV)
			d = MEDIA_DIR_SENDONLY;
		else if (d == MEDIA_DIR_RECVONLY)
			d = MEDIA_DIR_INACTIVE;
	}
	return d;
}

int media_sdp_stream_te_pt(const struct media_sdp_stream *st, uint32_t clock)
{
	unsigned i;

	for (i = 0; i < st->nfmt; i++) {
		const struct media_sdp_fmt *f = &st->fmts[i];

		if (f->pt >= 0 && f->has_rtpmap && media_str_caseeq(&f->enc, "telephone-event") &&
		    (clock == 0 || f->clock == clock))
			return f->pt;
	}
	return -1;
}

const char *media_dir_name(enum media_dir dir)
{
	switch (dir) {
	case MEDIA_DIR_SENDONLY:
		return "sendonly";
	case MEDIA_DIR_RECVONLY:
		return "recvonly";
	case MEDIA_DIR_INACTIVE:
		return "inactive";
	default:
		return "sendrecv";
	}
}

enum media_dir media_dir_reverse(enum media_dir dir)
{
	if (dir == MEDIA_DIR_SENDONLY)
		return MEDIA_DIR_RECVONLY;
	if (dir == MEDIA_DIR_RECVONLY)
		return MEDIA_DIR_SENDONLY;
	return dir;
}
