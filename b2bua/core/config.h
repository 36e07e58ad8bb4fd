/* The daemon's configuration file.
 *
 * An INI-style text an operator edits by hand:
 *
 *   # a comment; ';' starts one too
 *   [section]                 general, timers, tcp, udp, policy
 *   [section name]            zone NAME, listener NAME
 *   key = value               # a comment may end any line
 *   key = "value # with ;"    quotes keep '#' and ';' in a value
 *
 * '#' and ';' start a comment at the beginning of a line or after
 * whitespace, so "b2bua;v=1" is a value but "b2bua ;v=1" is "b2bua".
 * Section kinds, keys and the words of enumerated values (log levels,
 * transports) are case-insensitive; zone and listener names are not.
 * Names are 1 to 31 characters of letters, digits, '-', '_' and '.'.
 *
 * Values:
 *   durations  a whole number and a unit: 500ms, 4s, 5m, 1h
 *   sizes      a plain whole number (bytes or a count)
 *   addresses  IPv4 (127.0.0.1) or IPv6, bare or in brackets (::1, [::1]),
 *              with %scope for a link-local one (fe80::1%eth0, [fe80::1%2]);
 *              no host names: nothing is resolved while loading
 *   port range FIRST-LAST, as in 20000-29999
 *
 * Sections absent from the file keep their defaults; zones and listeners
 * have none, and at least one listener is required.  Every key and its
 * default is documented in the embedded default configuration, printed by
 * `b2bua --print-default-config` (config_default_text()): it is the
 * loopback lab, two zones with a UDP and a TCP listener each.
 *
 * Loading stops at the first error and reports it as
 *
 *   b2bua.conf:14: unknown key "prot" in [listener internal-udp]
 *
 * naming the origin (the path as given) and the line; errors about the
 * file as a whole carry no line number.
 */
#ifndef B2BUA_CORE_CONFIG_H
#define B2BUA_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../sip/sip.h"

enum {
	CFG_NAME_MAX = 32,		/* zone and listener names, NUL included */
	CFG_USER_AGENT_MAX = 64,
	CFG_PATH_MAX = 256,
	CFG_FILE_MAX = 1024 * 1024,	/* bytes of one configuration file */
};

/* A zone: one side of the border, with the addresses we show on it. */
struct cfg_zone {
	char name[CFG_NAME_MAX];
	/* the address in our Via and Contact on this zone (port 0: each
	 * listener brings its own) */
	struct sockaddr_storage sig_addr;
	/* the address in our SDP on this zone; defaults to sig_addr (port 0) */
	struct sockaddr_storage media_addr;
	uint16_t media_port_min, media_port_max;	/* inclusive */
};

/* A socket the daemon binds and the zone its traffic belongs to. */
struct cfg_listener {
	char name[CFG_NAME_MAX];
	char zone[CFG_NAME_MAX];
	unsigned zone_idx;		/* index of that zone in config.zones */
	enum sip_transport tp;		/* SIP_TP_UDP or SIP_TP_TCP */
	struct sockaddr_storage addr;	/* address and port to bind */
	bool drop_unknown;		/* INVITEs from no trunk dropped, not 403 */
};

struct config {
	int log_level;			/* an enum log_level (base/log.h) */
	char user_agent[CFG_USER_AGENT_MAX];	/* our Server/User-Agent value */
	double t1, t2, t4;		/* seconds; RFC 3261 17 */
	unsigned tcp_max_conns;
	double tcp_idle_timeout;	/* seconds */
	double tcp_partial_timeout;	/* seconds a partial message may take */
	size_t udp_size_limit;		/* RFC 3261 18.1.1: larger goes over TCP */
	double media_timeout;		/* seconds without RTP from a sending side */
	double media_hold_timeout;	/* the same for a side on hold */
	bool media_kfwd;		/* kernel_forward = auto: plain RTP in the kernel where it loads */
	struct cfg_zone *zones;
	unsigned n_zones;
	struct cfg_listener *listeners;
	unsigned n_listeners;
	char policy_db[CFG_PATH_MAX];	/* SQLite policy database path */
};

/* Reads and validates a configuration file.
 *   cfgp    receives the configuration, only on success
 *   path    the file; also the origin named in error messages
 *   errbuf  receives "origin:line: what is wrong" on failure (may be NULL)
 * returns 0, EINVAL for an invalid file, ENOMEM, or the errno of opening
 * or reading the file (ENOENT, EACCES ...), each with errbuf set. */
int config_load_file(struct config **cfgp, const char *path, char *errbuf, size_t errlen);

/* The same from text in memory (need not be NUL-terminated).
 *   origin  names the text in error messages, as a path would
 * returns 0, EINVAL or ENOMEM. */
int config_load_text(struct config **cfgp, const char *text, size_t len,
		     const char *origin, char *errbuf, size_t errlen);

/* The embedded default configuration (the loopback lab), with a comment
 * on every key: a static NUL-terminated string. */
const char *config_default_text(void);

/* NULL is fine */
void config_free(struct config *cfg);

#endif
