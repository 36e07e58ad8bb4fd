#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/pl.h"

enum sect {
	SECT_NONE = 0,
	SECT_GENERAL,
	SECT_TIMERS,
	SECT_TCP,
	SECT_UDP,
	SECT_MEDIA,
	SECT_POLICY,
	SECT_ZONE,
	SECT_LISTENER,
	SECT_COUNT
};

enum { MAX_KEYS = 8 };

enum {
	DEFAULT_SIP_PORT = 5060,
	DEFAULT_MEDIA_PORT_MIN = 20000,
	DEFAULT_MEDIA_PORT_MAX = 29999,
	UDP_PAYLOAD_MAX = 65507,	/* 65535 less the IPv4 and UDP headers */
	TCP_CONNS_MAX = 1000000,
};

/* what we remember of a zone or listener section while loading */
struct sect_meta {
	unsigned line;			/* of its header */
	unsigned key_line[MAX_KEYS];	/* line of each key given, 0 if absent */
	uint16_t port;			/* listeners: the port key */
};

struct parser {
	const char *origin;
	char *errbuf;
	size_t errlen;
	struct config *cfg;
	unsigned line;
	enum sect sect;
	char label[CFG_NAME_MAX + 16];	/* "[listener internal-udp]" */
	unsigned *key_line;		/* the current section's key lines */
	unsigned sect_line[SECT_COUNT];	/* header line of each unnamed section */
	unsigned gkey_line[SECT_COUNT][MAX_KEYS];
	struct sect_meta *zmeta;
	struct sect_meta *lmeta;
};

struct key_def;
typedef int (key_parse_h)(struct parser *p, const struct key_def *kd, struct pl v, void *base);

struct key_def {
	const char *name;
	key_parse_h *parse;
	size_t off;			/* of the field in the section's struct */
	uint32_t min, max;		/* numbers: bounds; text: max is the size */
};

struct sect_def {
	const char *name;
	bool named;
	const struct key_def *keys;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->errbuf || !p->errlen)
		return EINVAL;
	if (line)
		n = snprintf(p->errbuf, p->errlen, "%s:%u: ", p->origin, line);
	else
		n = snprintf(p->errbuf, p->errlen, "%s: ", p->origin);
	if (n < 0 || (size_t)n >= p->errlen)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->errbuf + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return EINVAL;
}

static int nomem(struct parser *p)
{
	if (p->errbuf && p->errlen)
		snprintf(p->errbuf, p->errlen, "%s: out of memory", p->origin);
	return ENOMEM;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_comment(char c)
{
	return c == '#' || c == ';';
}

/* lower-case copy; false if it does not fit */
static bool lower_copy(struct pl v, char *dst, size_t size)
{
	if (v.l >= size)
		return false;
	for (size_t i = 0; i < v.l; i++) {
		char c = v.p[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
	}
	dst[v.l] = '\0';
	return true;
}

static bool name_valid(struct pl v)
{
	if (v.l == 0 || v.l >= CFG_NAME_MAX)
		return false;
	for (size_t i = 0; i < v.l; i++) {
		char c = v.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static void *field(void *base, const struct key_def *kd)
{
	return (char *)base + kd->off;
}

/* ---- values ---- */

static int parse_level(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	char buf[16];
	int lvl = -1;

	if (lower_copy(v, buf, sizeof(buf)))
		lvl = log_level_parse(buf);
	if (lvl < 0)
		return perr(p, p->line, "unknown %s \"%.*s\": expected error, warn, notice, info or debug",
			    kd->name, PL_FMT(v));
	*(int *)field(base, kd) = lvl;
	return 0;
}

static int parse_text(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	if (v.l >= kd->max)
		return perr(p, p->line, "%s is longer than %u characters", kd->name, kd->max - 1);
	for (size_t i = 0; i < v.l; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c < 0x20 || c == 0x7f)
			return perr(p, p->line, "%s contains a control character", kd->name);
	}
	pl_strcpy(&v, field(base, kd), kd->max);
	return 0;
}

static int parse_name(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	if (!name_valid(v))
		return perr(p, p->line, "bad name \"%.*s\" for %s: use letters, digits, '-', '_' and '.', "
			    "at most %d characters", PL_FMT(v), kd->name, CFG_NAME_MAX - 1);
	pl_strcpy(&v, field(base, kd), CFG_NAME_MAX);
	return 0;
}

static int number(struct parser *p, const struct key_def *kd, struct pl v, uint32_t *out)
{
	int err = pl_u32(&v, UINT32_MAX, out);

	if (err == EINVAL)
		return perr(p, p->line, "bad number \"%.*s\" for %s: expected a whole number from %u to %u",
			    PL_FMT(v), kd->name, kd->min, kd->max);
	if (err || *out < kd->min || *out > kd->max)
		return perr(p, p->line, "%s = %.*s is out of range: expected a whole number from %u to %u",
			    kd->name, PL_FMT(v), kd->min, kd->max);
	return 0;
}

static int parse_unsigned(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	uint32_t n;
	int err = number(p, kd, v, &n);

	if (!err)
		*(unsigned *)field(base, kd) = n;
	return err;
}

static int parse_size(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	uint32_t n;
	int err = number(p, kd, v, &n);

	if (!err)
		*(size_t *)field(base, kd) = n;
	return err;
}

/* "500ms", "4s", "5m", "1h"; a blank may separate number and unit */
static int parse_duration(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 }, { "h", 3600 * 1000 },
	};
	struct pl num = { v.p, 0 }, unit;
	uint64_t ms;
	uint32_t n;
	size_t i;

	while (num.l < v.l && v.p[num.l] >= '0' && v.p[num.l] <= '9')
		num.l++;
	unit = pl_trim(pl_make(v.p + num.l, v.l - num.l));
	if (num.l && unit.l == 0)
		return perr(p, p->line, "duration \"%.*s\" for %s needs a unit: ms, s, m or h",
			    PL_FMT(v), kd->name);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (pl_eq_str(&unit, units[i].unit))
			break;
	}
	if (!num.l || i == sizeof(units) / sizeof(units[0]))
		return perr(p, p->line, "bad duration \"%.*s\" for %s: expected a whole number and a unit, "
			    "as in 500ms, 4s or 5m", PL_FMT(v), kd->name);
	if (pl_u32(&num, UINT32_MAX, &n) != 0)
		n = UINT32_MAX;		/* only ERANGE is left: too long */
	if (n == 0)
		return perr(p, p->line, "%s must be longer than zero", kd->name);
	ms = (uint64_t)n * units[i].ms;
	if (ms > UINT32_MAX)
		return perr(p, p->line, "%s = %.*s is too long: at most 49 days", kd->name, PL_FMT(v));
	*(double *)field(base, kd) = (double)ms / 1000.0;
	return 0;
}

/* An IPv4 or IPv6 address, the latter bare or in brackets, with %scope. */
static int addr_parse(struct parser *p, const char *key, struct pl v, struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct pl host = v;
	char *scope;
	bool bracketed = false;

	if (host.l >= 2 && host.p[0] == '[' && host.p[host.l - 1] == ']') {
		host = pl_make(host.p + 1, host.l - 2);
		bracketed = true;
	}
	if (host.l == 0 || host.l >= sizeof(buf))
		goto bad;
	pl_strcpy(&host, buf, sizeof(buf));

	memset(&sin, 0, sizeof(sin));
	if (!bracketed && inet_pton(AF_INET, buf, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		memset(ss, 0, sizeof(*ss));
		memcpy(ss, &sin, sizeof(sin));
		return 0;
	}

	memset(&sin6, 0, sizeof(sin6));
	scope = strchr(buf, '%');
	if (scope)
		*scope++ = '\0';
	if (inet_pton(AF_INET6, buf, &sin6.sin6_addr) != 1)
		goto bad;
	sin6.sin6_family = AF_INET6;
	if (scope) {
		struct pl sc = pl_make(scope, strlen(scope));
		uint32_t idx;

		if (!IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr))
			return perr(p, p->line, "address \"%.*s\" for %s: a %%scope applies only to "
				    "link-local addresses (fe80::/10)", PL_FMT(v), key);
		if (pl_u32(&sc, UINT32_MAX, &idx) != 0) {
			idx = if_nametoindex(scope);
			if (idx == 0)
				return perr(p, p->line, "unknown interface \"%s\" in address \"%.*s\" for %s",
					    scope, PL_FMT(v), key);
		}
		if (idx == 0)
			goto bad;
		sin6.sin6_scope_id = idx;
	} else if (IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr)) {
		return perr(p, p->line, "link-local address \"%.*s\" for %s needs a %%scope, "
			    "as in fe80::1%%eth0", PL_FMT(v), key);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin6, sizeof(sin6));
	return 0;

bad:
	return perr(p, p->line, "bad address \"%.*s\" for %s: expected an IPv4 or IPv6 address "
		    "without a port (host names are not resolved)", PL_FMT(v), key);
}

static bool addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* same family, address and scope; ports are not compared */
static bool addr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0 &&
	       ((const struct sockaddr_in6 *)a)->sin6_scope_id ==
	       ((const struct sockaddr_in6 *)b)->sin6_scope_id;
}

static uint16_t addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* "127.0.0.1" or "::1" for messages */
static const char *addr_host_fmt(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

/* "127.0.0.1:5060" or "[::1]:5060" for messages */
static const char *addr_fmt(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	addr_host_fmt(ss, a, sizeof(a));
	snprintf(buf, size, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, (unsigned)addr_port(ss));
	return buf;
}

/* an address we advertise: never a wildcard */
static int parse_adv_addr(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	struct sockaddr_storage *ss = field(base, kd);
	int err = addr_parse(p, kd->name, v, ss);

	if (!err && addr_is_any(ss))
		return perr(p, p->line, "%s = %.*s: a wildcard address cannot be advertised; "
			    "give the address peers reach us at", kd->name, PL_FMT(v));
	return err;
}

static int parse_bind_addr(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	return addr_parse(p, kd->name, v, field(base, kd));
}

static int port_number(struct parser *p, const char *key, struct pl v, uint16_t *out)
{
	uint32_t n = 0;
	int err = pl_u32(&v, 65535, &n);

	if (err == EINVAL)
		return perr(p, p->line, "bad number \"%.*s\" for %s: expected a port from 1 to 65535",
			    PL_FMT(v), key);
	if (err || n == 0)
		return perr(p, p->line, "port %.*s out of range (1-65535)", PL_FMT(v));
	*out = (uint16_t)n;
	return 0;
}

static int parse_port_range(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	struct cfg_zone *z = base;
	const char *dash = memchr(v.p, '-', v.l);
	uint16_t lo, hi;
	int err;

	if (!dash)
		return perr(p, p->line, "bad port range \"%.*s\" for %s: expected FIRST-LAST, "
			    "as in 20000-29999", PL_FMT(v), kd->name);
	err = port_number(p, kd->name, pl_trim(pl_make(v.p, (size_t)(dash - v.p))), &lo);
	if (!err)
		err = port_number(p, kd->name, pl_trim(pl_make(dash + 1, v.l - (size_t)(dash + 1 - v.p))), &hi);
	if (err)
		return err;
	/* RFC 3550 11: RTP and RTCP take two ports */
	if (lo >= hi)
		return perr(p, p->line, "port range %.*s for %s: the first port must be below the last "
			    "(RTP and RTCP need two)", PL_FMT(v), kd->name);
	z->media_port_min = lo;
	z->media_port_max = hi;
	return 0;
}

static int parse_port(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	return port_number(p, kd->name, v, &p->lmeta[p->cfg->n_listeners - 1].port);
}

static int parse_transport(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	static const char *const later[] = { "tls", "sctp", "ws", "wss" };
	char buf[8];

	if (lower_copy(v, buf, sizeof(buf))) {
		if (strcmp(buf, "udp") == 0) {
			*(enum sip_transport *)field(base, kd) = SIP_TP_UDP;
			return 0;
		}
		if (strcmp(buf, "tcp") == 0) {
			*(enum sip_transport *)field(base, kd) = SIP_TP_TCP;
			return 0;
		}
		for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
			if (strcmp(buf, later[i]) == 0)
				return perr(p, p->line, "%s is not supported yet", buf);
		}
	}
	return perr(p, p->line, "unknown transport \"%.*s\": expected udp or tcp", PL_FMT(v));
}

/* a flag spelled as one of two words: first or second, the one named
 * `yes` sets it */
static int parse_either(struct parser *p, const struct key_def *kd, struct pl v, void *base,
			const char *first, const char *second, const char *yes)
{
	char buf[8];

	if (lower_copy(v, buf, sizeof(buf)) && (strcmp(buf, first) == 0 || strcmp(buf, second) == 0)) {
		*(bool *)field(base, kd) = strcmp(buf, yes) == 0;
		return 0;
	}
	return perr(p, p->line, "%s must be %s or %s, not \"%.*s\"", kd->name, first, second,
		    PL_FMT(v));
}

/* reject (403) or drop what comes from a source no trunk matches */
static int parse_unknown(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	return parse_either(p, kd, v, base, "reject", "drop", "drop");
}

/* RTP of established plain streams forwarded in the kernel, or not */
static int parse_kfwd(struct parser *p, const struct key_def *kd, struct pl v, void *base)
{
	return parse_either(p, kd, v, base, "auto", "off", "auto");
}

/* ---- sections ---- */

#define CFG_KEY(name, parse, type, fld, min, max) \
	{ name, parse, offsetof(type, fld), min, max }

static const struct key_def general_keys[] = {
	CFG_KEY("log_level", parse_level, struct config, log_level, 0, 0),
	CFG_KEY("user_agent", parse_text, struct config, user_agent, 0, CFG_USER_AGENT_MAX),
	{ NULL, NULL, 0, 0, 0 }
};

enum { KEY_T1 = 0, KEY_T2 = 1 };
static const struct key_def timer_keys[] = {
	CFG_KEY("t1", parse_duration, struct config, t1, 0, 0),
	CFG_KEY("t2", parse_duration, struct config, t2, 0, 0),
	CFG_KEY("t4", parse_duration, struct config, t4, 0, 0),
	{ NULL, NULL, 0, 0, 0 }
};

static const struct key_def tcp_keys[] = {
	CFG_KEY("max_connections", parse_unsigned, struct config, tcp_max_conns, 1, TCP_CONNS_MAX),
	CFG_KEY("idle_timeout", parse_duration, struct config, tcp_idle_timeout, 0, 0),
	CFG_KEY("partial_timeout", parse_duration, struct config, tcp_partial_timeout, 0, 0),
	{ NULL, NULL, 0, 0, 0 }
};

static const struct key_def udp_keys[] = {
	CFG_KEY("size_limit", parse_size, struct config, udp_size_limit, 1, UDP_PAYLOAD_MAX),
	{ NULL, NULL, 0, 0, 0 }
};

static const struct key_def media_keys[] = {
	CFG_KEY("timeout", parse_duration, struct config, media_timeout, 0, 0),
	CFG_KEY("hold_timeout", parse_duration, struct config, media_hold_timeout, 0, 0),
	CFG_KEY("kernel_forward", parse_kfwd, struct config, media_kfwd, 0, 0),
	{ NULL, NULL, 0, 0, 0 }
};

static const struct key_def policy_keys[] = {
	CFG_KEY("database", parse_text, struct config, policy_db, 0, CFG_PATH_MAX),
	{ NULL, NULL, 0, 0, 0 }
};

enum { KEY_Z_SIG = 0, KEY_Z_MEDIA = 1, KEY_Z_PORTS = 2 };
static const struct key_def zone_keys[] = {
	CFG_KEY("signalling", parse_adv_addr, struct cfg_zone, sig_addr, 0, 0),
	CFG_KEY("media", parse_adv_addr, struct cfg_zone, media_addr, 0, 0),
	CFG_KEY("media_ports", parse_port_range, struct cfg_zone, media_port_min, 0, 0),
	{ NULL, NULL, 0, 0, 0 }
};

enum { KEY_L_ZONE = 0, KEY_L_TP = 1, KEY_L_ADDR = 2, KEY_L_PORT = 3 };
static const struct key_def listener_keys[] = {
	CFG_KEY("zone", parse_name, struct cfg_listener, zone, 0, 0),
	CFG_KEY("transport", parse_transport, struct cfg_listener, tp, 0, 0),
	CFG_KEY("address", parse_bind_addr, struct cfg_listener, addr, 0, 0),
	CFG_KEY("port", parse_port, struct cfg_listener, addr, 0, 0),
	CFG_KEY("unknown_sources", parse_unknown, struct cfg_listener, drop_unknown, 0, 0),
	{ NULL, NULL, 0, 0, 0 }
};

static const struct sect_def sects[SECT_COUNT] = {
	[SECT_GENERAL] = { "general", false, general_keys },
	[SECT_TIMERS] = { "timers", false, timer_keys },
	[SECT_TCP] = { "tcp", false, tcp_keys },
	[SECT_UDP] = { "udp", false, udp_keys },
	[SECT_MEDIA] = { "media", false, media_keys },
	[SECT_POLICY] = { "policy", false, policy_keys },
	[SECT_ZONE] = { "zone", true, zone_keys },
	[SECT_LISTENER] = { "listener", true, listener_keys },
};

static void config_defaults(struct config *cfg)
{
	cfg->log_level = LOG_LVL_INFO;
	snprintf(cfg->user_agent, sizeof(cfg->user_agent), "b2bua");
	/* RFC 3261 17.1.1.1 and table 4 */
	cfg->t1 = 0.5;
	cfg->t2 = 4.0;
	cfg->t4 = 5.0;
	cfg->tcp_max_conns = 4096;
	cfg->tcp_idle_timeout = 300.0;
	cfg->tcp_partial_timeout = 10.0;
	/* RFC 3261 18.1.1 */
	cfg->udp_size_limit = 1300;
	cfg->media_timeout = 60.0;
	cfg->media_hold_timeout = 3600.0;
	cfg->media_kfwd = true;
	snprintf(cfg->policy_db, sizeof(cfg->policy_db), "b2bua.db");
}

static int grow(void **arr, unsigned n, size_t elem)
{
	void *a;

	/* n is the count before adding; the capacity doubles at powers of two */
	if (n & (n - 1))
		return 0;
	a = realloc(*arr, (n ? 2 * (size_t)n : 1) * elem);
	if (!a)
		return ENOMEM;
	*arr = a;
	return 0;
}

static int zone_find(const struct config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_zones; i++) {
		if (strcmp(cfg->zones[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static int listener_find(const struct config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_listeners; i++) {
		if (strcmp(cfg->listeners[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* checks what a zone or listener section must hold, when it ends */
static int sect_finish(struct parser *p)
{
	struct config *cfg = p->cfg;

	if (p->sect == SECT_ZONE) {
		struct cfg_zone *z = &cfg->zones[cfg->n_zones - 1];
		struct sect_meta *m = &p->zmeta[cfg->n_zones - 1];

		if (!m->key_line[KEY_Z_SIG])
			return perr(p, m->line, "%s has no signalling address", p->label);
		if (!m->key_line[KEY_Z_MEDIA])
			z->media_addr = z->sig_addr;
		if (!m->key_line[KEY_Z_PORTS]) {
			z->media_port_min = DEFAULT_MEDIA_PORT_MIN;
			z->media_port_max = DEFAULT_MEDIA_PORT_MAX;
		}
	} else if (p->sect == SECT_LISTENER) {
		struct sect_meta *m = &p->lmeta[cfg->n_listeners - 1];

		if (!m->key_line[KEY_L_ZONE])
			return perr(p, m->line, "%s has no zone", p->label);
		if (!m->key_line[KEY_L_TP])
			return perr(p, m->line, "%s has no transport (udp or tcp)", p->label);
		if (!m->key_line[KEY_L_PORT])
			m->port = DEFAULT_SIP_PORT;
	}
	return 0;
}

static int sect_open(struct parser *p, struct pl inner)
{
	struct config *cfg = p->cfg;
	struct pl kind, name;
	const struct sect_def *sd = NULL;
	enum sect s;
	char nbuf[CFG_NAME_MAX];
	int err, i;

	err = sect_finish(p);
	if (err)
		return err;

	inner = pl_trim(inner);
	kind = inner;
	for (kind.l = 0; kind.l < inner.l && !is_blank(inner.p[kind.l]); kind.l++)
		;
	name = pl_trim(pl_make(inner.p + kind.l, inner.l - kind.l));
	for (s = SECT_GENERAL; s < SECT_COUNT; s++) {
		if (pl_casecmp_str(&kind, sects[s].name)) {
			sd = &sects[s];
			break;
		}
	}
	if (!sd)
		return perr(p, p->line, "unknown section [%.*s] (expected general, timers, tcp, udp, "
			    "media, policy, zone or listener)", PL_FMT(inner));
	if (!sd->named) {
		if (name.l)
			return perr(p, p->line, "[%s] takes no name, found \"%.*s\"", sd->name, PL_FMT(name));
		if (p->sect_line[s])
			return perr(p, p->line, "duplicate section [%s] (first at line %u)",
				    sd->name, p->sect_line[s]);
		p->sect_line[s] = p->line;
		p->key_line = p->gkey_line[s];
		p->sect = s;
		snprintf(p->label, sizeof(p->label), "[%s]", sd->name);
		return 0;
	}

	if (!name.l)
		return perr(p, p->line, "[%s] needs a name, as in [%s %s]", sd->name, sd->name,
			    s == SECT_ZONE ? "internal" : "internal-udp");
	if (!name_valid(name))
		return perr(p, p->line, "bad name \"%.*s\" in [%.*s]: use letters, digits, '-', '_' and '.', "
			    "at most %d characters", PL_FMT(name), PL_FMT(inner), CFG_NAME_MAX - 1);
	pl_strcpy(&name, nbuf, sizeof(nbuf));

	if (s == SECT_ZONE) {
		i = zone_find(cfg, nbuf);
		if (i >= 0)
			return perr(p, p->line, "duplicate section [zone %s] (first at line %u)",
				    nbuf, p->zmeta[i].line);
		if (grow((void **)&cfg->zones, cfg->n_zones, sizeof(*cfg->zones)) ||
		    grow((void **)&p->zmeta, cfg->n_zones, sizeof(*p->zmeta)))
			return nomem(p);
		memset(&cfg->zones[cfg->n_zones], 0, sizeof(cfg->zones[0]));
		memset(&p->zmeta[cfg->n_zones], 0, sizeof(p->zmeta[0]));
		memcpy(cfg->zones[cfg->n_zones].name, nbuf, sizeof(nbuf));
		p->zmeta[cfg->n_zones].line = p->line;
		p->key_line = p->zmeta[cfg->n_zones].key_line;
		cfg->n_zones++;
	} else {
		i = listener_find(cfg, nbuf);
		if (i >= 0)
			return perr(p, p->line, "duplicate section [listener %s] (first at line %u)",
				    nbuf, p->lmeta[i].line);
		if (grow((void **)&cfg->listeners, cfg->n_listeners, sizeof(*cfg->listeners)) ||
		    grow((void **)&p->lmeta, cfg->n_listeners, sizeof(*p->lmeta)))
			return nomem(p);
		memset(&cfg->listeners[cfg->n_listeners], 0, sizeof(cfg->listeners[0]));
		memset(&p->lmeta[cfg->n_listeners], 0, sizeof(p->lmeta[0]));
		memcpy(cfg->listeners[cfg->n_listeners].name, nbuf, sizeof(nbuf));
		p->lmeta[cfg->n_listeners].line = p->line;
		p->key_line = p->lmeta[cfg->n_listeners].key_line;
		cfg->n_listeners++;
	}
	p->sect = s;
	snprintf(p->label, sizeof(p->label), "[%s %s]", sd->name, nbuf);
	return 0;
}

static int key_set(struct parser *p, struct pl key, struct pl val)
{
	const struct key_def *keys, *kd = NULL;
	struct config *cfg = p->cfg;
	void *base;
	unsigned i;
	int err;

	if (p->sect == SECT_NONE)
		return perr(p, p->line, "\"%.*s\" comes before any [section]", PL_FMT(key));
	keys = sects[p->sect].keys;
	for (i = 0; keys[i].name; i++) {
		if (pl_casecmp_str(&key, keys[i].name)) {
			kd = &keys[i];
			break;
		}
	}
	if (!kd)
		return perr(p, p->line, "unknown key \"%.*s\" in %s", PL_FMT(key), p->label);
	if (p->key_line[i])
		return perr(p, p->line, "duplicate key \"%s\" in %s (first at line %u)",
			    kd->name, p->label, p->key_line[i]);
	if (!val.l)
		return perr(p, p->line, "no value for %s", kd->name);

	if (p->sect == SECT_ZONE)
		base = &cfg->zones[cfg->n_zones - 1];
	else if (p->sect == SECT_LISTENER)
		base = &cfg->listeners[cfg->n_listeners - 1];
	else
		base = cfg;
	err = kd->parse(p, kd, val, base);
	if (err)
		return err;
	p->key_line[i] = p->line;
	return 0;
}

/* Splits "key = value  # comment" and sets the key. */
static int line_key(struct parser *p, struct pl line)
{
	struct pl key, val;
	size_t i, eq;

	for (eq = 0; eq < line.l; eq++) {
		if (line.p[eq] == '=')
			break;
		if (is_comment(line.p[eq]) && eq && is_blank(line.p[eq - 1]))
			break;
	}
	if (eq == line.l || line.p[eq] != '=')
		return perr(p, p->line, "expected \"key = value\", found \"%.*s\"",
			    PL_FMT(pl_trim(pl_make(line.p, eq))));
	key = pl_trim(pl_make(line.p, eq));
	if (!key.l)
		return perr(p, p->line, "expected \"key = value\", found no key before \"=\"");

	val = pl_trim(pl_make(line.p + eq + 1, line.l - eq - 1));
	if (val.l && val.p[0] == '"') {
		const char *q = memchr(val.p + 1, '"', val.l - 1);
		struct pl rest;

		if (!q)
			return perr(p, p->line, "missing closing quote in the value of \"%.*s\"", PL_FMT(key));
		rest = pl_trim(pl_make(q + 1, (size_t)(val.p + val.l - q - 1)));
		if (rest.l && !is_comment(rest.p[0]))
			return perr(p, p->line, "unexpected \"%.*s\" after the quoted value of \"%.*s\"",
				    PL_FMT(rest), PL_FMT(key));
		val = pl_make(val.p + 1, (size_t)(q - val.p - 1));
	} else {
		for (i = 0; i < val.l; i++) {
			if (is_comment(val.p[i]) && (i == 0 || is_blank(val.p[i - 1])))
				break;
		}
		val = pl_trim(pl_make(val.p, i));
	}
	return key_set(p, key, val);
}

static int line_header(struct parser *p, struct pl line)
{
	const char *close = memchr(line.p, ']', line.l);
	struct pl rest;

	if (!close)
		return perr(p, p->line, "missing \"]\" in the section header \"%.*s\"", PL_FMT(line));
	rest = pl_trim(pl_make(close + 1, (size_t)(line.p + line.l - close - 1)));
	if (rest.l && !is_comment(rest.p[0]))
		return perr(p, p->line, "unexpected \"%.*s\" after the section header", PL_FMT(rest));
	return sect_open(p, pl_make(line.p + 1, (size_t)(close - line.p - 1)));
}

static int check_timers(struct parser *p)
{
	const struct config *cfg = p->cfg;
	const unsigned *kl = p->gkey_line[SECT_TIMERS];

	if (cfg->t2 < cfg->t1)
		return perr(p, kl[KEY_T2] > kl[KEY_T1] ? kl[KEY_T2] : kl[KEY_T1],
			    "t2 (%gs) is shorter than t1 (%gs): t2 caps the retransmission "
			    "interval that starts at t1 (RFC 3261 17.1.2.2)", cfg->t2, cfg->t1);
	return 0;
}

static int check_zones(struct parser *p)
{
	const struct config *cfg = p->cfg;

	for (unsigned j = 1; j < cfg->n_zones; j++) {
		const struct cfg_zone *b = &cfg->zones[j];

		for (unsigned i = 0; i < j; i++) {
			const struct cfg_zone *a = &cfg->zones[i];
			unsigned line = p->zmeta[j].key_line[KEY_Z_PORTS];
			char abuf[INET6_ADDRSTRLEN];

			if (!addr_same(&a->media_addr, &b->media_addr) ||
			    b->media_port_max < a->media_port_min || a->media_port_max < b->media_port_min)
				continue;
			addr_host_fmt(&b->media_addr, abuf, sizeof(abuf));
			return perr(p, line ? line : p->zmeta[j].line,
				    "media ports %u-%u of [zone %s] overlap %u-%u of [zone %s] (line %u) "
				    "on the same media address %s", b->media_port_min, b->media_port_max,
				    b->name, a->media_port_min, a->media_port_max, a->name,
				    p->zmeta[i].line, abuf);
		}
	}
	return 0;
}

static const char *tp_name(enum sip_transport tp)
{
	return tp == SIP_TP_UDP ? "udp" : "tcp";
}

static int check_listeners(struct parser *p)
{
	struct config *cfg = p->cfg;

	if (!cfg->n_listeners)
		return perr(p, 0, "no [listener] section: the daemon would listen nowhere");

	for (unsigned j = 0; j < cfg->n_listeners; j++) {
		struct cfg_listener *l = &cfg->listeners[j];
		const struct sect_meta *m = &p->lmeta[j];
		int z = zone_find(cfg, l->zone);

		if (z < 0)
			return perr(p, m->key_line[KEY_L_ZONE], "[listener %s] names unknown zone \"%s\"",
				    l->name, l->zone);
		l->zone_idx = (unsigned)z;
		if (!m->key_line[KEY_L_ADDR])
			l->addr = cfg->zones[z].sig_addr;
		addr_set_port(&l->addr, m->port);

		/* a wildcard binds the port on every address of its family */
		for (unsigned i = 0; i < j; i++) {
			const struct cfg_listener *o = &cfg->listeners[i];
			char abuf[64], obuf[64];

			if (o->tp != l->tp || o->addr.ss_family != l->addr.ss_family ||
			    addr_port(&o->addr) != m->port)
				continue;
			if (!addr_same(&o->addr, &l->addr) && !addr_is_any(&o->addr) && !addr_is_any(&l->addr))
				continue;
			addr_fmt(&l->addr, abuf, sizeof(abuf));
			addr_fmt(&o->addr, obuf, sizeof(obuf));
			if (addr_same(&o->addr, &l->addr))
				return perr(p, m->line, "[listener %s] binds %s %s like [listener %s] (line %u)",
					    l->name, tp_name(l->tp), abuf, o->name, p->lmeta[i].line);
			return perr(p, m->line, "[listener %s] binds %s %s, which [listener %s] (line %u) "
				    "covers with %s", l->name, tp_name(l->tp), abuf, o->name,
				    p->lmeta[i].line, obuf);
		}
	}
	return 0;
}

static int parse_all(struct parser *p, const char *text, size_t len)
{
	const char *end = text + len;
	const char *s = text;
	int err;

	/* a byte-order mark some editors write */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		s += 3;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		struct pl line = pl_make(s, (size_t)(eol - s));

		p->line++;
		s = nl ? nl + 1 : end;
		if (memchr(line.p, '\0', line.l))
			return perr(p, p->line, "NUL byte: this does not look like a text file");
		line = pl_trim(line);
		if (!line.l || is_comment(line.p[0]))
			continue;
		if (line.p[0] == '[')
			err = line_header(p, line);
		else
			err = line_key(p, line);
		if (err)
			return err;
	}

	err = sect_finish(p);
	if (!err)
		err = check_timers(p);
	if (!err)
		err = check_zones(p);
	if (!err)
		err = check_listeners(p);
	return err;
}

int config_load_text(struct config **cfgp, const char *text, size_t len,
		     const char *origin, char *errbuf, size_t errlen)
{
	struct parser p;
	struct config *cfg;
	int err;

	memset(&p, 0, sizeof(p));
	p.origin = origin ? origin : "(config)";
	p.errbuf = errbuf;
	p.errlen = errlen;
	if (!cfgp || (!text && len))
		return perr(&p, 0, "no configuration given");
	if (len > CFG_FILE_MAX)
		return perr(&p, 0, "larger than %d bytes: is this the configuration file?", CFG_FILE_MAX);

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return nomem(&p);
	config_defaults(cfg);
	p.cfg = cfg;

	err = parse_all(&p, text, len);
	free(p.zmeta);
	free(p.lmeta);
	if (err) {
		config_free(cfg);
		return err;
	}
	*cfgp = cfg;
	return 0;
}

int config_load_file(struct config **cfgp, const char *path, char *errbuf, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, size = 0;
	FILE *f;
	int err = 0;

	f = fopen(path, "rb");
	if (!f) {
		err = errno;
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(err));
		return err;
	}
	/* read in chunks: a pipe or /dev/stdin has no size to ask for */
	for (;;) {
		size_t n;

		if (len == size) {
			char *nb;

			if (size > CFG_FILE_MAX)
				break;
			size = size ? 2 * size : 8192;
			nb = realloc(buf, size);
			if (!nb) {
				err = ENOMEM;
				if (errbuf && errlen)
					snprintf(errbuf, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, size - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = errno ? errno : EIO;
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s: cannot read: %s", path, strerror(err));
		goto out;
	}
	err = config_load_text(cfgp, buf, len, path, errbuf, errlen);
out:
	free(buf);
	fclose(f);
	return err;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->zones);
	free(cfg->listeners);
	free(cfg);
}
