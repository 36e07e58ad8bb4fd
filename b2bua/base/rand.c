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

int rand_token(char *dst, size_t len)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char raw[64];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(raw) ? len - done : sizeof(raw);
		int err = rand_bytes(raw, n);
		if (err)
			return err;
		for (size_t i = 0; i < n; i++) {
			/* 62 symbols: reject 248..255 to keep the distribution flat */
			unsigned char r = raw[i];
			if (r >= 248) {
				unsigned char again;
				do {
					err = rand_bytes(&again, 1);
					if (err)
						return err;
				} while (again >= 248);
				r = again;
			}
			dst[done++] = alphabet[r % 62];
		}
	}
	dst[len] = '\0';
	return 0;
}
