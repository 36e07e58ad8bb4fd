/* Views: a pointer and a length into a buffer someone else owns. */
#ifndef B2BUA_BASE_PL_H
#define B2BUA_BASE_PL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pl {
	const char *p;
	size_t l;
};

#define PL(s) ((struct pl){ (s), sizeof(s) - 1 })
#define PL_INIT { NULL, 0 }
/* for printf: "%.*s", PL_FMT(x) */
#define PL_FMT(x) (int)(x).l, (x).p

static inline struct pl pl_make(const char *p, size_t l)
{
	struct pl v = { p, l };
	return v;
}

static inline bool pl_isset(const struct pl *v)
{
	return v->p != NULL;
}

static inline bool pl_eq(const struct pl *a, const struct pl *b)
{
	return a->l == b->l && (a->l == 0 || memcmp(a->p, b->p, a->l) == 0);
}

static inline bool pl_eq_str(const struct pl *a, const char *s)
{
	size_t n = strlen(s);
	return a->l == n && memcmp(a->p, s, n) == 0;
}

bool pl_casecmp_eq(const struct pl *a, const struct pl *b);
bool pl_casecmp_str(const struct pl *a, const char *s);
/* decimal to uint32; EINVAL for an empty or non-digit view, ERANGE above max */
int pl_u32(const struct pl *v, uint32_t max, uint32_t *out);
/* trims SP, HTAB, CR and LF from both ends */
struct pl pl_trim(struct pl v);
/* copies into dst (NUL-terminated, truncated to size) for logging/config */
size_t pl_strcpy(const struct pl *v, char *dst, size_t size);

/* copies the C string src into dst, NUL-terminated and truncated to size
 * (snprintf's "%s" without the formatting machinery, for hot paths) */
static inline void str_copy(char *dst, size_t size, const char *src)
{
	struct pl v = pl_make(src, strlen(src));

	pl_strcpy(&v, dst, size);
}

#endif
