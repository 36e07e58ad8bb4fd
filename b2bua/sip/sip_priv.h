/* Character classes and small helpers shared by the parser files. */
#ifndef B2BUA_SIP_PRIV_H
#define B2BUA_SIP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sip.h"

enum {
	CC_TOKEN = 1 << 0,	/* RFC 3261 25.1 token */
	CC_WS = 1 << 1,		/* SP, HTAB, CR, LF (LWS once unfolded) */
	CC_HEX = 1 << 2,
	CC_DIGIT = 1 << 3,
	CC_ALPHA = 1 << 4,
	CC_USER = 1 << 5,	/* unreserved / user-unreserved (escapes handled apart) */
	CC_PARAM = 1 << 6,	/* paramchar without the escapes */
	CC_HOST = 1 << 7,	/* hostname and IPv4 characters */
	CC_URI_STOP = 1 << 8,	/* what sip_uri_decode looks at: controls, SP, DEL,
				 * < > " (never in a URI) and @ ? : (where it splits) */
	CC_CTL = 1 << 9,	/* controls, SP and DEL: in no word (RFC 3261 25.1) */
};

extern const uint16_t sip_cc[256];

static inline bool cc_is(unsigned char c, uint16_t cls)
{
	return (sip_cc[c] & cls) != 0;
}

static inline unsigned char lc(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* true when the l bytes at p equal the n bytes of lit, ignoring the case
 * of letters; lit holds no upper-case letter.  The lengths are compared
 * first, so most mismatches cost one comparison.  Where lit has a letter,
 * the byte at p matches with its 0x20 bit set either way (only the two
 * cases of that letter do); elsewhere it must be equal. */
static inline bool caseeq(const char *p, size_t l, const char *lit, size_t n)
{
	if (l != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char t = (unsigned char)lit[i];
		unsigned char c = (unsigned char)p[i];

		if (t >= 'a' && t <= 'z')
			c |= 0x20;
		if (c != t)
			return false;
	}
	return true;
}

/* caseeq of a view and a string literal */
#define PL_CASEEQ(v, lit) caseeq((v)->p, (v)->l, (lit), sizeof(lit) - 1)

/* skips LWS (SP, HTAB and CRLF folds) from p; returns the new position */
static inline const char *skip_lws(const char *p, const char *end)
{
	while (p < end && cc_is((unsigned char)*p, CC_WS))
		p++;
	return p;
}

static inline const char *rskip_lws(const char *start, const char *end)
{
	while (end > start && cc_is((unsigned char)end[-1], CC_WS))
		end--;
	return end;
}

/* sip_check_escaped past its run of plain characters */
bool sip_check_escaped_tail(const char *p, size_t l, uint16_t cls, const char *extra);

/* checks an escaped run: characters of class cls, %HH escapes, octets above
 * 0x7f and the characters of extra (may be NULL).  Most of a URI is plain
 * class characters: their run is checked here, inline, and the rest from
 * the first other character on.  cls must not hold '%' (CC_USER and
 * CC_PARAM do not). */
static inline bool sip_check_escaped(const char *p, size_t l, uint16_t cls, const char *extra)
{
	size_t i = 0;

	while (i < l && cc_is((unsigned char)p[i], cls))
		i++;
	return i == l || sip_check_escaped_tail(p + i, l - i, cls, extra);
}

/* the digits at p: returns the position after them; *val is their value,
 * or 65536 when that is larger (enough to reject a port) */
static inline const char *scan_port(const char *p, const char *end, uint32_t *val)
{
	uint32_t v = 0;

	for (; p < end && cc_is((unsigned char)*p, CC_DIGIT); p++) {
		if (v <= 65535)
			v = v * 10 + (uint32_t)(*p - '0');
	}
	*val = v > 65535 ? 65536 : v;
	return p;
}

/* checks an IPv6 reference body (between the brackets) loosely:
 * hex digits, ':' and '.', at least two ':' */
bool sip_check_ipv6(const char *p, size_t l);
/* The host at p, an IPv4 address or a hostname (RFC 3261 25.1; not an
 * IPv6 reference): *hend is set to the end of its run of host characters
 * (p when there are none); returns true, and sets *type, when the run is
 * one or the other. */
bool sip_host_scan(const char *p, const char *end, const char **hend, enum sip_host_type *type);
/* p at an opening quote; returns the position after the closing quote,
 * or NULL when it is unterminated (backslash escapes honoured) */
const char *sip_scan_quoted(const char *p, const char *end);
/* parses one parameter ";name[=value]", p at its ';': LWS allowed around
 * ';' and '='; a value is a token, a quoted string or a bracketed IPv6
 * reference.  Returns the position after it, or NULL when it is malformed;
 * name and val are set as sip_param_next sets them (val empty, pointing
 * after the LWS that follows the name, when there is no value). */
const char *sip_param_scan(const char *p, const char *end, struct pl *name, struct pl *val);

#endif
