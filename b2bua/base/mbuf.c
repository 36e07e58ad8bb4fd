#include "mbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mbuf_alloc(struct mbuf **mbp, size_t size)
{
	struct mbuf *mb;

	if (!mbp)
		return EINVAL;
	mb = malloc(sizeof(*mb) + size + 1);
	if (!mb)
		return ENOMEM;
	mb->refs = 1;
	mb->size = size;
	mb->len = 0;
	mb->data[0] = '\0';
	*mbp = mb;
	return 0;
}

int mbuf_dup(struct mbuf **mbp, const void *p, size_t len)
{
	struct mbuf *mb;
	int err = mbuf_alloc(&mb, len);

	if (err)
		return err;
	if (len)
		memcpy(mb->data, p, len);
	mb->len = len;
	*mbp = mb;
	return 0;
}

struct mbuf *mbuf_ref(struct mbuf *mb)
{
	if (mb)
		mb->refs++;
	return mb;
}

void mbuf_unref(struct mbuf *mb)
{
	if (mb && --mb->refs == 0)
		free(mb);
}

int mbw_init(struct mbw *w, size_t hint)
{
	w->mb = NULL;
	w->err = mbuf_alloc(&w->mb, hint ? hint : 512);
	return w->err;
}

static int mbw_grow(struct mbw *w, size_t extra)
{
	struct mbuf *mb = w->mb;
	size_t need = mb->len + extra;
	size_t size = mb->size ? mb->size : 256;

	if (need <= mb->size)
		return 0;
	while (size < need)
		size *= 2;
	mb = realloc(mb, sizeof(*mb) + size + 1);
	if (!mb)
		return ENOMEM;
	mb->size = size;
	w->mb = mb;
	return 0;
}

void mbw_put(struct mbw *w, const void *p, size_t len)
{
	if (w->err || len == 0)
		return;
	w->err = mbw_grow(w, len);
	if (w->err)
		return;
	memcpy(w->mb->data + w->mb->len, p, len);
	w->mb->len += len;
}

void mbw_puts(struct mbw *w, const char *s)
{
	mbw_put(w, s, strlen(s));
}

void mbw_putc(struct mbw *w, char c)
{
	mbw_put(w, &c, 1);
}

void mbw_u32(struct mbw *w, uint32_t v)
{
	char tmp[10];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	mbw_put(w, tmp + n, sizeof(tmp) - n);
}

void mbw_printf(struct mbw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->err = EINVAL;
		return;
	}
	w->err = mbw_grow(w, (size_t)n + 1);
	if (w->err)
		return;
	va_start(ap, fmt);
	vsnprintf(w->mb->data + w->mb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	w->mb->len += (size_t)n;
}

size_t mbw_len(const struct mbw *w)
{
	return w->mb ? w->mb->len : 0;
}

char *mbw_at(struct mbw *w, size_t off)
{
	return w->mb->data + off;
}

int mbw_finish(struct mbw *w, struct mbuf **mbp)
{
	int err = w->err;

	if (err) {
		mbw_reset(w);
		return err;
	}
	w->mb->data[w->mb->len] = '\0';	/* convenience for logging only */
	*mbp = w->mb;
	w->mb = NULL;
	return 0;
}

void mbw_reset(struct mbw *w)
{
	mbuf_unref(w->mb);
	w->mb = NULL;
}
