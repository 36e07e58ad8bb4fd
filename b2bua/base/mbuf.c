#include "mbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

static void mbw_u64(struct mbw *w, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	mbw_put(w, tmp + n, sizeof(tmp) - n);
}

void mbw_u32(struct mbw *w, uint32_t v)
{
	mbw_u64(w, v);
}

/* true when fmt uses only the conversions put_simple writes */
static bool fmt_simple(const char *fmt)
{
	for (const char *p = fmt; (p = strchr(p, '%'));) {
		p++;
		if (*p == 's' || *p == 'u' || *p == 'd' || *p == 'c' || *p == '%')
			p++;
		else if (p[0] == '.' && p[1] == '*' && p[2] == 's')
			p += 3;
		else if (p[0] == 'z' && p[1] == 'u')
			p += 2;
		else
			return false;
	}
	return true;
}

/* %s %u %d %c %% %.*s %zu as printf writes them, without stdio: every
 * message we build goes through here several times */
static void put_simple(struct mbw *w, const char *p, va_list ap)
{
	for (;;) {
		const char *pct = strchr(p, '%');

		if (!pct) {
			mbw_puts(w, p);
			return;
		}
		mbw_put(w, p, (size_t)(pct - p));
		p = pct + 1;
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			mbw_puts(w, s ? s : "(null)");
			p++;
			break;
		}
		case 'u':
			mbw_u32(w, va_arg(ap, unsigned));
			p++;
			break;
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				mbw_putc(w, '-');
				mbw_u64(w, (uint64_t)(-(int64_t)v));
			} else {
				mbw_u32(w, (uint32_t)v);
			}
			p++;
			break;
		}
		case 'c':
			mbw_putc(w, (char)va_arg(ap, int));
			p++;
			break;
		case '%':
			mbw_putc(w, '%');
			p++;
			break;
		case '.': {
			int n = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);
			if (n < 0)	/* a negative precision is none */
				mbw_puts(w, s);
			else
				mbw_put(w, s, strnlen(s, (size_t)n));
			p += 3;
			break;
		}
		default:	/* 'z' */
			mbw_u64(w, va_arg(ap, size_t));
			p += 2;
			break;
		}
	}
}

void mbw_printf(struct mbw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->err)
		return;
	if (fmt_simple(fmt)) {
		va_start(ap, fmt);
		put_simple(w, fmt, ap);
		va_end(ap);
		return;
	}
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
