#include "pl.h"

#include <errno.h>

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

bool pl_casecmp_eq(const struct pl *a, const struct pl *b)
{
	if (a->l != b->l)
		return false;
	for (size_t i = 0; i < a->l; i++) {
		if (lower((unsigned char)a->p[i]) != lower((unsigned char)b->p[i]))
			return false;
	}
	return true;
}

bool pl_casecmp_str(const struct pl *a, const char *s)
{
	struct pl b = { s, strlen(s) };
	return pl_casecmp_eq(a, &b);
}

int pl_u32(const struct pl *v, uint32_t max, uint32_t *out)
{
	uint64_t n = 0;

	if (!v->p || v->l == 0)
		return EINVAL;
	for (size_t i = 0; i < v->l; i++) {
		unsigned d = (unsigned char)v->p[i] - '0';
		if (d > 9)
			return EINVAL;
		n = n * 10 + d;
		if (n > max)
			return ERANGE;
	}
	*out = (uint32_t)n;
	return 0;
}

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct pl pl_trim(struct pl v)
{
	while (v.l && is_ws(v.p[0])) {
		v.p++;
		v.l--;
	}
	while (v.l && is_ws(v.p[v.l - 1]))
		v.l--;
	return v;
}

size_t pl_strcpy(const struct pl *v, char *dst, size_t size)
{
	size_t n;

	if (!size)
		return 0;
	n = v->l < size - 1 ? v->l : size - 1;
	if (n)
		memcpy(dst, v->p, n);
	dst[n] = '\0';
	return n;
}
