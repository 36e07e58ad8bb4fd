/* The in-kernel forwarder (kfwd.h): loads the embedded TC program
 * (kfwd.bpf.c), attaches it on the ingress of the interfaces that own our
 * media addresses, and keeps its rule map.  Every call is a system call on
 * the map; nothing here runs per packet. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "media/kfwd_abi.h"
#include "media/kfwd_int.h"
#include "media/log.h"

#define KFWD_PROG "kfwd_ingress"
#define KFWD_MAP "kfwd_rules"
#define LOOPBACK_NET 0x7f000000u	/* 127.0.0.0/8, host order */
#define LOOPBACK_MASK 0xff000000u
/* the kernel's own "not supported", which some bpf() paths return */
#define KERNEL_ENOTSUPP 524

struct kfwd_dev {
	unsigned ifindex;
	bool loopback;
	bool hook_created;	/* we made its clsact: removed with our filter */
};

/* an address given to open and the interface that owns it */
struct kfwd_addr {
	uint32_t addr;		/* network order */
	unsigned dev;		/* index into devs */
};

struct media_kfwd {
	struct bpf_object *obj;
	int prog_fd, map_fd;
	uint32_t prog_id;
	int claim_fd;		/* holds our priority in this namespace, or -1 */
	uint32_t prio;		/* our filters' tc priority */
	struct kfwd_dev *devs;
	unsigned ndevs;
	struct kfwd_addr *addrs;
	unsigned naddrs;
};

/* libbpf's warnings (a verifier refusal above all) through our log.  The
 * kernel's netlink messages come as warnings too, also where a refusal is
 * expected (no filter of ours to replace, the clsact already there): those
 * are debug, and the error that matters comes back as a value. */
__attribute__((format(printf, 2, 0)))
static int kfwd_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	media_logf(strstr(msg, "Kernel error message") ? MEDIA_LOG_DEBUG : MEDIA_LOG_WARN,
		   "kfwd: %s", msg);
	return 0;
}

static void kfwd_libbpf_init(void)
{
	libbpf_set_print(kfwd_libbpf_print);
}

/* a bpf() failure: EPERM when not privileged, ENOMEM, else no BPF for us */
static int kfwd_err(int err)
{
	if (err < 0)
		err = -err;
	if (err == EPERM || err == ENOMEM)
		return err;
	return ENOTSUP;
}

static bool is_loopback_addr(uint32_t addr)
{
	return (ntohl(addr) & LOOPBACK_MASK) == LOOPBACK_NET;
}

/* The interface that owns addr (network order): one with that address, or
 * for 127.0.0.0/8 a loopback interface whose network contains it (lo has
 * 127.0.0.1/8 and answers for all of it).  0 or ENOENT. */
static int kfwd_if_find(const struct ifaddrs *ifs, uint32_t addr, unsigned *ifindex,
			bool *loopback)
{
	const struct ifaddrs *ifa, *net = NULL;
	const struct sockaddr_in *a, *m;
	char name[IF_NAMESIZE];
	char *colon;

	for (ifa = ifs; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET)
			continue;
		a = (const struct sockaddr_in *)(const void *)ifa->ifa_addr;
		m = (const struct sockaddr_in *)(const void *)ifa->ifa_netmask;
		if (a->sin_addr.s_addr == addr)
			break;
		if (!net && (ifa->ifa_flags & IFF_LOOPBACK) && is_loopback_addr(addr) && m &&
		    ((a->sin_addr.s_addr ^ addr) & m->sin_addr.s_addr) == 0)
			net = ifa;
	}
	if (!ifa)
		ifa = net;
	if (!ifa || strlen(ifa->ifa_name) >= sizeof(name))
		return ENOENT;
	/* an address label (eth0:1) names its device before the colon */
	memcpy(name, ifa->ifa_name, strlen(ifa->ifa_name) + 1);
	colon = strchr(name, ':');
	if (colon)
		*colon = '\0';
	*ifindex = if_nametoindex(name);
	*loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
	return *ifindex ? 0 : ENOENT;
}

static int kfwd_load(struct media_kfwd **kp)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct media_kfwd *k;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int err;

	pthread_once(&once, kfwd_libbpf_init);
	k = calloc(1, sizeof(*k));
	if (!k)
		return ENOMEM;
	k->claim_fd = -1;
	k->prio = MEDIA_KFWD_TC_PRIO;
	k->obj = bpf_object__open_mem(media_kfwd_bpf_obj, media_kfwd_bpf_obj_len, NULL);
	if (!k->obj) {
		err = errno == ENOMEM ? ENOMEM : ENOTSUP;
		goto out;
	}
	err = bpf_object__load(k->obj);
	if (err) {
		err = kfwd_err(err);
		goto out;
	}
	prog = bpf_object__find_program_by_name(k->obj, KFWD_PROG);
	map = bpf_object__find_map_by_name(k->obj, KFWD_MAP);
	if (!prog || !map) {
		err = ENOTSUP;
		goto out;
	}
	k->prog_fd = bpf_program__fd(prog);
	k->map_fd = bpf_map__fd(map);
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(k->prog_fd, &info, &len);
	if (err) {
		err = kfwd_err(err);
		goto out;
	}
	k->prog_id = info.id;
	*kp = k;
	return 0;
out:
	bpf_object__close(k->obj);
	free(k);
	return err;
}

int media_kfwd_load(struct media_kfwd **kp)
{
	if (!kp)
		return EINVAL;
	return kfwd_load(kp);
}

int media_kfwd_prog_fd(const struct media_kfwd *k)
{
	return k ? k->prog_fd : -1;
}

unsigned media_kfwd_tc_prio(const struct media_kfwd *k)
{
	return k ? k->prio : 0;
}

void media_kfwd_drop_claim(struct media_kfwd *k)
{
	if (k && k->claim_fd >= 0) {
		close(k->claim_fd);
		k->claim_fd = -1;
	}
}

/* The first tc priority no live daemon of this network namespace holds:
 * an abstract socket named after it binds only while no other process
 * holds that name, and the kernel lets it go when its holder dies, however
 * it dies.  Abstract names belong to the network namespace, as the
 * interfaces our filters go on do. */
static int kfwd_claim(struct media_kfwd *k)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, err;

	for (uint32_t i = 0; i < MEDIA_KFWD_TC_SLOTS; i++) {
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return errno == ENOMEM || errno == ENOBUFS ? ENOMEM : errno;
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		/* sun_path[0] stays 0: the abstract namespace */
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				  (size_t)snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
						   "b2bua-kfwd-%x", MEDIA_KFWD_TC_PRIO + i));
		if (bind(fd, (struct sockaddr *)&sa, len) == 0) {
			k->claim_fd = fd;
			k->prio = MEDIA_KFWD_TC_PRIO + i;
			if (i)
				media_logf(MEDIA_LOG_INFO, "kernel path: tc priority 0x%x (another "
					  "daemon here holds 0x%x)", k->prio, MEDIA_KFWD_TC_PRIO);
			return 0;
		}
		err = errno;
		close(fd);
		if (err != EADDRINUSE)
			return err;
	}
	media_logf(MEDIA_LOG_WARN, "kernel path: all %u tc priorities from 0x%x are held by "
		  "other daemons in this network namespace", MEDIA_KFWD_TC_SLOTS, MEDIA_KFWD_TC_PRIO);
	return EBUSY;
}

/* Our filter on dev's ingress, replacing what a previous daemon left at
 * our handle and priority: its program forwards by its own, stale rules,
 * which must not keep the ports we now hand out again. */
static int kfwd_attach(struct media_kfwd *k, struct kfwd_dev *dev)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)dev->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = MEDIA_KFWD_TC_HANDLE, .priority = k->prio);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return kfwd_err(err);
	dev->hook_created = !err;
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT) {
		err = kfwd_err(err);
		goto out;
	}
	opts.prog_fd = k->prog_fd;
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		err = kfwd_err(err);
		goto out;
	}
	return 0;
out:
	if (dev->hook_created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return err;
}

/* Our filter off dev, if it is still ours: a daemon started after us may
 * have replaced it, and its filter is not ours to remove. */
static void kfwd_detach(const struct media_kfwd *k, const struct kfwd_dev *dev)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)dev->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = MEDIA_KFWD_TC_HANDLE, .priority = k->prio);

	if (bpf_tc_query(&hook, &opts) || opts.prog_id != k->prog_id)
		return;
	opts.prog_id = 0;
	opts.prog_fd = 0;
	opts.flags = 0;
	if (bpf_tc_detach(&hook, &opts))
		return;
	if (dev->hook_created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

static int kfwd_dev_add(struct media_kfwd *k, unsigned ifindex, bool loopback, unsigned *idx)
{
	unsigned i;
	int err;

	for (i = 0; i < k->ndevs; i++) {
		if (k->devs[i].ifindex == ifindex) {
			*idx = i;
			return 0;
		}
	}
	k->devs[k->ndevs].ifindex = ifindex;
	k->devs[k->ndevs].loopback = loopback;
	err = kfwd_attach(k, &k->devs[k->ndevs]);
	if (err)
		return err;
	*idx = k->ndevs++;
	return 0;
}

int media_kfwd_open(struct media_kfwd **kp, const struct sockaddr_in *addrs, unsigned n)
{
	struct media_kfwd *k = NULL;
	struct ifaddrs *ifs = NULL;
	unsigned i, ifindex, idx;
	bool loopback;
	int err;

	if (!kp || (n && !addrs))
		return EINVAL;
	if (getifaddrs(&ifs))
		return errno == ENOMEM ? ENOMEM : ENOTSUP;
	err = kfwd_load(&k);
	if (err)
		goto out;
	err = kfwd_claim(k);
	if (err)
		goto out;
	k->devs = calloc(n ? n : 1, sizeof(*k->devs));
	k->addrs = calloc(n ? n : 1, sizeof(*k->addrs));
	if (!k->devs || !k->addrs) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (addrs[i].sin_family != AF_INET || addrs[i].sin_addr.s_addr == INADDR_ANY)
			continue;
		if (kfwd_if_find(ifs, addrs[i].sin_addr.s_addr, &ifindex, &loopback))
			continue;
		err = kfwd_dev_add(k, ifindex, loopback, &idx);
		if (err)
			goto out;
		k->addrs[k->naddrs].addr = addrs[i].sin_addr.s_addr;
		k->addrs[k->naddrs].dev = idx;
		k->naddrs++;
	}
	if (!k->ndevs) {
		err = ENOTSUP;
		goto out;
	}
	freeifaddrs(ifs);
	*kp = k;
	return 0;
out:
	media_kfwd_close(k);
	if (ifs)
		freeifaddrs(ifs);
	return err;
}

void media_kfwd_close(struct media_kfwd *k)
{
	unsigned i;

	if (!k)
		return;
	for (i = 0; i < k->ndevs; i++)
		kfwd_detach(k, &k->devs[i]);
	/* the priority is free only once our filters are gone */
	if (k->claim_fd >= 0)
		close(k->claim_fd);
	bpf_object__close(k->obj);
	free(k->devs);
	free(k->addrs);
	free(k);
}

/* The attached interface that owns addr: one of the addresses open was
 * given, the loopback for 127.0.0.0/8, else what the system says now. */
static const struct kfwd_dev *kfwd_dev_of(const struct media_kfwd *k, uint32_t addr)
{
	struct ifaddrs *ifs;
	unsigned i, ifindex;
	bool loopback;
	int err;

	if (addr == INADDR_ANY)
		return NULL;
	for (i = 0; i < k->naddrs; i++) {
		if (k->addrs[i].addr == addr)
			return &k->devs[k->addrs[i].dev];
	}
	if (getifaddrs(&ifs))
		return NULL;
	err = kfwd_if_find(ifs, addr, &ifindex, &loopback);
	freeifaddrs(ifs);
	if (err)
		return NULL;
	for (i = 0; i < k->ndevs; i++) {
		if (k->devs[i].ifindex == ifindex)
			return &k->devs[i];
	}
	return NULL;
}

static void kfwd_counts_get(struct media_kfwd_counts *out, const struct media_kfwd_value *v)
{
	memset(out, 0, sizeof(*out));
	out->packets = v->packets;
	out->bytes = v->bytes;
	out->last_ns = v->last_ns;
	out->src = v->rtp;
}

static int kfwd_key(struct media_kfwd_key *key, const struct sockaddr_in *local)
{
	if (!local || local->sin_family != AF_INET || local->sin_addr.s_addr == INADDR_ANY ||
	    !local->sin_port)
		return EINVAL;
	memset(key, 0, sizeof(*key));
	key->addr = local->sin_addr.s_addr;
	key->port = local->sin_port;
	return 0;
}

static bool pt_ok(int pt)
{
	return pt >= 0 && pt <= 127;
}

/* the rule as the program reads it; EINVAL */
static int kfwd_value(struct media_kfwd_value *v, const struct media_kfwd_rule *r,
		      unsigned ifindex, bool loopback)
{
	if (r->peer.sin_family != AF_INET || r->out_local.sin_family != AF_INET ||
	    r->out_peer.sin_family != AF_INET || !r->out_local.sin_port || !r->out_peer.sin_port)
		return EINVAL;
	if (r->te_from >= 0 && (!pt_ok(r->te_from) || !pt_ok(r->te_to)))
		return EINVAL;
	memset(v, 0, sizeof(*v));
	v->peer_addr = r->peer.sin_addr.s_addr;
	v->peer_port = r->peer.sin_port;
	v->match_ssrc = r->match_ssrc;
	v->ssrc = r->ssrc;
	v->out_saddr = r->out_local.sin_addr.s_addr;
	v->out_sport = r->out_local.sin_port;
	v->out_daddr = r->out_peer.sin_addr.s_addr;
	v->out_dport = r->out_peer.sin_port;
	v->out_ifindex = ifindex;
	v->out_loopback = loopback;
	if (r->te_from >= 0) {
		v->te_map = 1;
		v->te_from = (uint8_t)r->te_from;
		v->te_to = (uint8_t)r->te_to;
	}
	v->clock_rate = r->clock_rate ? r->clock_rate : MEDIA_KFWD_DEFAULT_CLOCK;
	v->rtp = r->src;
	v->rtp.pad = 0;
	return 0;
}

static int kfwd_update(struct media_kfwd *k, const struct media_kfwd_key *key,
		       const struct media_kfwd_value *v)
{
	int err = bpf_map_update_elem(k->map_fd, key, v, BPF_ANY);

	if (!err)
		return 0;
	err = -err;
	/* a full hash map says E2BIG */
	return err == E2BIG ? ENOSPC : err;
}

int media_kfwd_add_dev(struct media_kfwd *k, const struct media_kfwd_rule *r,
		       unsigned ifindex, bool loopback)
{
	struct media_kfwd_key key;
	struct media_kfwd_value v;
	int err;

	if (!k || !r || !ifindex)
		return EINVAL;
	err = kfwd_key(&key, &r->local);
	if (!err)
		err = kfwd_value(&v, r, ifindex, loopback);
	if (!err)
		err = kfwd_update(k, &key, &v);
	return err;
}

int media_kfwd_add(struct media_kfwd *k, const struct media_kfwd_rule *r)
{
	const struct kfwd_dev *in, *out;

	/* r->local itself is checked where the key is made (add_dev) */
	if (!k || !r)
		return EINVAL;
	if (r->out_local.sin_family != AF_INET || !(in = kfwd_dev_of(k, r->local.sin_addr.s_addr)))
		return EINVAL;
	out = kfwd_dev_of(k, r->out_local.sin_addr.s_addr);
	if (!out)
		return EINVAL;
	/* From another interface into loopback, a packet has no route of
	 * loopback's attached and would be routed again there, where our own
	 * source address is refused (a martian): user space relays it. */
	if (out->loopback && !in->loopback)
		return EINVAL;
	return media_kfwd_add_dev(k, r, out->ifindex, out->loopback);
}

int media_kfwd_read(struct media_kfwd *k, const struct sockaddr_in *local,
		    struct media_kfwd_counts *out)
{
	struct media_kfwd_key key;
	struct media_kfwd_value v;
	int err;

	if (!k || !out)
		return EINVAL;
	err = kfwd_key(&key, local);
	if (err)
		return err;
	if (bpf_map_lookup_elem_flags(k->map_fd, &key, &v, BPF_F_LOCK))
		return errno;
	kfwd_counts_get(out, &v);
	return 0;
}

int media_kfwd_del(struct media_kfwd *k, const struct sockaddr_in *local,
		   struct media_kfwd_counts *out)
{
	struct media_kfwd_key key;
	struct media_kfwd_value v;
	int err;

	if (!k)
		return EINVAL;
	err = kfwd_key(&key, local);
	if (err)
		return err;
	if (!out)
		return bpf_map_delete_elem(k->map_fd, &key) ? errno : 0;
	/* in one step, so that no packet counted between the last read and
	 * the delete is lost */
	if (!bpf_map_lookup_and_delete_elem_flags(k->map_fd, &key, &v, BPF_F_LOCK)) {
		kfwd_counts_get(out, &v);
		return 0;
	}
	if (errno != EINVAL && errno != ENOTSUP && errno != KERNEL_ENOTSUPP)
		return errno;
	if (bpf_map_lookup_elem_flags(k->map_fd, &key, &v, BPF_F_LOCK))
		return errno;
	if (bpf_map_delete_elem(k->map_fd, &key))
		return errno;
	kfwd_counts_get(out, &v);
	return 0;
}
