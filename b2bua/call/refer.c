/* Call transfer across the two legs: the Refer-To and Referred-By of a
 * REFER (RFC 3515) written anew for the other leg, a Replaces (RFC 3891),
 * embedded in Refer-To or in an INVITE, translated to the identifiers of
 * the other leg of the call it names, and the message/sipfrag body of a
 * refer NOTIFY reduced to its status line.  Nothing of what the referrer
 * wrote crosses but user parts and display names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "call/call_priv.h"

enum { REFER_USER_MAX = 128, REPLACES_MAX = 512 };

/* the leg of one of our calls a Replaces names: RFC 3891 3, its to-tag is
 * the local tag (ours: the Replaces was written for us) and its from-tag
 * the remote one; `ip` is our address on the side it came from, and a
 * dialog of another zone is not one the sender can know */
static struct call *replaces_find(struct call_mgr *m, const struct sip_replaces *rp,
				  const char *ip, int *legp)
{
	for (int leg = 0; leg < 2; leg++) {
		struct call *c = call_find(m, &rp->callid, leg);
		const struct dlg *d;

		if (!c)
			continue;
		d = &c->leg[leg];
		if (!d->ltag || !d->rtag || !d->rtag[0] || d->state == DLG_TERMINATED)
			continue;
		if (!pl_eq_str(&rp->to_tag, d->ltag) || !pl_eq_str(&rp->from_tag, d->rtag))
			continue;
		if (strcmp(c->our_ip[leg], ip) != 0)
			continue;
		*legp = leg;
		return c;
	}
	return NULL;
}

/* RFC 3261 19.1.2: everything but unreserved characters escaped, so that
 * the value stays one URI header */
static void pct_encode(struct mbw *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    strchr("-_.!~*'()", ch)) {
			mbw_putc(w, (char)ch);
		} else {
			mbw_putc(w, '%');
			mbw_putc(w, hex[ch >> 4]);
			mbw_putc(w, hex[ch & 15]);
		}
	}
}

/* The Replaces of a Refer-To from leg `leg` of c, for the REFER on the
 * other leg: the named dialog must be one of ours on the referrer's side,
 * and the call it belongs to must have its other leg on the side the
 * REFER goes to.  That leg is written instead, with the tags as its peer
 * will put them in the INVITE it sends to us (the Refer-To target):
 * to-tag ours, from-tag its own.  returns 0 or the status for the REFER. */
static int refer_replaces(struct call *c, int leg, const struct sip_uri *uri, struct mbw *w,
			  const char **why)
{
	char buf[REPLACES_MAX];
	struct sip_replaces rp;
	struct call *c2;
	size_t len;
	int leg2;
	int err = sip_uri_header_get(uri, "Replaces", buf, sizeof(buf), &len);

	if (err == ENOENT)
		return 0;
	struct pl v = pl_make(buf, len);
	if (err || sip_replaces_decode(&rp, &v)) {
		log_info(c->id, "REFER from leg %s: Replaces in Refer-To malformed",
			 leg == LEG_A ? "A" : "B");
		*why = "Malformed Replaces";
		return 400;
	}
	c2 = replaces_find(c->mgr, &rp, c->our_ip[leg], &leg2);
	if (!c2 || strcmp(c2->our_ip[OTHER(leg2)], c->our_ip[OTHER(leg)]) != 0 ||
	    !c2->leg[OTHER(leg2)].rtag || !c2->leg[OTHER(leg2)].rtag[0]) {
		log_info(c->id, "REFER from leg %s: Replaces names no dialog of ours",
			 leg == LEG_A ? "A" : "B");
		*why = "Replaced Dialog Unknown";
		return 400;
	}
	const struct dlg *e = &c2->leg[OTHER(leg2)];
	mbw_puts(w, "?Replaces=");
	pct_encode(w, e->callid);
	mbw_puts(w, "%3Bto-tag%3D");
	pct_encode(w, e->ltag);
	mbw_puts(w, "%3Bfrom-tag%3D");
	pct_encode(w, e->rtag);
	if (rp.early_only)
		mbw_puts(w, "%3Bearly-only");
	log_info(c->id, "REFER: Replaces translated to leg %s of %s", OTHER(leg2) == LEG_A ? "A" : "B",
		 c2->id);
	return 0;
}

/* the user of a URI as it may cross: the escaped user of a SIP URI, or
 * the number of a tel URI without its parameters (a phone-context names
 * the inside) */
static bool uri_user(const struct sip_uri *u, char *buf, size_t size)
{
	struct pl user;

	if (u->scheme == SIP_SCHEME_SIP || u->scheme == SIP_SCHEME_SIPS) {
		user = u->user;
	} else if (u->scheme == SIP_SCHEME_TEL) {
		const char *semi = memchr(u->opaque.p, ';', u->opaque.l);
		user = pl_make(u->opaque.p, semi ? (size_t)(semi - u->opaque.p) : u->opaque.l);
	} else {
		return false;
	}
	if (user.l >= size)
		return false;
	pl_strcpy(&user, buf, size);
	return true;
}

/* the one value of a header that must appear once (RFC 3515 2.4.1) */
static int one_addr(const struct sip_msg *req, enum sip_hdr_id id, struct sip_addr *a)
{
	const struct sip_hdr *h = sip_msg_hdr(req, id);
	struct pl v;
	size_t pos = 0;
	int err;

	if (!h)
		return ENOENT;
	if (sip_msg_hdr_count(req, id) != 1 || !sip_value_next(&h->val, &pos, &v, &err) || err ||
	    pos < h->val.l || sip_addr_decode(a, &v) || a->star)
		return EBADMSG;
	return 0;
}

int call_refer_headers(struct call *c, int leg, const struct sip_msg *req, struct mbw *w,
		       const char **why)
{
	const struct dlg *out = &c->leg[OTHER(leg)];
	char user[REFER_USER_MAX];
	struct sip_addr a;
	int st;

	if (one_addr(req, SIP_HDR_REFER_TO, &a) || !uri_user(&a.uri, user, sizeof(user))) {
		/* RFC 3515 2.4.1: exactly one Refer-To */
		*why = "Bad Refer-To";
		return 400;
	}
	/* the transferee's new INVITE comes to us on its own zone and is
	 * routed by policy like any call; every URI parameter and header of
	 * the referrer's is dropped, a Replaces translated */
	mbw_puts(w, "Refer-To: ");
	if (a.dname.l)
		mbw_printf(w, "%.*s ", PL_FMT(a.dname));
	mbw_printf(w, "<sip:%s%s%s:%u", user, user[0] ? "@" : "", out->via_host, out->via_port);
	st = refer_replaces(c, leg, &a.uri, w, why);
	if (st)
		return st;
	mbw_puts(w, ">\r\n");
	/* RFC 3892: the referrer, by user only, at our address */
	if (one_addr(req, SIP_HDR_REFERRED_BY, &a) == 0 && uri_user(&a.uri, user, sizeof(user)) &&
	    user[0]) {
		mbw_puts(w, "Referred-By: ");
		if (a.dname.l)
			mbw_printf(w, "%.*s ", PL_FMT(a.dname));
		mbw_printf(w, "<sip:%s@%s>\r\n", user, out->via_host);
	}
	/* RFC 4488: whether the referrer wants the NOTIFYs at all */
	const struct sip_hdr *rs = sip_msg_hdr_by_name(req, "Refer-Sub");
	if (rs) {
		struct pl rv = pl_trim(rs->val);
		const char *semi = memchr(rv.p, ';', rv.l);
		struct pl tok = pl_make(rv.p, semi ? (size_t)(semi - rv.p) : rv.l);
		tok = pl_trim(tok);
		if (pl_casecmp_str(&tok, "false"))
			mbw_puts(w, "Refer-Sub: false\r\n");
	}
	return 0;
}

int call_replaces_header(struct call *c, const struct sip_msg *inv, char *buf, size_t size)
{
	struct sip_replaces rp;
	struct call *c2;
	int leg2;
	const struct sip_hdr *h = sip_msg_hdr(inv, SIP_HDR_REPLACES);

	buf[0] = '\0';
	if (!h)
		return 0;
	if (sip_msg_hdr_count(inv, SIP_HDR_REPLACES) != 1 || sip_replaces_decode(&rp, &h->val))
		return 400;
	/* RFC 3891 3: a Replaces that matches no dialog gets 481 */
	c2 = replaces_find(c->mgr, &rp, c->our_ip[LEG_A], &leg2);
	if (!c2 || c2 == c) {
		log_info(c->id, "INVITE with Replaces for no dialog of ours");
		return 481;
	}
	const struct dlg *e = &c2->leg[OTHER(leg2)];
	if (strcmp(c2->our_ip[OTHER(leg2)], c->our_ip[LEG_B]) != 0 || !e->rtag || !e->rtag[0]) {
		/* the replaced call's other side is not where this call goes:
		 * nothing there to replace */
		log_info(c->id, "Replaces names %s, whose other leg is not on leg B's zone: dropped",
			 c2->id);
		return 0;
	}
	/* RFC 3891 3: the tags as the receiver of our INVITE matches them,
	 * its own tag as to-tag */
	int n = snprintf(buf, size, "Replaces: %s;to-tag=%s;from-tag=%s%s\r\n", e->callid, e->rtag,
			 e->ltag, rp.early_only ? ";early-only" : "");
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return 500;	/* a Call-ID longer than any we keep room for */
	}
	log_info(c->id, "Replaces translated to leg %s of %s", OTHER(leg2) == LEG_A ? "A" : "B",
		 c2->id);
	return 0;
}

int call_sipfrag_body(const struct sip_msg *req, char *buf, size_t size)
{
	uint16_t code;
	const char *reason;

	if (sip_sipfrag_status(&req->body, &code))
		return EBADMSG;
	/* RFC 3515 2.4.5: the status line is all the referrer needs; the
	 * header lines of the fragment are the other side's and stay there,
	 * and the reason phrase is ours */
	reason = sip_reason_phrase(code);
	snprintf(buf, size, "SIP/2.0 %u %s\r\n", code, reason ? reason : "Unknown");
	return 0;
}

void call_refer_sent(struct call *c, int from, uint32_t in_cseq, uint32_t out_cseq)
{
	struct refer_sub *s;

	if (!c->refer) {
		c->refer = arena_alloc(&c->ar, CALL_REFER_SUBS * sizeof(*c->refer));
		if (!c->refer)
			return;	/* the NOTIFYs' id then crosses untranslated */
		memset(c->refer, 0, CALL_REFER_SUBS * sizeof(*c->refer));
	}
	s = &c->refer[c->refer_next++ % CALL_REFER_SUBS];
	s->in_cseq = in_cseq;
	s->out_cseq = out_cseq;
	s->from = from;
	s->used = true;
}

void call_refer_event(struct call *c, int leg, const struct sip_msg *notify, struct mbw *w)
{
	const struct sip_hdr *h = sip_msg_hdr(notify, SIP_HDR_EVENT);
	struct pl v, pkg, params = PL_INIT, id;
	uint32_t n;

	if (!h)
		return;
	v = pl_trim(h->val);
	const char *semi = memchr(v.p, ';', v.l);
	pkg = pl_trim(pl_make(v.p, semi ? (size_t)(semi - v.p) : v.l));
	if (semi)
		params = pl_make(semi + 1, (size_t)(v.p + v.l - semi - 1));
	if (!pl_casecmp_str(&pkg, "refer")) {
		sip_build_hdr(w, SIP_HDR_EVENT, &h->val);
		return;
	}
	/* RFC 3515 2.4.6: the id is the CSeq of the REFER, which differs on
	 * each leg */
	mbw_puts(w, "Event: refer");
	if (sip_param_get(&params, "id", &id) && pl_u32(&id, 0xffffffffu, &n) == 0) {
		for (unsigned i = 0; c->refer && i < CALL_REFER_SUBS; i++) {
			const struct refer_sub *s = &c->refer[i];
			if (s->used && s->from == OTHER(leg) && s->out_cseq == n) {
				mbw_printf(w, ";id=%u", s->in_cseq);
				break;
			}
		}
	}
	mbw_puts(w, "\r\n");
}
