/* b2bua: the daemon.  Runs in the foreground; logs go to stderr. */
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/config.h"
#include "core/sipcore.h"
#include "sip/sip.h"

/* seconds a due timer may wait for the loop to wake for something else */
static const double timer_slack = 0.05;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: b2bua [-c FILE] [-l LEVEL]\n"
		"       b2bua --print-default-config\n"
		"\n"
		"  -c, --config FILE        configuration file (default: the embedded\n"
		"                           loopback lab configuration)\n"
		"  -l, --log-level LEVEL    error, warn, notice, info or debug;\n"
		"                           overrides [general] log_level\n"
		"      --check-config       load the configuration, report, and exit\n"
		"      --print-default-config\n"
		"                           print the embedded configuration and exit\n"
		"  -h, --help\n"
		"\n"
		"SIGTERM or SIGINT stops it; SIGUSR1 logs its counters (calls, messages,\n"
		"media ports per zone).\n");
}

static void counters_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	sipcore_log_counters(w->data);
}

static void stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_notice(NULL, "signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "print-default-config", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *level = NULL;
	bool check_only = false;
	struct config *cfg = NULL;
	struct sipcore *sc = NULL;
	struct ev_loop *loop;
	ev_signal sigterm, sigint, sigusr1;
	char err[512];
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'l':
			level = optarg;
			break;
		case 'C':
			check_only = true;
			break;
		case 'P':
			fputs(config_default_text(), stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if (path)
		rc = config_load_file(&cfg, path, err, sizeof(err));
	else
		rc = config_load_text(&cfg, config_default_text(), strlen(config_default_text()),
				      "(embedded default)", err, sizeof(err));
	if (rc) {
		fprintf(stderr, "b2bua: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("%s: ok (%u zones, %u listeners)\n", path ? path : "(embedded default)",
		       cfg->n_zones, cfg->n_listeners);
		config_free(cfg);
		return 0;
	}
	log_set_level((enum log_level)cfg->log_level);
	if (level) {
		int l = log_level_parse(level);
		if (l < 0) {
			fprintf(stderr, "b2bua: unknown log level \"%s\"\n", level);
			config_free(cfg);
			return 2;
		}
		log_set_level((enum log_level)l);
	}
	/* a peer closing a stream must not kill us: write errors are handled */
	signal(SIGPIPE, SIG_IGN);

	loop = ev_default_loop(EVFLAG_AUTO);
	if (!loop) {
		fprintf(stderr, "b2bua: cannot create the event loop\n");
		config_free(cfg);
		return 1;
	}
	/* Timers never wake the loop on their own sooner than this: a timer
	 * that falls due while messages keep arriving runs at the next
	 * message, so the transactions' many end timers (J, K, L, M) cost no
	 * wake-up of their own.  Every timer may fire up to this much late;
	 * the shortest one, T1's first retransmission, is 500 ms. */
	ev_set_timeout_collect_interval(loop, timer_slack);
	rc = sipcore_alloc(&sc, loop, cfg);
	if (rc) {
		log_err(NULL, "cannot start: %s", strerror(rc));
		config_free(cfg);
		return 1;
	}
	log_notice(NULL, "b2bua started with %s", path ? path : "the embedded default configuration");

	ev_signal_init(&sigterm, stop_cb, SIGTERM);
	ev_signal_start(loop, &sigterm);
	ev_signal_init(&sigint, stop_cb, SIGINT);
	ev_signal_start(loop, &sigint);
	ev_signal_init(&sigusr1, counters_cb, SIGUSR1);
	sigusr1.data = sc;
	ev_signal_start(loop, &sigusr1);
	ev_run(loop, 0);

	ev_signal_stop(loop, &sigterm);
	ev_signal_stop(loop, &sigint);
	ev_signal_stop(loop, &sigusr1);
	sipcore_free(sc);
	sip_msg_cache_flush();
	config_free(cfg);
	ev_loop_destroy(loop);
	log_notice(NULL, "b2bua stopped");
	return 0;
}
