/* The in-kernel forwarder (kfwd.h): a TC ingress program, built with
 * clang -target bpf and embedded into the library.  A plain RTP packet that
 * arrives at a rule's local address:port from its peer leaves from the
 * rule's out_local to out_peer, counted, without the media thread.  What
 * is not ours (no rule, another source, RTCP, a fragment, not IPv4/UDP)
 * goes on unchanged to the next filter and to our socket. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "media/kfwd_abi.h"

#define RTP_HDR 12u
/* options are left to user space: the UDP header is at a fixed offset */
#define L4_OFF (ETH_HLEN + sizeof(struct iphdr))
#define RTP_OFF (L4_OFF + sizeof(struct udphdr))
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define OUT_TTL 64

/* not ours: the next filter, or on to the stack */
#define KFWD_PASS TC_ACT_UNSPEC

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEDIA_KFWD_MAX_RULES);
	__type(key, struct media_kfwd_key);
	__type(value, struct media_kfwd_value);
} kfwd_rules SEC(".maps");

struct pkt {
	__u32 saddr, daddr;	/* as in the packet */
	__u16 sport, dport;
	__u16 rtp_len;		/* UDP payload */
};

struct ports {
	__u16 source, dest;	/* network order, as in the UDP header */
};

/* Ethernet, IPv4 without options, not a fragment, UDP with lengths that
 * agree with each other and with the packet, room for an RTP header; 0 or
 * -1 */
static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 tot;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return -1;
	/* IPv4 options (record route, timestamps) may name the sender's
	 * network: such a packet goes to user space, which sends a new one */
	if (ip->version != 4 || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return -1;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return -1;
	tot = bpf_ntohs(ip->tot_len);
	/* the IPv4 length within the frame (Ethernet may pad after it) */
	if (tot < sizeof(struct iphdr) + sizeof(struct udphdr) + RTP_HDR || ETH_HLEN + tot > skb->len)
		return -1;
	udp = data + L4_OFF;
	if ((void *)(udp + 1) > end || bpf_ntohs(udp->len) != tot - sizeof(struct iphdr))
		return -1;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->sport = udp->source;
	p->dport = udp->dest;
	p->rtp_len = (__u16)(tot - sizeof(struct iphdr) - sizeof(struct udphdr));
	return 0;
}

/* a sum of bpf_csum_diff folded into the 16-bit field it goes in */
static __always_inline __u16 csum_fold(__s64 sum)
{
	__u32 c = (__u32)sum;

	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)~c;
}

SEC("tc")
int kfwd_ingress(struct __sk_buff *skb)
{
	struct media_kfwd_key key = { 0 };
	struct media_kfwd_value *v;
	struct pkt p;
	struct iphdr iph, old;
	struct ports ports_old, ports_new;
	__be32 addr_old[2], addr_new[2];
	void *data, *end;
	__u8 *rtp;
	__u32 ssrc, ts, arrival;
	__u16 seq, w_old, w_new, old_check;
	__u64 now;
	__u32 csum_off = L4_OFF + offsetof(struct udphdr, check);
	__u32 l4_flags = BPF_F_MARK_MANGLED_0;

	/* a tag the device stripped would go out again on another device */
	if (skb->vlan_present)
		return KFWD_PASS;
	/* a packet a NIC's receive offload merged from several datagrams is
	 * not one RTP packet: the socket gets it and splits it */
	if (skb->gso_segs > 1 || skb->gso_size)
		return KFWD_PASS;
	if (parse(skb, &p) < 0)
		return KFWD_PASS;
	key.addr = p.daddr;
	key.port = p.dport;
	v = bpf_map_lookup_elem(&kfwd_rules, &key);
	if (!v)
		return KFWD_PASS;
	/* another source is the media thread's to count and drop */
	if (p.saddr != v->peer_addr || p.sport != v->peer_port)
		return KFWD_PASS;

	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if (data + RTP_OFF + RTP_HDR > end) {
		/* the headers in the linear part, RTP in pages (some drivers) */
		if (bpf_skb_pull_data(skb, RTP_OFF + RTP_HDR) < 0)
			return KFWD_PASS;
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
	}
	rtp = data + RTP_OFF;
	if ((void *)(rtp + RTP_HDR) > end)
		return KFWD_PASS;
	/* RFC 3550 5.1 version 2; RFC 5761 4: PT 64-95 with the marker is
	 * RTCP (192-223 in the second byte) multiplexed on the RTP port */
	if ((rtp[0] >> 6) != 2 || (rtp[1] >= 192 && rtp[1] <= 223))
		return KFWD_PASS;
	seq = (__u16)(rtp[2] << 8 | rtp[3]);
	ts = (__u32)rtp[4] << 24 | (__u32)rtp[5] << 16 | (__u32)rtp[6] << 8 | rtp[7];
	ssrc = (__u32)rtp[8] << 24 | (__u32)rtp[9] << 16 | (__u32)rtp[10] << 8 | rtp[11];
	if (v->match_ssrc && ssrc != v->ssrc)
		return KFWD_PASS;
	w_old = *(__u16 *)rtp;
	w_new = w_old;
	if (v->te_map && (rtp[1] & 0x7f) == v->te_from)
		((__u8 *)&w_new)[1] = (rtp[1] & 0x80) | (v->te_to & 0x7f);
	__builtin_memcpy(&old, data + ETH_HLEN, sizeof(old));

	now = bpf_ktime_get_ns();
	/* the media thread's arrival time: microseconds, in RTP clock units */
	arrival = (__u32)(now / 1000 * v->clock_rate / 1000000);
	bpf_spin_lock(&v->lock);
	v->packets++;
	v->bytes += p.rtp_len;
	v->last_ns = now;
	media_rtp_src_update(&v->rtp, ssrc, seq, ts, arrival);
	bpf_spin_unlock(&v->lock);

	/* From here the packet is written through helpers only: each may move
	 * the data, so no pointer into it is used again. */
	if (w_new != w_old) {
		if (bpf_skb_store_bytes(skb, RTP_OFF, &w_new, 2, 0) < 0 ||
		    bpf_l4_csum_replace(skb, csum_off, w_old, w_new, l4_flags | 2) < 0)
			return TC_ACT_SHOT;
	}
	/* The IPv4 header leaves whole: our addresses, our TTL,
	 * identification 0 with DF as our own UDP socket sends (the sender's
	 * hop count and IP ID counter do not cross), its TOS and length kept.
	 * Its checksum follows the change (RFC 1624) rather than being
	 * computed afresh: a header that came in corrupt stays corrupt, and
	 * the receiver's IP layer drops it as ours would have. */
	iph = old;
	old_check = old.check;
	old.check = 0;
	iph.id = 0;
	iph.frag_off = bpf_htons(IP_DF);
	iph.ttl = OUT_TTL;
	iph.saddr = v->out_saddr;
	iph.daddr = v->out_daddr;
	iph.check = 0;
	iph.check = csum_fold(bpf_csum_diff((__be32 *)&old, sizeof(old), (__be32 *)&iph, sizeof(iph),
					    (__u16)~old_check));
	/* UDP's checksum follows the pseudo header's addresses, then the
	 * ports (helpers that also keep a checksum the NIC is to finish right) */
	addr_old[0] = p.saddr;
	addr_old[1] = p.daddr;
	addr_new[0] = v->out_saddr;
	addr_new[1] = v->out_daddr;
	ports_old.source = p.sport;
	ports_old.dest = p.dport;
	ports_new.source = v->out_sport;
	ports_new.dest = v->out_dport;
	if (bpf_l4_csum_replace(skb, csum_off, 0,
				bpf_csum_diff(addr_old, sizeof(addr_old), addr_new, sizeof(addr_new), 0),
				l4_flags | BPF_F_PSEUDO_HDR) < 0 ||
	    bpf_l4_csum_replace(skb, csum_off, *(__u32 *)&ports_old, *(__u32 *)&ports_new,
				l4_flags | 4) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN, &iph, sizeof(iph), 0) < 0 ||
	    bpf_skb_store_bytes(skb, L4_OFF, &ports_new, sizeof(ports_new), 0) < 0)
		return TC_ACT_SHOT;
	/* loopback to loopback only (media_kfwd_add): the frame already has
	 * loopback's zero MACs and the route loopback delivers it by */
	if (v->out_loopback)
		return bpf_redirect(v->out_ifindex, 0);
	return bpf_redirect_neigh(v->out_ifindex, NULL, 0, 0);
}
