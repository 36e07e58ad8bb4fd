#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define POOL_ASAN 1
#endif
#ifdef POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct pool_free {
	struct pool_free *next;
};

/* the header of a chunk; its objects follow, each 16-byte aligned */
struct pool_chunk {
	struct pool_chunk *next, *prev;	/* in p->partial or p->full */
	struct pool_free *free;
	unsigned used;
	unsigned fresh;			/* objects never handed out, from the end */
};

_Static_assert(sizeof(struct pool_chunk) % 16 == 0, "objects stay 16-byte aligned");

void pool_init(struct pool *p, size_t size, size_t chunk_bytes)
{
	size_t bytes = 4096;

	memset(p, 0, sizeof(*p));
	if (size < sizeof(struct pool_free))
		size = sizeof(struct pool_free);
	p->size = (size + 15) & ~(size_t)15;
	/* a power of two: an object finds its chunk by masking its address */
	while (bytes < chunk_bytes || bytes < sizeof(struct pool_chunk) + p->size)
		bytes <<= 1;
	p->chunk_bytes = bytes;
	p->per_chunk = (unsigned)((bytes - sizeof(struct pool_chunk)) / p->size);
}

static void list_del(struct pool_chunk **head, struct pool_chunk *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
}

static void list_add(struct pool_chunk **head, struct pool_chunk *c)
{
	c->prev = NULL;
	c->next = *head;
	if (*head)
		(*head)->prev = c;
	*head = c;
}

static char *chunk_obj(const struct pool *p, struct pool_chunk *c, unsigned i)
{
	return (char *)(c + 1) + (size_t)i * p->size;
}

/* the chunk of an object: chunks are mapped at their size's alignment */
static struct pool_chunk *obj_chunk(const struct pool *p, void *obj)
{
	return (struct pool_chunk *)((uintptr_t)obj & ~(uintptr_t)(p->chunk_bytes - 1));
}

static struct pool_chunk *chunk_new(struct pool *p)
{
	size_t pow2 = p->chunk_bytes;
	struct pool_chunk *c;
	void *m;

	/* map twice the alignment and cut the excess off both ends */
	m = mmap(NULL, 2 * pow2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	uintptr_t start = ((uintptr_t)m + pow2 - 1) & ~(uintptr_t)(pow2 - 1);
	if (start > (uintptr_t)m)
		munmap(m, start - (uintptr_t)m);
	uintptr_t end = (uintptr_t)m + 2 * pow2;
	if (end > start + pow2)
		munmap((void *)(start + pow2), end - (start + pow2));
	c = (struct pool_chunk *)start;
	c->fresh = p->per_chunk;
	POISON(c + 1, (size_t)p->per_chunk * p->size);
	p->chunks++;
	p->empty++;
	return c;
}

void *pool_zalloc(struct pool *p)
{
	struct pool_chunk *c = p->partial;
	char *obj;

	if (!c) {
		c = chunk_new(p);
		if (!c)
			return NULL;
		list_add(&p->partial, c);
	}
	if (c->free) {
		obj = (char *)c->free;
		UNPOISON(obj, p->size);
		c->free = c->free->next;
	} else {
		obj = chunk_obj(p, c, p->per_chunk - c->fresh);
		c->fresh--;
		UNPOISON(obj, p->size);
	}
	if (!c->used)
		p->empty--;
	c->used++;
	if (!c->free && !c->fresh) {
		list_del(&p->partial, c);
		list_add(&p->full, c);
	}
	p->used++;
	memset(obj, 0, p->size);
	return obj;
}

void pool_free(struct pool *p, void *obj)
{
	struct pool_chunk *c;
	struct pool_free *f = obj;

	if (!obj)
		return;
	c = obj_chunk(p, obj);
	if (!c->free && !c->fresh) {
		list_del(&p->full, c);
		list_add(&p->partial, c);
	}
	f->next = c->free;
	c->free = f;
	POISON(obj, p->size);
	c->used--;
	p->used--;
	if (!c->used && !p->empty) {
		p->empty++;	/* the one empty chunk kept: no map and unmap per chunk of churn */
	} else if (!c->used) {
		/* a second empty chunk: back to the system */
		list_del(&p->partial, c);
		p->chunks--;
		UNPOISON(c + 1, (size_t)p->per_chunk * p->size);
		munmap(c, p->chunk_bytes);
	}
}

size_t pool_destroy(struct pool *p)
{
	size_t left = p->used;
	struct pool_chunk *lists[2] = { p->partial, p->full };

	for (int i = 0; i < 2; i++) {
		while (lists[i]) {
			struct pool_chunk *c = lists[i];
			lists[i] = c->next;
			UNPOISON(c + 1, (size_t)p->per_chunk * p->size);
			munmap(c, p->chunk_bytes);
		}
	}
	memset(p, 0, sizeof(*p));
	return left;
}
