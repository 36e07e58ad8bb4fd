#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size;
	/* the bytes follow */
};

enum { ARENA_BLOCK_MIN = 256 };

void arena_init(struct arena *a, void *buf, size_t size)
{
	a->p = buf;
	a->left = buf ? size : 0;
	a->more = NULL;
}

static void *bump(struct arena *a, size_t n, size_t align)
{
	size_t pad = (align - ((uintptr_t)a->p & (align - 1))) & (align - 1);
	void *r;

	if (!a->p || pad + n > a->left)
		return NULL;
	r = a->p + pad;
	a->p += pad + n;
	a->left -= pad + n;
	return r;
}

static void *alloc_aligned(struct arena *a, size_t n, size_t align)
{
	void *r = bump(a, n, align);
	struct arena_block *b;
	size_t size;

	if (r)
		return r;
	size = n + align > ARENA_BLOCK_MIN ? n + align : ARENA_BLOCK_MIN;
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = a->more;
	b->size = size;
	a->more = b;
	/* what was left of the previous block is given up */
	a->p = (char *)(b + 1);
	a->left = size;
	return bump(a, n, align);
}

void *arena_alloc(struct arena *a, size_t n)
{
	return alloc_aligned(a, n ? n : 1, 8);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *r;

	if (!s)
		return NULL;
	r = alloc_aligned(a, n + 1, 1);
	if (!r)
		return NULL;
	if (n)
		memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_pldup(struct arena *a, const struct pl *v)
{
	return arena_strndup(a, v->l ? v->p : "", v->l);
}

void arena_release(struct arena *a)
{
	while (a->more) {
		struct arena_block *b = a->more;
		a->more = b->next;
		free(b);
	}
	a->p = NULL;
	a->left = 0;
}
