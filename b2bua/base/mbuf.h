/* Reference-counted byte buffers.
 *
 * A received datagram or framed stream message lives in one mbuf; every
 * parsed field is a view into it and the message holds one reference.
 * Outbound messages are written into fresh mbufs with the writer below.
 */
#ifndef B2BUA_BASE_MBUF_H
#define B2BUA_BASE_MBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct mbuf {
	uint32_t refs;
	size_t size;		/* bytes allocated in data[] */
	size_t len;		/* bytes in use */
	char data[];
};

/* returns 0 or ENOMEM; *mbp is set only on success, with one reference */
int mbuf_alloc(struct mbuf **mbp, size_t size);
/* copies len bytes into a new buffer */
int mbuf_dup(struct mbuf **mbp, const void *p, size_t len);
struct mbuf *mbuf_ref(struct mbuf *mb);
/* drops one reference; frees the buffer with the last one; NULL is fine */
void mbuf_unref(struct mbuf *mb);

/* Growable writer for outbound messages.  Errors are sticky: after the
 * first failed append every call is a no-op and mbw_finish reports it. */
struct mbw {
	struct mbuf *mb;
	int err;
};

int mbw_init(struct mbw *w, size_t hint);
void mbw_put(struct mbw *w, const void *p, size_t len);
void mbw_puts(struct mbw *w, const char *s);
void mbw_putc(struct mbw *w, char c);
void mbw_u32(struct mbw *w, uint32_t v);
/* a string literal, its length known at compile time */
#define mbw_lit(w, lit) mbw_put((w), "" lit, sizeof(lit) - 1)
__attribute__((format(printf, 2, 3)))
void mbw_printf(struct mbw *w, const char *fmt, ...);
/* current length, for back-patching (e.g. Content-Length) */
size_t mbw_len(const struct mbw *w);
char *mbw_at(struct mbw *w, size_t off);
/* returns 0 and hands over the buffer, or the first error (buffer freed) */
int mbw_finish(struct mbw *w, struct mbuf **mbp);
void mbw_reset(struct mbw *w);

#endif
