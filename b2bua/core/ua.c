#include "ua.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static uint16_t set(struct ua_verdict *v, uint16_t status, const char *reason)
{
	v->status = status;
	v->reason = reason;
	return status;
}

static void extra_add(struct ua_verdict *v, const char *name, const char *value)
{
	size_t used = strlen(v->extra);

	snprintf(v->extra + used, sizeof(v->extra) - used, "%s: %s\r\n", name, value);
}

/* Appends to buf the option tags of header id that we do not support. */
static bool unsupported_tags(const struct sip_msg *req, enum sip_hdr_id id, char *buf, size_t size)
{
	const struct pl supported = PL(UA_SUPPORTED);
	bool found = false;

	for (const struct sip_hdr *h = sip_msg_hdr(req, id); h; h = sip_msg_hdr_next(req, h)) {
		size_t pos = 0, used;
		struct pl tag;
		int err;

		while (sip_value_next(&h->val, &pos, &tag, &err)) {
			char one[128];
			pl_strcpy(&tag, one, sizeof(one));
			if (supported.l && sip_token_list_has(&supported, one))
				continue;
			used = strlen(buf);
			snprintf(buf + used, size - used, "%s%s", used ? ", " : "", one);
			found = true;
		}
	}
	return found;
}

/* media types: type/subtype without parameters, case-insensitive */
static bool ctype_is(const struct pl *ct, const char *type)
{
	size_t n = strlen(type);

	if (ct->l < n || strncasecmp(ct->p, type, n) != 0)
		return false;
	return ct->l == n || ct->p[n] == ';' || ct->p[n] == ' ' || ct->p[n] == '\t';
}

static bool accepts_sdp(const struct sip_msg *req)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_ACCEPT);

	if (!h)
		return true;		/* RFC 3261 20.1: absent means application/sdp */
	for (; h; h = sip_msg_hdr_next(req, h)) {
		size_t pos = 0;
		struct pl v;
		int err;
		if (h->val.l == 0)
			return true;
		while (sip_value_next(&h->val, &pos, &v, &err)) {
			if (ctype_is(&v, "application/sdp") || ctype_is(&v, "application/*") ||
			    ctype_is(&v, "*/*"))
				return true;
		}
	}
	return false;
}

static bool method_has_session_body(enum sip_method m)
{
	return m == SIP_METHOD_INVITE || m == SIP_METHOD_UPDATE || m == SIP_METHOD_PRACK ||
	       m == SIP_METHOD_ACK;
}

static bool contacts_valid(const struct sip_msg *req)
{
	/* RFC 3261 10.2.2: "*" is a REGISTER's alone */
	bool star_ok = req->method == SIP_METHOD_REGISTER;

	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_CONTACT); h;
	     h = sip_msg_hdr_next(req, h)) {
		size_t pos = 0;
		struct pl v;
		struct sip_addr a;
		int err;
		unsigned n = 0;
		while (sip_value_next(&h->val, &pos, &v, &err)) {
			if (err || sip_addr_decode(&a, &v) || ++n > SIP_MAX_VALUES)
				return false;
			if (a.star && !star_ok)
				return false;
		}
		if (err || n == 0)
			return false;
	}
	return true;
}

/* RFC 3261 20.17: the Date header is always GMT */
static bool date_valid(const struct sip_msg *req)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_DATE);

	if (!h)
		return true;
	return h->val.l > 4 && memcmp(h->val.p + h->val.l - 4, " GMT", 4) == 0;
}

uint16_t ua_check_request(const struct sip_msg *req, struct ua_verdict *v)
{
	char tags[256] = "";

	memset(v, 0, sizeof(*v));
	if (req->bad.status) {
		if (req->bad.status == 501)
			extra_add(v, "Allow", UA_ALLOW);
		return set(v, req->bad.status, req->bad.reason);
	}
	/* RFC 3261 8.2.1: an unknown method gets 501 with Allow */
	if (req->method == SIP_METHOD_UNKNOWN) {
		extra_add(v, "Allow", UA_ALLOW);
		return set(v, 501, NULL);
	}
	if (!contacts_valid(req))
		return set(v, 400, "Malformed Contact Header");
	if (!date_valid(req))
		return set(v, 400, "Malformed Date Header");
	/* 8.2.2.1: Request-URI schemes we can route */
	if (req->ruri.scheme != SIP_SCHEME_SIP && req->ruri.scheme != SIP_SCHEME_SIPS &&
	    req->ruri.scheme != SIP_SCHEME_TEL)
		return set(v, 416, NULL);
	/* Max-Forwards: we forward every request but OPTIONS, which we answer */
	if (req->has_max_forwards && req->max_forwards == 0 &&
	    req->method != SIP_METHOD_OPTIONS && req->method != SIP_METHOD_ACK)
		return set(v, 483, NULL);
	/* 8.2.2.3: Require (and Proxy-Require: we act as the UAS) */
	if (req->method != SIP_METHOD_ACK && req->method != SIP_METHOD_CANCEL) {
		bool a = unsupported_tags(req, SIP_HDR_REQUIRE, tags, sizeof(tags));
		bool b = unsupported_tags(req, SIP_HDR_PROXY_REQUIRE, tags, sizeof(tags));
		if (a || b) {
			extra_add(v, "Unsupported", tags);
			return set(v, 420, NULL);
		}
	}
	/* 8.2.3: bodies we would have to understand */
	if (method_has_session_body(req->method) && req->body.l) {
		if (!ctype_is(&req->ctype, "application/sdp") &&
		    !ctype_is(&req->ctype, "multipart/mixed") &&
		    !ctype_is(&req->ctype, "multipart/alternative")) {
			extra_add(v, "Accept", UA_ACCEPT);
			return set(v, 415, NULL);
		}
		const struct sip_hdr *ce = sip_msg_hdr(req, SIP_HDR_CONTENT_ENCODING);
		if (ce && ce->val.l && !pl_casecmp_str(&ce->val, "identity")) {
			extra_add(v, "Accept-Encoding", "identity");
			return set(v, 415, NULL);
		}
	}
	if (req->method == SIP_METHOD_INVITE && !accepts_sdp(req)) {
		extra_add(v, "Accept", UA_ACCEPT);
		return set(v, 406, NULL);
	}
	return 0;
}

uint16_t ua_answer_out_of_dialog(const struct sip_msg *req, struct ua_verdict *v)
{
	memset(v, 0, sizeof(*v));
	switch (req->method) {
	case SIP_METHOD_OPTIONS:
		extra_add(v, "Allow", UA_ALLOW);
		extra_add(v, "Accept", UA_ACCEPT);
		extra_add(v, "Supported", UA_SUPPORTED);
		return set(v, 200, NULL);
	case SIP_METHOD_ACK:
		return set(v, 0, NULL);
	case SIP_METHOD_INVITE:
		/* no trunk is configured for any source until the policy
		 * database lands: the answer to an unknown source */
		return set(v, 403, "No Trunk For This Source");
	case SIP_METHOD_BYE:
	case SIP_METHOD_CANCEL:
	case SIP_METHOD_PRACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
	case SIP_METHOD_NOTIFY:
		/* these presuppose a dialog, a transaction or a subscription */
		return set(v, 481, NULL);
	default:
		break;
	}
	if (req->to.tag.p)
		return set(v, 481, NULL);
	/* RFC 3261 21.4.6: Allow lists what is allowed here, outside a dialog */
	extra_add(v, "Allow", UA_ALLOW_OUT_OF_DIALOG);
	return set(v, 405, NULL);
}

uint16_t ua_verdict(const struct sip_msg *req, struct ua_verdict *v)
{
	if (req->method == SIP_METHOD_ACK && !req->bad.status) {
		memset(v, 0, sizeof(*v));
		return 0;
	}
	if (ua_check_request(req, v))
		return v->status;
	return ua_answer_out_of_dialog(req, v);
}

bool ua_check_response(const struct sip_msg *resp, const char **why)
{
	const char *dummy;
	unsigned vias = 0;

	if (!why)
		why = &dummy;
	if (resp->bad.status) {
		*why = resp->bad.reason;
		return false;
	}
	for (const struct sip_hdr *h = sip_msg_hdr(resp, SIP_HDR_VIA); h;
	     h = sip_msg_hdr_next(resp, h)) {
		size_t pos = 0;
		struct pl v;
		int err;
		while (sip_value_next(&h->val, &pos, &v, &err))
			vias++;
	}
	/* 8.1.3.3: a UAC discards a response with more than one Via */
	if (vias != 1) {
		*why = "More Than One Via In Response";
		return false;
	}
	return true;
}

bool ua_can_answer(const struct sip_msg *req)
{
	return req->req && req->via.host.p != NULL;
}
