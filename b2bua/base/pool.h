/* Fixed-size objects for long-lived state (calls), packed densely in
 * chunks of their own.  Objects that live for minutes, allocated among
 * the many short-lived ones of transactions and messages, would each keep
 * a page of the general heap resident after the short-lived ones around
 * them are freed; in a pool they fill their chunks, and a chunk that
 * empties goes back to the system (but one empty chunk is kept, so that
 * objects coming and going at a chunk's boundary do not map and unmap).
 *
 * One thread only (no locks).  Under AddressSanitizer a free object is
 * poisoned. */
#ifndef B2BUA_BASE_POOL_H
#define B2BUA_BASE_POOL_H

#include <stddef.h>

struct pool_chunk;

struct pool {
	size_t size;			/* of one object, rounded up to 16 */
	size_t chunk_bytes;		/* a power of two, and each chunk's alignment */
	unsigned per_chunk;
	struct pool_chunk *partial;	/* chunks with a free object */
	struct pool_chunk *full;
	size_t used;			/* objects handed out */
	size_t chunks;
	size_t empty;			/* chunks with no object handed out (at most one kept) */
};

/* objects of `size` bytes (16-byte aligned), chunks of about chunk_bytes */
void pool_init(struct pool *p, size_t size, size_t chunk_bytes);
/* a zeroed object, or NULL (ENOMEM) */
void *pool_zalloc(struct pool *p);
/* obj must come from p; NULL is fine */
void pool_free(struct pool *p, void *obj);
/* returns every chunk to the system; returns the number of objects that
 * were still handed out (0 when the owner freed everything) */
size_t pool_destroy(struct pool *p);

#endif
