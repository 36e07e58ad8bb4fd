/* Cryptographically random identifiers (Call-ID, tags, branches).
 * They embed no address and no counter: an identifier that did would leak
 * topology or call volume. */
#ifndef B2BUA_BASE_RAND_H
#define B2BUA_BASE_RAND_H

#include <stddef.h>

/* fills buf with len random bytes; returns 0 or EIO */
int rand_bytes(void *buf, size_t len);
/* a few random bytes for identifiers and sequence numbers, from a
 * per-thread buffer refilled from the CSPRNG (keys use rand_bytes) */
int rand_small(void *buf, size_t len);
/* writes len random characters from [0-9A-Za-z] and a NUL; dst holds len+1 */
int rand_token(char *dst, size_t len);

#endif
