/* Finding the transaction a message belongs to.
 *
 * Server side, RFC 3261 17.2.3: a top Via branch with the magic cookie is
 * looked up in a hash table by branch, then sent-by and method are
 * compared (ACK matches INVITE).  A request without a cookie branch falls
 * back to the RFC 2543 rules on a plain list: those peers are rare.
 *
 * Client side, RFC 3261 17.1.3: top Via branch and CSeq method.
 */
#include <errno.h>
#include <stdlib.h>

#include "tsx/tsx_priv.h"

int tsx_htab_init(struct tsx_htab *h)
{
	h->b = calloc(TSX_HTAB_MIN, sizeof(*h->b));
	if (!h->b)
		return ENOMEM;
	h->nb = TSX_HTAB_MIN;
	h->n = 0;
	return 0;
}

void tsx_htab_free(struct tsx_htab *h)
{
	free(h->b);
	h->b = NULL;
	h->nb = h->n = 0;
}

/* FNV-1a from a random basis, then a 64-bit finaliser: the far end picks
 * the branch, so the bucket must not be predictable from it alone. */
static uint64_t branch_hash(uint64_t seed, const struct pl *b)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < b->l; i++) {
		h ^= (unsigned char)b->p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static size_t bucket(const struct tsx_layer *l, const struct tsx_htab *h, const struct pl *branch)
{
	return (size_t)(branch_hash(l->seed, branch) & (h->nb - 1));
}

static void htab_grow(struct tsx_layer *l, struct tsx_htab *h)
{
	size_t nb = h->nb * 2, i;
	struct tsx **b = calloc(nb, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (i = 0; i < h->nb; i++) {
		struct tsx *t = h->b[i];

		while (t) {
			struct tsx *next = t->hnext;
			size_t k = (size_t)(branch_hash(l->seed, &t->key.branch) & (nb - 1));

			t->hnext = b[k];
			b[k] = t;
			t = next;
		}
	}
	free(h->b);
	h->b = b;
	h->nb = nb;
}

static struct tsx_htab *table_of(struct tsx *t)
{
	if (t->kind == TSX_ICT || t->kind == TSX_NICT)
		return &t->l->cli;
	return t->rfc2543 ? NULL : &t->l->srv;
}

int tsx_link(struct tsx *t)
{
	struct tsx_layer *l = t->l;
	struct tsx_htab *h = table_of(t);
	size_t k;

	if (t->hashed)
		return 0;
	if (!h) {
		t->hnext = l->srv2543;
		l->srv2543 = t;
	} else {
		if (h->n >= h->nb)
			htab_grow(l, h);
		k = bucket(l, h, &t->key.branch);
		t->hnext = h->b[k];
		h->b[k] = t;
		h->n++;
	}
	t->hashed = true;
	return 0;
}

void tsx_unlink(struct tsx *t)
{
	struct tsx_htab *h;
	struct tsx **pp;

	if (!t->hashed)
		return;
	h = table_of(t);
	pp = h ? &h->b[bucket(t->l, h, &t->key.branch)] : &t->l->srv2543;
	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	if (h)
		h->n--;
	t->hnext = NULL;
	t->hashed = false;
}

/* Fills key with views into req (tsx_alloc copies them). */
int tsx_key_from_req(struct tsx_key *key, const struct sip_msg *req, bool *rfc2543)
{
	if (!req->req || !pl_isset(&req->via.host) || !pl_isset(&req->cseq.method_pl))
		return EINVAL;

	*key = (struct tsx_key){ .method = req->method, .method_name = req->method_pl };
	key->host = req->via.host;
	key->port = req->via.port;
	*rfc2543 = !tsx_is_cookie_branch(&req->via.branch);
	if (!*rfc2543) {
		key->branch = req->via.branch;
		return 0;
	}
	key->via_tp = req->via.tp;
	key->via_params = req->via.params;
	key->ruri = req->ruri_pl;
	key->from_tag = req->from.tag;
	key->to_tag = req->to.tag;
	key->callid = req->callid;
	key->cseq = req->cseq.num;
	return 0;
}

bool tsx_method_eq(const struct tsx_key *k, enum sip_method m, const struct pl *name)
{
	if (k->method != m)
		return false;
	return m != SIP_METHOD_UNKNOWN || pl_eq(&k->method_name, name);
}

static bool sent_by_eq(const struct tsx *t, const struct sip_via *via)
{
	return t->key.port == via->port && pl_casecmp_eq(&t->key.host, &via->host);
}

/* RFC 3261 17.2.3, the RFC 2543 rules.  The Request-URI is compared as
 * text: a retransmission carries the same bytes. */
static bool match_2543(const struct tsx *t, const struct sip_msg *req, bool as_invite)
{
	const struct tsx_key *k = &t->key;
	const struct pl *totag;

	if (k->cseq != req->cseq.num || !pl_eq(&k->callid, &req->callid) ||
	    !pl_eq(&k->from_tag, &req->from.tag) || !pl_eq(&k->ruri, &req->ruri_pl) ||
	    k->via_tp != req->via.tp || !sent_by_eq(t, &req->via) ||
	    !pl_casecmp_eq(&k->via_params, &req->via.params))
		return false;

	if (req->method == SIP_METHOD_ACK && !as_invite) {
		if (t->kind != TSX_IST)
			return false;
		/* the To tag of the response we sent */
		totag = pl_isset(&t->resp_totag) ? &t->resp_totag : &k->to_tag;
		return pl_eq(totag, &req->to.tag);
	}
	if (as_invite)
		return t->kind == TSX_IST && pl_eq(&k->to_tag, &req->to.tag);
	return tsx_method_eq(k, req->method, &req->method_pl) && pl_eq(&k->to_tag, &req->to.tag);
}

/* as_invite: match req (a CANCEL) as if its method were INVITE (9.2) */
struct tsx *tsx_match_server(struct tsx_layer *l, const struct sip_msg *req, bool as_invite)
{
	const struct pl *branch = &req->via.branch;
	enum sip_method m = req->method;
	struct pl name = req->method_pl;
	struct tsx *t;

	if (as_invite || m == SIP_METHOD_ACK) {
		m = SIP_METHOD_INVITE;
		name = PL("INVITE");
	}

	if (tsx_is_cookie_branch(branch)) {
		for (t = l->srv.b[bucket(l, &l->srv, branch)]; t; t = t->hnext) {
			if (tsx_method_eq(&t->key, m, &name) && pl_eq(&t->key.branch, branch) &&
			    sent_by_eq(t, &req->via))
				return t;
		}
		return NULL;
	}
	for (t = l->srv2543; t; t = t->hnext) {
		if (match_2543(t, req, as_invite))
			return t;
	}
	return NULL;
}

struct tsx *tsx_find_client(struct tsx_layer *l, const struct pl *branch, enum sip_method method,
			    const struct pl *method_name)
{
	struct tsx *t;

	if (!branch->l)
		return NULL;
	for (t = l->cli.b[bucket(l, &l->cli, branch)]; t; t = t->hnext) {
		if (tsx_method_eq(&t->key, method, method_name) && pl_eq(&t->key.branch, branch))
			return t;
	}
	return NULL;
}

struct tsx *tsx_match_client(struct tsx_layer *l, const struct sip_msg *resp)
{
	return tsx_find_client(l, &resp->via.branch, resp->cseq.method, &resp->cseq.method_pl);
}
