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
/* the IPv4 header at its longest, UDP and the fixed RTP header */
#define PULL_MAX (ETH_HLEN + 60u + 8u + RTP_HDR)
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
	__u32 l4;		/* offset of the UDP header */
	__u32 saddr, daddr;	/* as in the packet */
	__u16 sport, dport;
	__u16 rtp_len;		/* UDP payload */
	__u8 ttl, proto;
	__u32 id_frag;		/* the IPv4 identification and flags word, as in the packet */
};

/* Ethernet, IPv4 (any IHL, not a fragment), UDP with lengths that agree
 * with each other and with the packet, room for an RTP header; 0 or -1 */
static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 ihl, tot;

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
	ihl = ip->ihl * 4u;
	tot = bpf_ntohs(ip->tot_len);
	/* the IPv4 length within the frame (Ethernet may pad after it) */
	if (tot < ihl + sizeof(struct udphdr) + RTP_HDR || ETH_HLEN + tot > skb->len)
		return -1;
	p->l4 = ETH_HLEN + ihl;
	udp = data + p->l4;
	if ((void *)(udp + 1) > end || bpf_ntohs(udp->len) != tot - ihl)
		return -1;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->ttl = ip->ttl;
	p->proto = ip->protocol;
	p->id_frag = *(__u32 *)((__u8 *)ip + offsetof(struct iphdr, id));
	p->sport = udp->source;
	p->dport = udp->dest;
	p->rtp_len = (__u16)(tot - ihl - sizeof(struct udphdr));
	return 0;
}

SEC("tc")
int kfwd_ingress(struct __sk_buff *skb)
{
	struct media_kfwd_key key = { 0 };
	struct media_kfwd_value *v;
	struct pkt p;
	void *data, *end;
	__u8 *rtp;
	__u32 ssrc, ts, arrival;
	__u16 seq, w_old, w_new, ttl_old, ttl_new;
	__u32 id_frag;
	__u64 now;
	__u32 csum_off, l3_check = ETH_HLEN + offsetof(struct iphdr, check);
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

	if (p.l4 + sizeof(struct udphdr) + RTP_HDR > PULL_MAX)
		return KFWD_PASS;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	if (data + p.l4 + sizeof(struct udphdr) + RTP_HDR > end) {
		/* the headers in the linear part, RTP in pages (some drivers) */
		if (bpf_skb_pull_data(skb, p.l4 + sizeof(struct udphdr) + RTP_HDR) < 0)
			return KFWD_PASS;
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
	}
	rtp = data + p.l4 + sizeof(struct udphdr);
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
	csum_off = p.l4 + offsetof(struct udphdr, check);
	if (w_new != w_old) {
		if (bpf_skb_store_bytes(skb, p.l4 + sizeof(struct udphdr), &w_new, 2, 0) < 0 ||
		    bpf_l4_csum_replace(skb, csum_off, w_old, w_new, l4_flags | 2) < 0)
			return TC_ACT_SHOT;
	}
	/* we are the packet's origin now: our TTL, not the sender's hops,
	 * and identification 0 with DF, as our own UDP socket sends (the
	 * sender's IP ID counter does not cross either) */
	id_frag = bpf_htonl(IP_DF);
	ttl_old = bpf_htons((__u16)p.ttl << 8 | p.proto);
	ttl_new = bpf_htons((__u16)OUT_TTL << 8 | p.proto);
	if (bpf_l3_csum_replace(skb, l3_check, p.saddr, v->out_saddr, 4) < 0 ||
	    bpf_l3_csum_replace(skb, l3_check, p.daddr, v->out_daddr, 4) < 0 ||
	    bpf_l3_csum_replace(skb, l3_check, ttl_old, ttl_new, 2) < 0 ||
	    bpf_l3_csum_replace(skb, l3_check, p.id_frag, id_frag, 4) < 0)
		return TC_ACT_SHOT;
	if (bpf_l4_csum_replace(skb, csum_off, p.saddr, v->out_saddr,
				l4_flags | BPF_F_PSEUDO_HDR | 4) < 0 ||
	    bpf_l4_csum_replace(skb, csum_off, p.daddr, v->out_daddr,
				l4_flags | BPF_F_PSEUDO_HDR | 4) < 0 ||
	    bpf_l4_csum_replace(skb, csum_off, p.sport, v->out_sport, l4_flags | 2) < 0 ||
	    bpf_l4_csum_replace(skb, csum_off, p.dport, v->out_dport, l4_flags | 2) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, ttl), &(__u8){ OUT_TTL }, 1, 0) < 0 ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, id), &id_frag, 4, 0) < 0 ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, saddr), &v->out_saddr, 4, 0) < 0 ||
	    bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, daddr), &v->out_daddr, 4, 0) < 0 ||
	    bpf_skb_store_bytes(skb, p.l4 + offsetof(struct udphdr, source), &v->out_sport, 2, 0) < 0 ||
	    bpf_skb_store_bytes(skb, p.l4 + offsetof(struct udphdr, dest), &v->out_dport, 2, 0) < 0)
		return TC_ACT_SHOT;
	/* loopback to loopback only (media_kfwd_add): the frame already has
	 * loopback's zero MACs and the route loopback delivers it by */
	if (v->out_loopback)
		return bpf_redirect(v->out_ifindex, 0);
	return bpf_redirect_neigh(v->out_ifindex, NULL, 0, 0);
}
