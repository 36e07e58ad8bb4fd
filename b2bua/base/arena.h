/* A bump allocator for the strings of one long-lived object (a call),
 * copied once and freed in one step with their owner.  The first block
 * is the owner's (inline, allocated with it); when it runs out, further
 * blocks come from malloc and are freed by arena_release.  Nothing is
 * freed on its own: a string replaced during the object's life leaves
 * its old bytes behind, so the owner replaces rarely. */
#ifndef B2BUA_BASE_ARENA_H
#define B2BUA_BASE_ARENA_H

#include <stddef.h>

#include "base/pl.h"

struct arena_block;

struct arena {
	char *p;			/* next free byte */
	size_t left;
	struct arena_block *more;	/* malloc'd blocks, newest first */
};

/* the first block: buf of size bytes (may be 0) */
void arena_init(struct arena *a, void *buf, size_t size);
/* n bytes aligned to 8, or NULL (ENOMEM) */
void *arena_alloc(struct arena *a, size_t n);
/* NUL-terminated copies; NULL on ENOMEM (and for a NULL s) */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_pldup(struct arena *a, const struct pl *v);
/* frees the malloc'd blocks; the arena is empty afterwards */
void arena_release(struct arena *a);

#endif
