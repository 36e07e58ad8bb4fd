#include "sip_priv.h"

#include <string.h>

#define T CC_TOKEN
#define W CC_WS
#define X CC_HEX
#define D CC_DIGIT
#define A CC_ALPHA
#define U CC_USER
#define P CC_PARAM
#define H CC_HOST
#define S CC_URI_STOP
#define C CC_CTL

/* token: alphanum - . ! % * _ + ` ' ~
 * user (unreserved + user-unreserved): alphanum - _ . ! ~ * ' ( ) & = + $ , ; ? /
 * param (unreserved + param-unreserved): alphanum - _ . ! ~ * ' ( ) [ ] / : & + $
 * host: alphanum - .
 * control: the controls, SP and DEL
 * URI stop: the controls, SP, DEL, < > " @ ? : */
const uint16_t sip_cc[256] = {
	[0x00] = C | S, [0x01] = C | S, [0x02] = C | S, [0x03] = C | S,
	[0x04] = C | S, [0x05] = C | S, [0x06] = C | S, [0x07] = C | S,
	[0x08] = C | S, ['\t'] = W | C | S, ['\n'] = W | C | S, [0x0b] = C | S,
	[0x0c] = C | S, ['\r'] = W | C | S, [0x0e] = C | S, [0x0f] = C | S,
	[0x10] = C | S, [0x11] = C | S, [0x12] = C | S, [0x13] = C | S,
	[0x14] = C | S, [0x15] = C | S, [0x16] = C | S, [0x17] = C | S,
	[0x18] = C | S, [0x19] = C | S, [0x1a] = C | S, [0x1b] = C | S,
	[0x1c] = C | S, [0x1d] = C | S, [0x1e] = C | S, [0x1f] = C | S,
	[' '] = W | C | S, [0x7f] = C | S,
	['<'] = S, ['>'] = S, ['"'] = S, ['@'] = S,
	['!'] = T | U | P, ['%'] = T, ['*'] = T | U | P, ['_'] = T | U | P,
	['+'] = T | U | P, ['`'] = T, ['\''] = T | U | P, ['~'] = T | U | P,
	['-'] = T | U | P | H, ['.'] = T | U | P | H,
	['('] = U | P, [')'] = U | P, ['&'] = U | P, ['='] = U, ['$'] = U | P,
	[','] = U, [';'] = U, ['?'] = U | S, ['/'] = U | P, ['['] = P, [']'] = P,
	[':'] = P | S,
	['0'] = T | X | D | U | P | H, ['1'] = T | X | D | U | P | H,
	['2'] = T | X | D | U | P | H, ['3'] = T | X | D | U | P | H,
	['4'] = T | X | D | U | P | H, ['5'] = T | X | D | U | P | H,
	['6'] = T | X | D | U | P | H, ['7'] = T | X | D | U | P | H,
	['8'] = T | X | D | U | P | H, ['9'] = T | X | D | U | P | H,
#define AH(c) [c] = T | A | X | U | P | H
#define AL(c) [c] = T | A | U | P | H
	AH('A'), AH('B'), AH('C'), AH('D'), AH('E'), AH('F'),
	AL('G'), AL('H'), AL('I'), AL('J'), AL('K'), AL('L'), AL('M'), AL('N'),
	AL('O'), AL('P'), AL('Q'), AL('R'), AL('S'), AL('T'), AL('U'), AL('V'),
	AL('W'), AL('X'), AL('Y'), AL('Z'),
	AH('a'), AH('b'), AH('c'), AH('d'), AH('e'), AH('f'),
	AL('g'), AL('h'), AL('i'), AL('j'), AL('k'), AL('l'), AL('m'), AL('n'),
	AL('o'), AL('p'), AL('q'), AL('r'), AL('s'), AL('t'), AL('u'), AL('v'),
	AL('w'), AL('x'), AL('y'), AL('z'),
};

bool sip_check_escaped_tail(const char *p, size_t l, uint16_t cls, const char *extra)
{
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '%') {
			if (i + 2 >= l)
				return false;
			if (!cc_is((unsigned char)p[i + 1], CC_HEX) ||
			    !cc_is((unsigned char)p[i + 2], CC_HEX))
				return false;
			i += 2;
			continue;
		}
		if (cc_is(c, cls))
			continue;
		/* UTF-8 and other octets above 0x7f are tolerated in values
		 * (RFC 4475 3.1.1.2 has UTF-8 in a parameter) */
		if (c >= 0x80)
			continue;
		if (extra && c && strchr(extra, c))
			continue;
		return false;
	}
	return true;
}

bool sip_check_ipv6(const char *p, size_t l)
{
	unsigned colons = 0;

	if (l < 2 || l > 45)
		return false;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':')
			colons++;
		else if (c != '.' && !cc_is(c, CC_HEX))
			return false;
	}
	return colons >= 2;
}

/* the end of the IPv4 address at p (four parts of one to three digits,
 * each at most 255, between dots), or NULL when none starts there */
static const char *ipv4_end(const char *p, const char *end)
{
	for (int part = 0; part < 4; part++) {
		unsigned val = 0, n = 0;

		if (part > 0) {
			if (p >= end || *p != '.')
				return NULL;
			p++;
		}
		for (; n < 3 && p < end && cc_is((unsigned char)*p, CC_DIGIT); n++, p++)
			val = val * 10 + (unsigned)(*p - '0');
		if (n == 0 || val > 255)
			return NULL;
	}
	return p;
}

bool sip_host_scan(const char *p, const char *end, const char **hend, enum sip_host_type *type)
{
	const char *e = ipv4_end(p, end);
	const char *label = p, *last = p;
	bool ok = true;

	/* An IPv4 address, when no host character follows it: then it is the
	 * whole run.  (A run that is an address always passes here.) */
	if (e && (e == end || !cc_is((unsigned char)*e, CC_HOST))) {
		*hend = e;
		*type = SIP_HOST_IPV4;
		return true;
	}
	/* Else a hostname (RFC 3261 25.1), checked as its run is walked:
	 * labels of alphanumerics and inner '-', the last one starting with
	 * a letter, and an optional trailing '.' */
	for (e = p; e < end && cc_is((unsigned char)*e, CC_HOST); e++) {
		if (*e != '.')
			continue;
		if (e == label || *label == '-' || e[-1] == '-')
			ok = false;
		last = label;
		label = e + 1;
	}
	*hend = e;
	if (e == p)
		return false;
	if (label < e) {
		/* the last label, without a trailing '.' */
		if (*label == '-' || e[-1] == '-')
			ok = false;
		last = label;
	}
	if (!ok || !cc_is((unsigned char)*last, CC_ALPHA))
		return false;
	*type = SIP_HOST_NAME;
	return true;
}

const char *sip_scan_quoted(const char *p, const char *end)
{
	/* p at the opening quote; returns the position after the closing one */
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				return NULL;
			continue;
		}
		if (*p == '"')
			return p + 1;
	}
	return NULL;
}

const char *sip_param_scan(const char *p, const char *end, struct pl *name, struct pl *val)
{
	const char *q;

	p = skip_lws(p + 1, end);
	q = p;
	while (p < end && cc_is((unsigned char)*p, CC_TOKEN))
		p++;
	if (p == q)
		return NULL;	/* ";;" or a trailing ';' */
	*name = pl_make(q, (size_t)(p - q));
	q = skip_lws(p, end);
	*val = pl_make(q, 0);
	if (q >= end || *q != '=')
		return p;
	p = skip_lws(q + 1, end);
	q = p;
	if (p < end && *p == '"') {
		p = sip_scan_quoted(p, end);
		if (!p)
			return NULL;
	} else if (p < end && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (!rb || !sip_check_ipv6(p + 1, (size_t)(rb - p - 1)))
			return NULL;
		p = rb + 1;
	} else {
		/* token, or a bare IPv6 address (RFC 5118 4.5) */
		while (p < end && (cc_is((unsigned char)*p, CC_TOKEN) || *p == ':' ||
				   (unsigned char)*p >= 0x80))
			p++;
		if (p == q)
			return NULL;
	}
	*val = pl_make(q, (size_t)(p - q));
	return p;
}
