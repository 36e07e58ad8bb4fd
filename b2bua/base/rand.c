#include "rand.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "log.h"

int rand_bytes(void *buf, size_t len)
{
	if (len > (size_t)0x7fffffff)
		return EINVAL;
	if (RAND_bytes(buf, (int)len) != 1) {
		log_err(NULL, "RAND_bytes failed: %s", ERR_error_string(ERR_get_error(), NULL));
		return EIO;
	}
	return 0;
}

/* Identifiers are many and small: one RAND_bytes call per identifier
 * costs more than the rest of building a request, so each thread draws
 * from a buffer it refills from the CSPRNG. */
static _Thread_local unsigned char pool[1024];
static _Thread_local size_t pool_left;

/* at least one byte in the pool: refilled once it is used up */
static int pool_ready(void)
{
	int err;

	if (pool_left)
		return 0;
	err = rand_bytes(pool, sizeof(pool));
	if (!err)
		pool_left = sizeof(pool);
	return err;
}

/* the next byte of a ready pool; a byte is used once and not kept */
static unsigned char pool_next(void)
{
	unsigned char *b = &pool[sizeof(pool) - pool_left];
	unsigned char r = *b;

	*b = 0;
	pool_left--;
	return r;
}

int rand_small(void *buf, size_t len)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		int err = pool_ready();
		if (err)
			return err;
		p[i] = pool_next();
	}
	return 0;
}

int rand_token(char *dst, size_t len)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t done = 0;

	while (done < len) {
		unsigned char r;
		int err = pool_ready();

		if (err)
			return err;
		r = pool_next();
		/* 62 symbols: reject 248..255 to keep the distribution flat */
		if (r < 248)
			dst[done++] = alphabet[r % 62];
	}
	dst[len] = '\0';
	return 0;
}
