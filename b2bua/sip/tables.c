/* Names: header names to ids, methods, transports, reason phrases. */
#include <string.h>

#include "sip_priv.h"

struct hdr_name {
	const char *name;
	uint8_t len;
	uint8_t id;
};

#define HN(s, id) { s, sizeof(s) - 1, id }

/* Full names in lower case. */
static const struct hdr_name hdr_names[] = {
	HN("accept", SIP_HDR_ACCEPT),
	HN("accept-encoding", SIP_HDR_ACCEPT_ENCODING),
	HN("accept-language", SIP_HDR_ACCEPT_LANGUAGE),
	HN("alert-info", SIP_HDR_ALERT_INFO),
	HN("allow", SIP_HDR_ALLOW),
	HN("allow-events", SIP_HDR_ALLOW_EVENTS),
	HN("authorization", SIP_HDR_AUTHORIZATION),
	HN("call-id", SIP_HDR_CALL_ID),
	HN("call-info", SIP_HDR_CALL_INFO),
	HN("contact", SIP_HDR_CONTACT),
	HN("content-disposition", SIP_HDR_CONTENT_DISPOSITION),
	HN("content-encoding", SIP_HDR_CONTENT_ENCODING),
	HN("content-language", SIP_HDR_CONTENT_LANGUAGE),
	HN("content-length", SIP_HDR_CONTENT_LENGTH),
	HN("content-type", SIP_HDR_CONTENT_TYPE),
	HN("cseq", SIP_HDR_CSEQ),
	HN("date", SIP_HDR_DATE),
	HN("error-info", SIP_HDR_ERROR_INFO),
	HN("event", SIP_HDR_EVENT),
	HN("expires", SIP_HDR_EXPIRES),
	HN("from", SIP_HDR_FROM),
	HN("in-reply-to", SIP_HDR_IN_REPLY_TO),
	HN("max-forwards", SIP_HDR_MAX_FORWARDS),
	HN("mime-version", SIP_HDR_MIME_VERSION),
	HN("min-expires", SIP_HDR_MIN_EXPIRES),
	HN("min-se", SIP_HDR_MIN_SE),
	HN("organization", SIP_HDR_ORGANIZATION),
	HN("p-asserted-identity", SIP_HDR_P_ASSERTED_IDENTITY),
	HN("p-preferred-identity", SIP_HDR_P_PREFERRED_IDENTITY),
	HN("priority", SIP_HDR_PRIORITY),
	HN("privacy", SIP_HDR_PRIVACY),
	HN("proxy-authenticate", SIP_HDR_PROXY_AUTHENTICATE),
	HN("proxy-authorization", SIP_HDR_PROXY_AUTHORIZATION),
	HN("proxy-require", SIP_HDR_PROXY_REQUIRE),
	HN("rack", SIP_HDR_RACK),
	HN("reason", SIP_HDR_REASON),
	HN("record-route", SIP_HDR_RECORD_ROUTE),
	HN("refer-to", SIP_HDR_REFER_TO),
	HN("referred-by", SIP_HDR_REFERRED_BY),
	HN("replaces", SIP_HDR_REPLACES),
	HN("reply-to", SIP_HDR_REPLY_TO),
	HN("require", SIP_HDR_REQUIRE),
	HN("retry-after", SIP_HDR_RETRY_AFTER),
	HN("route", SIP_HDR_ROUTE),
	HN("rseq", SIP_HDR_RSEQ),
	HN("server", SIP_HDR_SERVER),
	HN("session-expires", SIP_HDR_SESSION_EXPIRES),
	HN("subject", SIP_HDR_SUBJECT),
	HN("subscription-state", SIP_HDR_SUBSCRIPTION_STATE),
	HN("supported", SIP_HDR_SUPPORTED),
	HN("target-dialog", SIP_HDR_TARGET_DIALOG),
	HN("timestamp", SIP_HDR_TIMESTAMP),
	HN("to", SIP_HDR_TO),
	HN("unsupported", SIP_HDR_UNSUPPORTED),
	HN("user-agent", SIP_HDR_USER_AGENT),
	HN("via", SIP_HDR_VIA),
	HN("warning", SIP_HDR_WARNING),
	HN("www-authenticate", SIP_HDR_WWW_AUTHENTICATE),
};

/* Canonical spelling used when we write a header. */
static const char *const hdr_canon[SIP_HDR_COUNT] = {
	[SIP_HDR_ACCEPT] = "Accept",
	[SIP_HDR_ACCEPT_ENCODING] = "Accept-Encoding",
	[SIP_HDR_ACCEPT_LANGUAGE] = "Accept-Language",
	[SIP_HDR_ALERT_INFO] = "Alert-Info",
	[SIP_HDR_ALLOW] = "Allow",
	[SIP_HDR_ALLOW_EVENTS] = "Allow-Events",
	[SIP_HDR_AUTHORIZATION] = "Authorization",
	[SIP_HDR_CALL_ID] = "Call-ID",
	[SIP_HDR_CALL_INFO] = "Call-Info",
	[SIP_HDR_CONTACT] = "Contact",
	[SIP_HDR_CONTENT_DISPOSITION] = "Content-Disposition",
	[SIP_HDR_CONTENT_ENCODING] = "Content-Encoding",
	[SIP_HDR_CONTENT_LANGUAGE] = "Content-Language",
	[SIP_HDR_CONTENT_LENGTH] = "Content-Length",
	[SIP_HDR_CONTENT_TYPE] = "Content-Type",
	[SIP_HDR_CSEQ] = "CSeq",
	[SIP_HDR_DATE] = "Date",
	[SIP_HDR_ERROR_INFO] = "Error-Info",
	[SIP_HDR_EVENT] = "Event",
	[SIP_HDR_EXPIRES] = "Expires",
	[SIP_HDR_FROM] = "From",
	[SIP_HDR_IN_REPLY_TO] = "In-Reply-To",
	[SIP_HDR_MAX_FORWARDS] = "Max-Forwards",
	[SIP_HDR_MIME_VERSION] = "MIME-Version",
	[SIP_HDR_MIN_EXPIRES] = "Min-Expires",
	[SIP_HDR_MIN_SE] = "Min-SE",
	[SIP_HDR_ORGANIZATION] = "Organization",
	[SIP_HDR_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
	[SIP_HDR_P_PREFERRED_IDENTITY] = "P-Preferred-Identity",
	[SIP_HDR_PRIORITY] = "Priority",
	[SIP_HDR_PRIVACY] = "Privacy",
	[SIP_HDR_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
	[SIP_HDR_PROXY_AUTHORIZATION] = "Proxy-Authorization",
	[SIP_HDR_PROXY_REQUIRE] = "Proxy-Require",
	[SIP_HDR_RACK] = "RAck",
	[SIP_HDR_REASON] = "Reason",
	[SIP_HDR_RECORD_ROUTE] = "Record-Route",
	[SIP_HDR_REFER_TO] = "Refer-To",
	[SIP_HDR_REFERRED_BY] = "Referred-By",
	[SIP_HDR_REPLACES] = "Replaces",
	[SIP_HDR_REPLY_TO] = "Reply-To",
	[SIP_HDR_REQUIRE] = "Require",
	[SIP_HDR_RETRY_AFTER] = "Retry-After",
	[SIP_HDR_ROUTE] = "Route",
	[SIP_HDR_RSEQ] = "RSeq",
	[SIP_HDR_SERVER] = "Server",
	[SIP_HDR_SESSION_EXPIRES] = "Session-Expires",
	[SIP_HDR_SUBJECT] = "Subject",
	[SIP_HDR_SUBSCRIPTION_STATE] = "Subscription-State",
	[SIP_HDR_SUPPORTED] = "Supported",
	[SIP_HDR_TARGET_DIALOG] = "Target-Dialog",
	[SIP_HDR_TIMESTAMP] = "Timestamp",
	[SIP_HDR_TO] = "To",
	[SIP_HDR_UNSUPPORTED] = "Unsupported",
	[SIP_HDR_USER_AGENT] = "User-Agent",
	[SIP_HDR_VIA] = "Via",
	[SIP_HDR_WARNING] = "Warning",
	[SIP_HDR_WWW_AUTHENTICATE] = "WWW-Authenticate",
};

/* RFC 3261 7.3.3 compact forms, plus RFC 3515 (r), RFC 3892 (b),
 * RFC 3265 (o, u), RFC 4028 (x) */
static const uint8_t hdr_compact[26] = {
	['b' - 'a'] = SIP_HDR_REFERRED_BY,
	['c' - 'a'] = SIP_HDR_CONTENT_TYPE,
	['e' - 'a'] = SIP_HDR_CONTENT_ENCODING,
	['f' - 'a'] = SIP_HDR_FROM,
	['i' - 'a'] = SIP_HDR_CALL_ID,
	['k' - 'a'] = SIP_HDR_SUPPORTED,
	['l' - 'a'] = SIP_HDR_CONTENT_LENGTH,
	['m' - 'a'] = SIP_HDR_CONTACT,
	['o' - 'a'] = SIP_HDR_EVENT,
	['r' - 'a'] = SIP_HDR_REFER_TO,
	['s' - 'a'] = SIP_HDR_SUBJECT,
	['t' - 'a'] = SIP_HDR_TO,
	['u' - 'a'] = SIP_HDR_ALLOW_EVENTS,
	['v' - 'a'] = SIP_HDR_VIA,
	['x' - 'a'] = SIP_HDR_SESSION_EXPIRES,
};

/* Open-addressing table over hdr_names, keyed by length and the first and
 * last letters (their 0x20 bit set, so that either case hashes alike);
 * built once at start, read-only afterwards. */
#define HDR_HASH_SIZE 256u
static uint8_t hdr_hash[HDR_HASH_SIZE];	/* index + 1 into hdr_names, 0 empty */

static inline unsigned hdr_hash_key(const char *name, size_t len)
{
	return ((unsigned)len * 31u + ((unsigned char)name[0] | 0x20u) * 7u +
		((unsigned char)name[len - 1] | 0x20u)) & (HDR_HASH_SIZE - 1);
}

__attribute__((constructor)) static void build_index(void)
{
	for (unsigned i = 0; i < sizeof(hdr_names) / sizeof(hdr_names[0]); i++) {
		unsigned k = hdr_hash_key(hdr_names[i].name, hdr_names[i].len);
		while (hdr_hash[k])
			k = (k + 1) & (HDR_HASH_SIZE - 1);
		hdr_hash[k] = (uint8_t)(i + 1);
	}
}

/* A name against a table name, several bytes at a time.  Table names are
 * lower-case letters and '-': a letter has its 0x40 bit set and '-' has
 * not, so (t & 0x40..) >> 1 is the 0x20 bit, at the letters only, that
 * the name may have either way. */
static inline bool eq8(const char *p, const char *t)
{
	uint64_t a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, t, sizeof(b));
	return (a | ((b & UINT64_C(0x4040404040404040)) >> 1)) == b;
}

static inline bool eq4(const char *p, const char *t)
{
	uint32_t a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, t, sizeof(b));
	return (a | ((b & UINT32_C(0x40404040)) >> 1)) == b;
}

static inline bool eq2(const char *p, const char *t)
{
	uint16_t a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, t, sizeof(b));
	return (uint16_t)(a | ((b & 0x4040u) >> 1)) == b;
}

/* len >= 2 bytes; the last comparison overlaps the one before it */
static bool name_eq(const char *p, const char *t, size_t len)
{
	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			if (!eq8(p + i, t + i))
				return false;
		}
		return eq8(p + len - 8, t + len - 8);
	}
	if (len >= 4)
		return eq4(p, t) && eq4(p + len - 4, t + len - 4);
	return eq2(p, t) && eq2(p + len - 2, t + len - 2);
}

enum sip_hdr_id sip_hdr_lookup(const char *name, size_t len)
{
	unsigned c, k;

	if (len == 0)
		return SIP_HDR_OTHER;
	if (len == 1) {
		c = lc((unsigned char)name[0]);
		return (c >= 'a' && c <= 'z') ? (enum sip_hdr_id)hdr_compact[c - 'a'] : SIP_HDR_OTHER;
	}
	for (k = hdr_hash_key(name, len); hdr_hash[k]; k = (k + 1) & (HDR_HASH_SIZE - 1)) {
		const struct hdr_name *h = &hdr_names[hdr_hash[k] - 1];

		if (h->len == len && name_eq(name, h->name, len))
			return (enum sip_hdr_id)h->id;
	}
	return SIP_HDR_OTHER;
}

const char *sip_hdr_name(enum sip_hdr_id id)
{
	if ((unsigned)id >= SIP_HDR_COUNT || !hdr_canon[id])
		return NULL;
	return hdr_canon[id];
}

static const char *const method_names[] = {
	[SIP_METHOD_UNKNOWN] = NULL,
	[SIP_METHOD_INVITE] = "INVITE",
	[SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE",
	[SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_OPTIONS] = "OPTIONS",
	[SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_PRACK] = "PRACK",
	[SIP_METHOD_UPDATE] = "UPDATE",
	[SIP_METHOD_INFO] = "INFO",
	[SIP_METHOD_MESSAGE] = "MESSAGE",
	[SIP_METHOD_NOTIFY] = "NOTIFY",
	[SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_PUBLISH] = "PUBLISH",
};

/* Method names are case-sensitive (RFC 3261 7.1).  The length picks at
 * most four names to compare. */
enum sip_method sip_method_lookup(const struct pl *name)
{
#define IS(lit) (memcmp(name->p, (lit), sizeof(lit) - 1) == 0)
	switch (name->l) {
	case 3:
		if (IS("ACK"))
			return SIP_METHOD_ACK;
		if (IS("BYE"))
			return SIP_METHOD_BYE;
		break;
	case 4:
		if (IS("INFO"))
			return SIP_METHOD_INFO;
		break;
	case 5:
		if (IS("PRACK"))
			return SIP_METHOD_PRACK;
		if (IS("REFER"))
			return SIP_METHOD_REFER;
		break;
	case 6:
		if (IS("INVITE"))
			return SIP_METHOD_INVITE;
		if (IS("CANCEL"))
			return SIP_METHOD_CANCEL;
		if (IS("UPDATE"))
			return SIP_METHOD_UPDATE;
		if (IS("NOTIFY"))
			return SIP_METHOD_NOTIFY;
		break;
	case 7:
		if (IS("OPTIONS"))
			return SIP_METHOD_OPTIONS;
		if (IS("MESSAGE"))
			return SIP_METHOD_MESSAGE;
		if (IS("PUBLISH"))
			return SIP_METHOD_PUBLISH;
		break;
	case 8:
		if (IS("REGISTER"))
			return SIP_METHOD_REGISTER;
		break;
	case 9:
		if (IS("SUBSCRIBE"))
			return SIP_METHOD_SUBSCRIBE;
		break;
	default:
		break;
	}
#undef IS
	return SIP_METHOD_UNKNOWN;
}

const char *sip_method_name(enum sip_method m)
{
	if ((unsigned)m >= sizeof(method_names) / sizeof(method_names[0]))
		return NULL;
	return method_names[m];
}

static const char *const tp_names[] = {
	[SIP_TP_NONE] = NULL, [SIP_TP_UDP] = "UDP", [SIP_TP_TCP] = "TCP",
	[SIP_TP_TLS] = "TLS", [SIP_TP_SCTP] = "SCTP", [SIP_TP_WS] = "WS",
	[SIP_TP_WSS] = "WSS", [SIP_TP_OTHER] = NULL,
};

/* ABNF literals are case-insensitive (RFC 5234 2.3) */
enum sip_transport sip_transport_lookup(const struct pl *name)
{
	if (PL_CASEEQ(name, "udp"))
		return SIP_TP_UDP;
	if (PL_CASEEQ(name, "tcp"))
		return SIP_TP_TCP;
	if (PL_CASEEQ(name, "tls"))
		return SIP_TP_TLS;
	if (PL_CASEEQ(name, "sctp"))
		return SIP_TP_SCTP;
	if (PL_CASEEQ(name, "ws"))
		return SIP_TP_WS;
	if (PL_CASEEQ(name, "wss"))
		return SIP_TP_WSS;
	return SIP_TP_OTHER;
}

const char *sip_transport_name(enum sip_transport tp)
{
	if ((unsigned)tp >= sizeof(tp_names) / sizeof(tp_names[0]))
		return NULL;
	return tp_names[tp];
}

const char *sip_reason_phrase(uint16_t scode)
{
	switch (scode) {
	case 100: return "Trying";
	case 180: return "Ringing";
	case 181: return "Call Is Being Forwarded";
	case 182: return "Queued";
	case 183: return "Session Progress";
	case 200: return "OK";
	case 202: return "Accepted";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Moved Temporarily";
	case 305: return "Use Proxy";
	case 380: return "Alternative Service";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 413: return "Request Entity Too Large";
	case 414: return "Request-URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Unsupported URI Scheme";
	case 420: return "Bad Extension";
	case 421: return "Extension Required";
	case 422: return "Session Interval Too Small";
	case 423: return "Interval Too Brief";
	case 480: return "Temporarily Unavailable";
	case 481: return "Call/Transaction Does Not Exist";
	case 482: return "Loop Detected";
	case 483: return "Too Many Hops";
	case 484: return "Address Incomplete";
	case 485: return "Ambiguous";
	case 486: return "Busy Here";
	case 487: return "Request Terminated";
	case 488: return "Not Acceptable Here";
	case 489: return "Bad Event";
	case 491: return "Request Pending";
	case 493: return "Undecipherable";
	case 500: return "Server Internal Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Server Time-out";
	case 505: return "Version Not Supported";
	case 513: return "Message Too Large";
	case 580: return "Precondition Failure";
	case 600: return "Busy Everywhere";
	case 603: return "Decline";
	case 604: return "Does Not Exist Anywhere";
	case 606: return "Not Acceptable";
	default: break;
	}
	if (scode >= 100 && scode < 200)
		return "Session Progress";
	if (scode < 300)
		return "OK";
	if (scode < 400)
		return "Redirect";
	if (scode < 500)
		return "Client Error";
	if (scode < 600)
		return "Server Error";
	return "Global Failure";
}
