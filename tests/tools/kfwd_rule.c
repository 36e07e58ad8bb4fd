/* Kernel forwarding rules (media/kfwd.h) for a test: opens the forwarder
 * on the given addresses' interfaces, adds each rule, prints "ready", and
 * at the end of its input removes them and prints what each forwarded.
 *
 *   kfwd_rule ADDR[,ADDR...] LOCAL PEER OUT_LOCAL OUT_PEER [LOCAL PEER ...]
 *
 * Every address but the first list's is IP:PORT (IPv4). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/kfwd.h"

#define MAX_ADDRS 8
#define MAX_RULES 16

static int sin_parse(const char *s, struct sockaddr_in *sa)
{
	char ip[64];
	const char *colon = strrchr(s, ':');

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || (size_t)(colon - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addrs[MAX_ADDRS];
	struct media_kfwd_rule rules[MAX_RULES];
	struct media_kfwd *k;
	char list[256], *tok, *save = NULL;
	unsigned n = 0, nrules = 0, i;
	int err, c;

	if (argc < 6 || (argc - 2) % 4 || (argc - 2) / 4 > MAX_RULES) {
		fprintf(stderr, "usage: kfwd_rule ADDR[,ADDR...] LOCAL PEER OUT_LOCAL OUT_PEER [...]\n");
		return 2;
	}
	snprintf(list, sizeof(list), "%s", argv[1]);
	for (tok = strtok_r(list, ",", &save); tok && n < MAX_ADDRS; tok = strtok_r(NULL, ",", &save)) {
		memset(&addrs[n], 0, sizeof(addrs[n]));
		addrs[n].sin_family = AF_INET;
		if (inet_pton(AF_INET, tok, &addrs[n].sin_addr) != 1) {
			fprintf(stderr, "kfwd_rule: bad address %s\n", tok);
			return 2;
		}
		n++;
	}
	for (i = 2; i + 3 < (unsigned)argc; i += 4) {
		struct media_kfwd_rule *r = &rules[nrules++];

		memset(r, 0, sizeof(*r));
		if (sin_parse(argv[i], &r->local) || sin_parse(argv[i + 1], &r->peer) ||
		    sin_parse(argv[i + 2], &r->out_local) || sin_parse(argv[i + 3], &r->out_peer)) {
			fprintf(stderr, "kfwd_rule: bad rule at %s\n", argv[i]);
			return 2;
		}
		r->te_from = r->te_to = -1;
	}
	err = media_kfwd_open(&k, addrs, n);
	if (err) {
		fprintf(stderr, "kfwd_rule: open: %s\n", strerror(err));
		return err == EPERM || err == ENOTSUP ? 77 : 1;
	}
	for (i = 0; i < nrules; i++) {
		err = media_kfwd_add(k, &rules[i]);
		if (err) {
			fprintf(stderr, "kfwd_rule: rule %u: %s\n", i + 1, strerror(err));
			media_kfwd_close(k);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while ((c = getchar()) != EOF)
		;
	for (i = 0; i < nrules; i++) {
		struct media_kfwd_counts cnt;

		err = media_kfwd_del(k, &rules[i].local, &cnt);
		if (err)
			printf("rule %u: %s\n", i + 1, strerror(err));
		else
			printf("rule %u: %llu packets, %llu bytes\n", i + 1, (unsigned long long)cnt.packets,
			       (unsigned long long)cnt.bytes);
	}
	media_kfwd_close(k);
	return 0;
}
