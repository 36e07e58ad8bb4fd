/* The configuration file: what loads, to which values, and the exact
 * message (file and line) for each way a file can be wrong. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/log.h"
#include "core/config.h"

#define CFG_DIR TEST_DATA_DIR "/config/"

static struct config *load_ok(const char *name)
{
	struct config *cfg = NULL;
	char err[256] = "";
	int rc = config_load_file(&cfg, name, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s: rc %d: %s", name, rc, err);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static void assert_v4(const struct sockaddr_storage *ss, const char *addr, unsigned port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char buf[INET_ADDRSTRLEN];

	ck_assert_int_eq(ss->ss_family, AF_INET);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)));
	ck_assert_str_eq(buf, addr);
	ck_assert_uint_eq(ntohs(sin->sin_port), port);
}

static void assert_v6(const struct sockaddr_storage *ss, const char *addr, unsigned port,
		      unsigned scope)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(ss->ss_family, AF_INET6);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)));
	ck_assert_str_eq(buf, addr);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), port);
	ck_assert_uint_eq(sin6->sin6_scope_id, scope);
}

static const struct cfg_listener *listener(const struct config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_listeners; i++) {
		if (strcmp(cfg->listeners[i].name, name) == 0)
			return &cfg->listeners[i];
	}
	ck_abort_msg("no listener %s", name);
	return NULL;
}

START_TEST(default_text_is_the_loopback_lab)
{
	const char *text = config_default_text();
	struct config *cfg = NULL;
	char err[256] = "";
	const struct cfg_listener *l;

	ck_assert_int_eq(config_load_text(&cfg, text, strlen(text), "default", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");

	ck_assert_uint_eq(cfg->n_zones, 2);
	ck_assert_str_eq(cfg->zones[0].name, "internal");
	assert_v4(&cfg->zones[0].sig_addr, "127.0.0.1", 0);
	assert_v4(&cfg->zones[0].media_addr, "127.0.0.1", 0);
	ck_assert_uint_eq(cfg->zones[0].media_port_min, 20000);
	ck_assert_uint_eq(cfg->zones[0].media_port_max, 29999);
	ck_assert_str_eq(cfg->zones[1].name, "external");
	assert_v4(&cfg->zones[1].sig_addr, "127.0.0.2", 0);
	assert_v4(&cfg->zones[1].media_addr, "127.0.0.2", 0);
	ck_assert_uint_eq(cfg->zones[1].media_port_min, 30000);
	ck_assert_uint_eq(cfg->zones[1].media_port_max, 39999);

	ck_assert_uint_eq(cfg->n_listeners, 4);
	l = listener(cfg, "internal-udp");
	ck_assert_int_eq(l->tp, SIP_TP_UDP);
	ck_assert_str_eq(l->zone, "internal");
	ck_assert_uint_eq(l->zone_idx, 0);
	assert_v4(&l->addr, "127.0.0.1", 5060);
	l = listener(cfg, "internal-tcp");
	ck_assert_int_eq(l->tp, SIP_TP_TCP);
	ck_assert_uint_eq(l->zone_idx, 0);
	assert_v4(&l->addr, "127.0.0.1", 5060);
	l = listener(cfg, "external-udp");
	ck_assert_int_eq(l->tp, SIP_TP_UDP);
	ck_assert_str_eq(l->zone, "external");
	ck_assert_uint_eq(l->zone_idx, 1);
	assert_v4(&l->addr, "127.0.0.2", 5060);
	l = listener(cfg, "external-tcp");
	ck_assert_int_eq(l->tp, SIP_TP_TCP);
	ck_assert_uint_eq(l->zone_idx, 1);
	assert_v4(&l->addr, "127.0.0.2", 5060);

	ck_assert_int_eq(cfg->log_level, LOG_LVL_INFO);
	ck_assert_str_eq(cfg->user_agent, "b2bua");
	ck_assert_double_eq(cfg->t1, 0.5);
	ck_assert_double_eq(cfg->t2, 4.0);
	ck_assert_double_eq(cfg->t4, 5.0);
	ck_assert_uint_eq(cfg->tcp_max_conns, 4096);
	ck_assert_double_eq(cfg->tcp_idle_timeout, 300.0);
	ck_assert_double_eq(cfg->tcp_partial_timeout, 10.0);
	ck_assert_uint_eq(cfg->udp_size_limit, 1300);
	ck_assert_str_eq(cfg->policy_db, "b2bua.db");
	config_free(cfg);
}
END_TEST

/* The default text documents the defaults: a file leaving the sections
 * out must load to the values the default text spells out. */
START_TEST(sections_left_out_take_the_documented_defaults)
{
	const char *text = config_default_text();
	struct config *def = NULL, *cfg = load_ok(CFG_DIR "minimal.conf");
	char err[256];

	ck_assert_int_eq(config_load_text(&def, text, strlen(text), "default", err, sizeof(err)), 0);
	ck_assert_int_eq(cfg->log_level, def->log_level);
	ck_assert_str_eq(cfg->user_agent, def->user_agent);
	ck_assert_double_eq(cfg->t1, def->t1);
	ck_assert_double_eq(cfg->t2, def->t2);
	ck_assert_double_eq(cfg->t4, def->t4);
	ck_assert_uint_eq(cfg->tcp_max_conns, def->tcp_max_conns);
	ck_assert_double_eq(cfg->tcp_idle_timeout, def->tcp_idle_timeout);
	ck_assert_double_eq(cfg->tcp_partial_timeout, def->tcp_partial_timeout);
	ck_assert_uint_eq(cfg->udp_size_limit, def->udp_size_limit);
	ck_assert_str_eq(cfg->policy_db, def->policy_db);
	config_free(def);
	config_free(cfg);
}
END_TEST

START_TEST(zone_and_listener_keys_left_out_take_their_defaults)
{
	struct config *cfg = load_ok(CFG_DIR "minimal.conf");

	ck_assert_uint_eq(cfg->n_zones, 1);
	assert_v4(&cfg->zones[0].sig_addr, "192.0.2.10", 0);
	/* media defaults to the signalling address and 20000-29999 */
	assert_v4(&cfg->zones[0].media_addr, "192.0.2.10", 0);
	ck_assert_uint_eq(cfg->zones[0].media_port_min, 20000);
	ck_assert_uint_eq(cfg->zones[0].media_port_max, 29999);
	/* a listener binds its zone's signalling address, port 5060 */
	ck_assert_uint_eq(cfg->n_listeners, 1);
	ck_assert_int_eq(cfg->listeners[0].tp, SIP_TP_UDP);
	assert_v4(&cfg->listeners[0].addr, "192.0.2.10", 5060);
	config_free(cfg);
}
END_TEST

START_TEST(durations_take_each_unit)
{
	struct config *cfg = load_ok(CFG_DIR "durations.conf");

	ck_assert_double_eq(cfg->t1, 0.25);		/* 250ms */
	ck_assert_double_eq(cfg->t2, 2.0);		/* 2 s, a blank before the unit */
	ck_assert_double_eq(cfg->t4, 60.0);		/* 1m */
	ck_assert_double_eq(cfg->tcp_idle_timeout, 7200.0);	/* 2h */
	ck_assert_double_eq(cfg->tcp_partial_timeout, 1.5);	/* 1500ms */
	ck_assert_uint_eq(cfg->tcp_max_conns, 1000000);
	ck_assert_uint_eq(cfg->udp_size_limit, 65507);
	ck_assert_int_eq(cfg->listeners[0].tp, SIP_TP_TCP);
	config_free(cfg);
}
END_TEST

START_TEST(comments_quotes_crlf_and_case)
{
	struct config *cfg = load_ok(CFG_DIR "comments.conf");

	ck_assert_int_eq(cfg->log_level, LOG_LVL_DEBUG);
	ck_assert_str_eq(cfg->user_agent, "acme sbc #1; edge");
	ck_assert_str_eq(cfg->policy_db, "/var/lib/b2bua/policy;v2.db");
	ck_assert_uint_eq(cfg->n_zones, 1);
	ck_assert_str_eq(cfg->zones[0].name, "Core.1");
	assert_v4(&cfg->zones[0].sig_addr, "198.51.100.7", 0);
	assert_v4(&cfg->zones[0].media_addr, "198.51.100.8", 0);
	ck_assert_uint_eq(cfg->n_listeners, 1);
	ck_assert_str_eq(cfg->listeners[0].zone, "Core.1");
	ck_assert_int_eq(cfg->listeners[0].tp, SIP_TP_UDP);
	assert_v4(&cfg->listeners[0].addr, "198.51.100.7", 5080);
	config_free(cfg);
}
END_TEST

START_TEST(ipv6_bare_bracketed_and_scoped)
{
	struct config *cfg = load_ok(CFG_DIR "ipv6.conf");
	unsigned lo = if_nametoindex("lo");
	const struct cfg_listener *l;

	ck_assert_uint_ne(lo, 0);
	ck_assert_uint_eq(cfg->n_zones, 2);
	assert_v6(&cfg->zones[0].sig_addr, "2001:db8::1", 0, 0);
	assert_v6(&cfg->zones[0].media_addr, "2001:db8::2", 0, 0);
	ck_assert_uint_eq(cfg->zones[0].media_port_min, 40000);
	ck_assert_uint_eq(cfg->zones[0].media_port_max, 40099);
	assert_v6(&cfg->zones[1].sig_addr, "fe80::1", 0, lo);
	assert_v6(&cfg->zones[1].media_addr, "fe80::2", 0, 7);

	ck_assert_uint_eq(cfg->n_listeners, 3);
	l = listener(cfg, "v6-udp");
	assert_v6(&l->addr, "2001:db8::1", 5062, 0);
	ck_assert_uint_eq(l->zone_idx, 0);
	/* the wildcard binds tcp only: no clash with the udp listener */
	l = listener(cfg, "v6-any");
	assert_v6(&l->addr, "::", 5062, 0);
	ck_assert_int_eq(l->tp, SIP_TP_TCP);
	l = listener(cfg, "ll-udp");
	assert_v6(&l->addr, "fe80::1", 5060, lo);
	ck_assert_uint_eq(l->zone_idx, 1);
	config_free(cfg);
}
END_TEST

static const char lan[] =
	"[zone lan]\n"
	"signalling = 192.0.2.1\n"
	"[listener lan]\n"
	"zone = lan\n"
	"transport = udp\n";

static struct config *load_text_ok(const char *text, size_t len)
{
	struct config *cfg = NULL;
	char err[256] = "";
	int rc = config_load_text(&cfg, text, len, "t.conf", err, sizeof(err));

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	return cfg;
}

START_TEST(comment_needs_a_blank_before_it)
{
	char text[512];
	struct config *cfg;

	snprintf(text, sizeof(text), "%s[general]\nuser_agent = b2bua#1;x\n", lan);
	cfg = load_text_ok(text, strlen(text));
	ck_assert_str_eq(cfg->user_agent, "b2bua#1;x");
	config_free(cfg);

	snprintf(text, sizeof(text), "%s[general]\nuser_agent = b2bua ;x\n", lan);
	cfg = load_text_ok(text, strlen(text));
	ck_assert_str_eq(cfg->user_agent, "b2bua");
	config_free(cfg);
}
END_TEST

START_TEST(text_is_read_to_len_only)
{
	char text[512];
	size_t len;
	struct config *cfg;

	/* what follows len would be an error if it were read */
	snprintf(text, sizeof(text), "%s[garbage", lan);
	len = strlen(lan);
	cfg = load_text_ok(text, len);
	ck_assert_uint_eq(cfg->n_listeners, 1);
	config_free(cfg);
}
END_TEST

START_TEST(byte_order_mark_and_last_line_without_newline)
{
	char text[512];
	struct config *cfg;

	snprintf(text, sizeof(text), "\xEF\xBB\xBF%sport = 5099", lan);
	cfg = load_text_ok(text, strlen(text));
	assert_v4(&cfg->listeners[0].addr, "192.0.2.1", 5099);
	config_free(cfg);
}
END_TEST

START_TEST(wildcards_of_different_families_do_not_clash)
{
	static const char text[] =
		"[zone lan]\nsignalling = 192.0.2.1\n"
		"[listener v4]\nzone = lan\ntransport = udp\naddress = 0.0.0.0\n"
		"[listener v6]\nzone = lan\ntransport = udp\naddress = [::]\n";
	struct config *cfg = load_text_ok(text, strlen(text));

	assert_v4(&listener(cfg, "v4")->addr, "0.0.0.0", 5060);
	assert_v6(&listener(cfg, "v6")->addr, "::", 5060, 0);
	config_free(cfg);
}
END_TEST

/* the operator-facing example of the header comment, to the letter */
START_TEST(error_names_origin_line_key_and_section)
{
	struct mbuf *mb = test_read_data("config/err-unknown-key.conf");
	struct config *cfg = (struct config *)&mb;	/* must stay untouched */
	char err[256] = "";

	ck_assert_int_eq(config_load_text(&cfg, mb->data, mb->len, "b2bua.conf", err, sizeof(err)),
			 EINVAL);
	ck_assert_str_eq(err, "b2bua.conf:14: unknown key \"prot\" in [listener internal-udp]");
	ck_assert_ptr_eq(cfg, (struct config *)&mb);
	mbuf_unref(mb);
}
END_TEST

START_TEST(missing_file_reports_errno)
{
	struct config *cfg = NULL;
	char err[256] = "";

	ck_assert_int_eq(config_load_file(&cfg, CFG_DIR "no-such.conf", err, sizeof(err)), ENOENT);
	ck_assert_str_eq(err, CFG_DIR "no-such.conf: cannot open: No such file or directory");
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(nul_byte_is_refused)
{
	static const char text[] = "[general]\nlog_level = info\0\n";
	struct config *cfg = NULL;
	char err[256] = "";

	ck_assert_int_eq(config_load_text(&cfg, text, sizeof(text) - 1, "t.conf", err, sizeof(err)),
			 EINVAL);
	ck_assert_str_eq(err, "t.conf:2: NUL byte: this does not look like a text file");
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(oversized_text_is_refused)
{
	size_t len = CFG_FILE_MAX + 1;
	char *text = malloc(len);
	struct config *cfg = NULL;
	char err[256] = "";

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', len);
	ck_assert_int_eq(config_load_text(&cfg, text, len, "big.conf", err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "big.conf: larger than 1048576 bytes: is this the configuration file?");
	ck_assert_ptr_null(cfg);
	free(text);
}
END_TEST

START_TEST(small_or_absent_error_buffer_is_safe)
{
	static const char text[] = "[nope]\n";
	struct config *cfg = NULL;
	char err[8];

	ck_assert_int_eq(config_load_text(&cfg, text, strlen(text), "t.conf", NULL, 0), EINVAL);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(config_load_text(&cfg, text, strlen(text), "t.conf", err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "t.conf:");
	ck_assert_ptr_null(cfg);
}
END_TEST

/* one file per way to be wrong, with the message an operator sees */
static const struct {
	const char *file;
	const char *msg;	/* after "PATH:" */
} bad[] = {
	{ "err-unknown-key.conf", "14: unknown key \"prot\" in [listener internal-udp]" },
	{ "err-unknown-sources.conf", "7: unknown_sources must be reject or drop, not \"ignore\"" },
	{ "err-kernel-forward.conf", "2: kernel_forward must be auto or off, not \"on\"" },
	{ "err-unknown-section.conf", "3: unknown section [zones external] (expected general, timers, "
	  "tcp, udp, media, policy, zone or listener)" },
	{ "err-missing-equals.conf", "2: expected \"key = value\", found \"signalling 127.0.0.1\"" },
	{ "err-bad-number.conf", "2: bad number \"4k\" for max_connections: expected a whole number "
	  "from 1 to 1000000" },
	{ "err-number-out-of-range.conf", "2: size_limit = 70000 is out of range: expected a whole "
	  "number from 1 to 65507" },
	{ "err-bad-duration.conf", "3: bad duration \"4 seconds\" for t2: expected a whole number and "
	  "a unit, as in 500ms, 4s or 5m" },
	{ "err-duration-without-unit.conf", "2: duration \"300\" for idle_timeout needs a unit: "
	  "ms, s, m or h" },
	{ "err-duration-zero.conf", "2: t4 must be longer than zero" },
	{ "err-bad-address.conf", "7: bad address \"127.0.0.1:5060\" for address: expected an IPv4 or "
	  "IPv6 address without a port (host names are not resolved)" },
	{ "err-host-name.conf", "2: bad address \"sbc.example.com\" for signalling: expected an IPv4 "
	  "or IPv6 address without a port (host names are not resolved)" },
	{ "err-port-out-of-range.conf", "7: port 70000 out of range (1-65535)" },
	{ "err-port-zero.conf", "7: port 0 out of range (1-65535)" },
	{ "err-unknown-zone.conf", "2: [listener internal-udp] names unknown zone \"intern\"" },
	{ "err-duplicate-listener.conf", "15: [listener c] binds udp 127.0.0.1:5060 like "
	  "[listener a] (line 4)" },
	{ "err-wildcard-clash.conf", "10: [listener one] binds tcp 127.0.0.1:5070, which "
	  "[listener all] (line 4) covers with 0.0.0.0:5070" },
	{ "err-zone-without-signalling.conf", "4: [zone external] has no signalling address" },
	{ "err-t2-below-t1.conf", "3: t2 (0.4s) is shorter than t1 (0.5s): t2 caps the "
	  "retransmission interval that starts at t1 (RFC 3261 17.1.2.2)" },
	{ "err-t1-above-default-t2.conf", "2: t2 (4s) is shorter than t1 (5s): t2 caps the "
	  "retransmission interval that starts at t1 (RFC 3261 17.1.2.2)" },
	{ "err-no-listeners.conf", " no [listener] section: the daemon would listen nowhere" },
	{ "err-duplicate-section.conf", "7: duplicate section [timers] (first at line 1)" },
	{ "err-duplicate-zone.conf", "4: duplicate section [zone internal] (first at line 1)" },
	{ "err-duplicate-listener-name.conf", "8: duplicate section [listener in] (first at line 4)" },
	{ "err-duplicate-key.conf", "4: duplicate key \"signalling\" in [zone internal] "
	  "(first at line 2)" },
	{ "err-tls.conf", "6: tls is not supported yet" },
	{ "err-unknown-transport.conf", "6: unknown transport \"sctpx\": expected udp or tcp" },
	{ "err-bad-log-level.conf", "2: unknown log_level \"verbose\": expected error, warn, notice, "
	  "info or debug" },
	{ "err-link-local-without-scope.conf", "2: link-local address \"fe80::1\" for signalling "
	  "needs a %scope, as in fe80::1%eth0" },
	{ "err-scope-not-link-local.conf", "2: address \"2001:db8::1%lo\" for signalling: a %scope "
	  "applies only to link-local addresses (fe80::/10)" },
	{ "err-unknown-interface.conf", "2: unknown interface \"nosuchif0\" in address "
	  "\"[fe80::1%nosuchif0]\" for signalling" },
	{ "err-media-ports-overlap.conf", "7: media ports 29000-39999 of [zone external] overlap "
	  "20000-29999 of [zone internal] (line 1) on the same media address 10.0.0.1" },
	{ "err-media-ports-reversed.conf", "3: port range 29999-20000 for media_ports: the first "
	  "port must be below the last (RTP and RTCP need two)" },
	{ "err-listener-without-transport.conf", "4: [listener internal-udp] has no transport "
	  "(udp or tcp)" },
	{ "err-listener-without-zone.conf", "1: [listener internal-udp] has no zone" },
	{ "err-section-needs-name.conf", "3: [zone] needs a name, as in [zone internal]" },
	{ "err-section-takes-no-name.conf", "1: [timers] takes no name, found \"default\"" },
	{ "err-bad-section-name.conf", "1: bad name \"internal udp\" in [listener internal udp]: use "
	  "letters, digits, '-', '_' and '.', at most 31 characters" },
	{ "err-key-before-section.conf", "2: \"log_level\" comes before any [section]" },
	{ "err-missing-bracket.conf", "1: missing \"]\" in the section header \"[zone internal\"" },
	{ "err-missing-quote.conf", "2: missing closing quote in the value of \"user_agent\"" },
	{ "err-signalling-wildcard.conf", "2: signalling = 0.0.0.0: a wildcard address cannot be "
	  "advertised; give the address peers reach us at" },
	{ "err-user-agent-too-long.conf", "3: user_agent is longer than 63 characters" },
	{ "err-empty-value.conf", "2: no value for database" },
};

START_TEST(each_error_names_file_line_and_cause)
{
	struct config *cfg = NULL;
	char path[512], want[1024], err[512] = "";

	snprintf(path, sizeof(path), CFG_DIR "%s", bad[_i].file);
	snprintf(want, sizeof(want), "%s:%s", path, bad[_i].msg);
	ck_assert_int_eq(config_load_file(&cfg, path, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_media_timeouts_default_and_set)
{
	struct config *min = load_ok(CFG_DIR "minimal.conf");
	struct config *cfg = load_ok(CFG_DIR "media.conf");

	ck_assert(min->media_timeout == 60.0 && min->media_hold_timeout == 3600.0);
	ck_assert(cfg->media_timeout == 3.0 && cfg->media_hold_timeout == 600.0);
	ck_assert(min->media_kfwd && !cfg->media_kfwd);
	config_free(min);
	config_free(cfg);
}
END_TEST

START_TEST(test_listener_unknown_sources_reject_by_default_or_drop)
{
	struct config *cfg = load_ok(CFG_DIR "unknown-sources.conf");
	struct config *min = load_ok(CFG_DIR "minimal.conf");

	ck_assert_uint_eq(cfg->n_listeners, 2);
	ck_assert(cfg->listeners[0].drop_unknown);
	ck_assert(!cfg->listeners[1].drop_unknown);
	ck_assert(!min->listeners[0].drop_unknown);
	config_free(cfg);
	config_free(min);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, default_text_is_the_loopback_lab);
	tcase_add_test(tc, test_listener_unknown_sources_reject_by_default_or_drop);
	tcase_add_test(tc, test_media_timeouts_default_and_set);
	tcase_add_test(tc, sections_left_out_take_the_documented_defaults);
	tcase_add_test(tc, zone_and_listener_keys_left_out_take_their_defaults);
	tcase_add_test(tc, durations_take_each_unit);
	tcase_add_test(tc, comments_quotes_crlf_and_case);
	tcase_add_test(tc, ipv6_bare_bracketed_and_scoped);
	tcase_add_test(tc, comment_needs_a_blank_before_it);
	tcase_add_test(tc, text_is_read_to_len_only);
	tcase_add_test(tc, byte_order_mark_and_last_line_without_newline);
	tcase_add_test(tc, wildcards_of_different_families_do_not_clash);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, error_names_origin_line_key_and_section);
	tcase_add_test(tc, missing_file_reports_errno);
	tcase_add_test(tc, nul_byte_is_refused);
	tcase_add_test(tc, oversized_text_is_refused);
	tcase_add_test(tc, small_or_absent_error_buffer_is_safe);
	tcase_add_loop_test(tc, each_error_names_file_line_and_cause, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(config_suite());
}
