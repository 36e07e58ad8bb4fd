#include "dlg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rand.h"
#include "base/sa.h"

/* a name-addr written back without its tag parameter */
static char *addr_without_tag(struct arena *ar, const struct sip_addr *a)
{
	struct mbw w;
	struct mbuf *mb;
	char *s;

	if (mbw_init(&w, a->value.l + 8))
		return NULL;
	if (a->dname.l) {
		mbw_put(&w, a->dname.p, a->dname.l);
		mbw_putc(&w, ' ');
	}
	mbw_putc(&w, '<');
	mbw_put(&w, a->uri_pl.p, a->uri_pl.l);
	mbw_putc(&w, '>');
	size_t pos = 0;
	struct pl n, v;
	while (sip_param_next(&a->params, &pos, &n, &v)) {
		if (pl_casecmp_str(&n, "tag"))
			continue;
		mbw_putc(&w, ';');
		mbw_put(&w, n.p, n.l);
		if (v.l) {
			mbw_putc(&w, '=');
			mbw_put(&w, v.p, v.l);
		}
	}
	if (mbw_finish(&w, &mb))
		return NULL;
	s = arena_strdup(ar, mb->data);
	mbuf_unref(mb);
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void dlg_free(struct dlg *d)
{
	if (d)
		memset(d, 0, sizeof(*d));
}

static void dest_set(struct dlg_dest *d, const struct tp_dest *from)
{
	memset(d, 0, sizeof(*d));
	if (from->addr.ss_family == AF_INET6)
		memcpy(&d->addr.in6, &from->addr, sizeof(d->addr.in6));
	else
		memcpy(&d->addr.in, &from->addr, sizeof(d->addr.in));
	d->tp = (uint8_t)from->tp;
	d->listener = from->listener;
	d->conn_id = from->conn_id;
}

void dlg_dest_get(const struct dlg *d, struct tp_dest *out)
{
	memset(out, 0, sizeof(*out));
	if (d->dest.addr.sa.sa_family == AF_INET6)
		memcpy(&out->addr, &d->dest.addr.in6, sizeof(d->dest.addr.in6));
	else
		memcpy(&out->addr, &d->dest.addr.in, sizeof(d->dest.addr.in));
	out->tp = (enum sip_transport)d->dest.tp;
	out->listener = d->dest.listener;
	out->conn_id = d->dest.conn_id;
}

int dlg_uri_dest(const char *uri, enum sip_transport dflt, struct tp_dest *out)
{
	struct sip_uri u;
	struct pl text = pl_make(uri, strlen(uri));
	struct pl tp;

	if (sip_uri_decode(&u, &text))
		return EBADMSG;
	if (u.host_type == SIP_HOST_NAME)
		return EHOSTUNREACH;	/* no resolver yet: IP literals only */
	memset(out, 0, sizeof(*out));
	if (sa_from_ip(&out->addr, u.host.p, u.host.l, u.port ? u.port : 5060))
		return EHOSTUNREACH;
	out->tp = dflt;
	if (sip_param_get(&u.params, "transport", &tp)) {
		if (pl_casecmp_str(&tp, "tcp"))
			out->tp = SIP_TP_TCP;
		else if (pl_casecmp_str(&tp, "udp"))
			out->tp = SIP_TP_UDP;
		else
			return EPROTONOSUPPORT;
	}
	out->listener = TP_LISTENER_ANY;
	return 0;
}

/* the URI inside the first Route line, for the next hop */
static int first_route_uri(const char *routes, char *buf, size_t size)
{
	const char *lt = strchr(routes, '<'), *gt;

	if (!lt || !(gt = strchr(lt, '>')) || (size_t)(gt - lt - 1) >= size)
		return EBADMSG;
	memcpy(buf, lt + 1, (size_t)(gt - lt - 1));
	buf[gt - lt - 1] = '\0';
	return 0;
}

static int next_hop(struct dlg *d)
{
	char uri[512];
	unsigned listener = d->dest.listener;
	enum sip_transport tp = (enum sip_transport)d->dest.tp;
	struct tp_dest dest;
	int err;

	if (d->routes) {
		err = first_route_uri(d->routes, uri, sizeof(uri));
		if (err)
			return err;
		err = dlg_uri_dest(uri, tp, &dest);
	} else {
		err = dlg_uri_dest(d->target, tp, &dest);
	}
	if (err)
		return err;
	dest.listener = listener;
	dest_set(&d->dest, &dest);
	return 0;
}

/* Route lines from every value of every Record-Route header, in order or
 * reversed (RFC 3261 12.1.1 and 12.1.2) */
static char *route_set(struct arena *ar, const struct sip_msg *m, bool reverse)
{
	struct pl vals[SIP_MAX_VALUES];
	unsigned n = 0;
	struct mbw w;
	struct mbuf *mb;
	char *s;

	for (const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_RECORD_ROUTE); h;
	     h = sip_msg_hdr_next(m, h)) {
		size_t pos = 0;
		int err;
		while (n < SIP_MAX_VALUES && sip_value_next(&h->val, &pos, &vals[n], &err))
			n++;
	}
	if (!n || mbw_init(&w, 256))
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		const struct pl *v = &vals[reverse ? n - 1 - i : i];
		sip_build_hdr(&w, SIP_HDR_ROUTE, v);
	}
	if (mbw_finish(&w, &mb))
		return NULL;
	s = arena_strdup(ar, mb->data);
	mbuf_unref(mb);
	return s;
}

static char *contact_uri(struct arena *ar, const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CONTACT);
	struct sip_addr a;
	struct pl v;
	size_t pos = 0;
	int err;

	if (!h || !sip_value_next(&h->val, &pos, &v, &err) || sip_addr_decode(&a, &v) || a.star)
		return NULL;
	return arena_pldup(ar, &a.uri_pl);
}

static int new_tag(struct arena *ar, char **tagp)
{
	char tag[17];
	int err = rand_token(tag, 16);

	if (err)
		return err;
	*tagp = arena_strndup(ar, tag, 16);
	return *tagp ? 0 : ENOMEM;
}

int dlg_from_invite(struct dlg *d, struct arena *ar, const struct sip_msg *inv,
		    const char *contact, const char *via_host, uint16_t via_port,
		    const struct tp_dest *reply)
{
	uint32_t start;
	int err;

	memset(d, 0, sizeof(*d));
	d->ar = ar;
	d->uas = true;
	d->state = DLG_EARLY;
	d->callid = arena_pldup(ar, &inv->callid);
	d->rtag = arena_pldup(ar, &inv->from.tag);
	d->luri = addr_without_tag(ar, &inv->to);
	d->ruri = addr_without_tag(ar, &inv->from);
	d->target = contact_uri(ar, inv);
	d->routes = route_set(ar, inv, false);
	d->contact = arena_strdup(ar, contact);
	d->rcseq = inv->cseq.num;
	d->rcseq_set = true;
	d->via_host = arena_strdup(ar, via_host);
	d->via_port = via_port;
	if (rand_small(&start, sizeof(start)))
		start = 1;
	d->lcseq = start & 0x3fffffff;	/* room to count up below 2**31 */
	err = new_tag(ar, &d->ltag);
	if (!err && (!d->callid || !d->rtag || !d->luri || !d->ruri || !d->contact || !d->via_host))
		err = ENOMEM;
	if (!err && !d->target)
		err = EBADMSG;		/* RFC 3261 8.1.1.8: an INVITE has a Contact */
	if (!err) {
		struct tp_dest r = *reply;
		r.conn_id = 0;
		dest_set(&d->dest, &r);
		if (next_hop(d)) {
			/* a target we cannot resolve: answer where the INVITE came from */
			dest_set(&d->dest, reply);
		}
	}
	if (err)
		dlg_free(d);
	return err;
}

int dlg_new_uac(struct dlg *d, struct arena *ar, const char *luri, const char *ruri,
		const char *target, const char *contact, const char *via_host, uint16_t via_port,
		const struct tp_dest *dest)
{
	char callid[33];
	uint32_t start;
	int err;

	memset(d, 0, sizeof(*d));
	d->ar = ar;
	d->state = DLG_INIT;
	err = rand_token(callid, 32);
	if (err)
		return err;
	d->callid = arena_strndup(ar, callid, 32);
	d->luri = arena_strdup(ar, luri);
	d->ruri = arena_strdup(ar, ruri);
	d->target = arena_strdup(ar, target);
	d->contact = arena_strdup(ar, contact);
	d->via_host = arena_strdup(ar, via_host);
	d->via_port = via_port;
	dest_set(&d->dest, dest);
	if (rand_small(&start, sizeof(start)))
		start = 1;
	d->lcseq = start & 0x3fffffff;
	err = new_tag(ar, &d->ltag);
	if (!err && (!d->callid || !d->luri || !d->ruri || !d->target || !d->contact ||
		     !d->via_host))
		err = ENOMEM;
	if (err)
		dlg_free(d);
	return err;
}

int dlg_uac_response(struct dlg *d, const struct sip_msg *resp)
{
	bool final2xx = resp->scode >= 200 && resp->scode < 300;
	char buf[512], *routes, *target;
	struct arena tmp;

	if (!resp->to.tag.l)
		return 0;
	if (d->rtag) {
		if (resp->to.tag.l != strlen(d->rtag) || memcmp(resp->to.tag.p, d->rtag, resp->to.tag.l))
			return EEXIST;
		if (d->state == DLG_CONFIRMED || !final2xx)
			return 0;
	} else {
		d->rtag = arena_pldup(d->ar, &resp->to.tag);
		if (!d->rtag)
			return ENOMEM;
	}
	/* RFC 3261 12.1.2: the route set and target come from the response
	 * that creates (or, for a 2xx, confirms) the dialog.  Read into a
	 * scratch arena first: the dialog's own arena never gives bytes back,
	 * so it gets a copy only of what changed (a 2xx usually repeats the
	 * 18x's Contact) */
	arena_init(&tmp, buf, sizeof(buf));
	routes = route_set(&tmp, resp, true);
	target = contact_uri(&tmp, resp);
	if (!same_str(routes, d->routes))
		d->routes = arena_strdup(d->ar, routes);
	if (target && !same_str(target, d->target) && (target = arena_strdup(d->ar, target)))
		d->target = target;
	arena_release(&tmp);
	d->state = final2xx ? DLG_CONFIRMED : DLG_EARLY;
	return next_hop(d) == 0 ? 0 : EHOSTUNREACH;
}

int dlg_build_request(struct mbuf **mbp, struct dlg *d, enum sip_method method, uint32_t cseq,
		      bool with_contact, const char *extra, const struct pl *ctype,
		      const struct pl *body, char *branch_out, size_t branch_size)
{
	char rnd[21];
	struct mbw w;
	const char *name = sip_method_name(method);
	int err;

	if (!name)
		return EINVAL;
	err = rand_token(rnd, 20);
	if (err)
		return err;
	if (branch_size < sizeof("z9hG4bK") + 20)
		return EINVAL;
	memcpy(branch_out, "z9hG4bK", 7);
	memcpy(branch_out + 7, rnd, 21);
	if (!cseq)
		cseq = ++d->lcseq;
	err = mbw_init(&w, 768 + (body ? body->l : 0));
	if (err)
		return err;
	/* written piece by piece: a request per message sent, no formatting */
	mbw_puts(&w, name);
	mbw_putc(&w, ' ');
	mbw_puts(&w, d->target);
	mbw_lit(&w, " SIP/2.0\r\nVia: SIP/2.0/");
	mbw_puts(&w, sip_transport_name((enum sip_transport)d->dest.tp));
	mbw_putc(&w, ' ');
	mbw_puts(&w, d->via_host);
	mbw_putc(&w, ':');
	mbw_u32(&w, d->via_port);
	mbw_lit(&w, ";branch=");
	mbw_puts(&w, branch_out);
	mbw_lit(&w, ";rport\r\nMax-Forwards: 70\r\nFrom: ");
	mbw_puts(&w, d->luri);
	mbw_lit(&w, ";tag=");
	mbw_puts(&w, d->ltag);
	mbw_lit(&w, "\r\nTo: ");
	mbw_puts(&w, d->ruri);
	if (d->rtag && d->rtag[0]) {
		mbw_lit(&w, ";tag=");
		mbw_puts(&w, d->rtag);
	}
	mbw_lit(&w, "\r\nCall-ID: ");
	mbw_puts(&w, d->callid);
	mbw_lit(&w, "\r\nCSeq: ");
	mbw_u32(&w, cseq);
	mbw_putc(&w, ' ');
	mbw_puts(&w, name);
	mbw_lit(&w, "\r\n");
	if (d->routes)
		mbw_puts(&w, d->routes);
	if (with_contact) {
		struct pl v = pl_make(d->contact, strlen(d->contact));

		sip_build_hdr(&w, SIP_HDR_CONTACT, &v);
	}
	if (extra)
		mbw_puts(&w, extra);
	sip_build_body(&w, ctype, body);
	return mbw_finish(&w, mbp);
}

int dlg_build_ack(struct mbuf **mbp, struct dlg *d, uint32_t invite_cseq,
		  const struct pl *ctype, const struct pl *body)
{
	char branch[40];

	return dlg_build_request(mbp, d, SIP_METHOD_ACK, invite_cseq, false, NULL, ctype, body,
				 branch, sizeof(branch));
}

bool dlg_match_request(const struct dlg *d, const struct sip_msg *req)
{
	/* RFC 3261 12.2.2: Call-ID, our tag in To, their tag in From */
	if (!d->callid || !d->ltag || !d->rtag)
		return false;
	return pl_eq_str(&req->callid, d->callid) && pl_eq_str(&req->to.tag, d->ltag) &&
	       pl_eq_str(&req->from.tag, d->rtag);
}
