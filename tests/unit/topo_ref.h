/* The egress leak check written the plain way, one identifier after the
 * other with memmem: what topo_leak must find, for the tests that compare
 * the two on the same input. */
#ifndef B2BUA_TESTS_TOPO_REF_H
#define B2BUA_TESTS_TOPO_REF_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static inline bool topo_ref_tok_char(char c, bool colon)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '-' || c == '_' || (c == ':' && colon);
}

/* the first of toks[0..n) found as a whole token in data, or NULL */
static inline const char *topo_ref_leak(const char *const *toks, unsigned n, const char *data,
					size_t len)
{
	for (unsigned i = 0; i < n; i++) {
		const char *t = toks[i];
		size_t tl = strlen(t);
		bool colon = memchr(t, ':', tl) != NULL;
		const char *p = data, *end = data + len;

		while ((size_t)(end - p) >= tl) {
			const char *hit = memmem(p, (size_t)(end - p), t, tl);

			if (!hit)
				break;
			bool before = hit == data || !topo_ref_tok_char(hit[-1], colon) ||
				      (hit - data >= 3 && hit[-3] == '%' &&
				       isxdigit((unsigned char)hit[-2]) &&
				       isxdigit((unsigned char)hit[-1]));
			bool after = hit + tl == end || !topo_ref_tok_char(hit[tl], colon);

			if (before && after)
				return t;
			p = hit + 1;
		}
	}
	return NULL;
}

#endif
