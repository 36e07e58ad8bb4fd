/* The struct a member is embedded in, from a pointer to the member (a
 * watcher or list link inside a larger object). */
#ifndef B2BUA_BASE_CONTAINER_H
#define B2BUA_BASE_CONTAINER_H

#include <stddef.h>

/* ptr's type is checked against the member's: a mismatch does not compile */
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(1 ? (ptr) : &((type *)NULL)->member) - offsetof(type, member)))

#endif
