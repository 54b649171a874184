/* The AF_XDP steer, shared by the fast path (fpm/xsk.h), targets/xsk.c
 * and tools/tna-xsk.c. */
#ifndef TNA_XSK_KERN_USER_H
#define TNA_XSK_KERN_USER_H

#define TNA_XSK_RULES	8	/* rules at most */
#define TNA_XSK_QUEUES	16	/* rx queues per port that a socket can serve */
/* tna_xsk (XSKMAP) key of the socket of port slot IDX, rx queue Q */
#define TNA_XSK_KEY(idx, q)	((idx) * TNA_XSK_QUEUES + (q))
#define TNA_MAP_XSK		"tna_xsk"
#define TNA_MAP_XSK_STATS	"tna_xsk_stats"

/* A flow to steer: IPv4 TCP or UDP, fields 0 = any (addresses and ports
 * in network order), frames that arrive on rx queue QUEUE. */
struct tna_xsk_rule {
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 queue;		/* < TNA_XSK_QUEUES */
	__u16 sport, dport;
	__u16 pad;
	__u32 saddr, daddr;
};

/* tna_xsk_stats value, per rule (per CPU) */
struct tna_xsk_count {
	__u64 frames, bytes;
};

#endif /* TNA_XSK_KERN_USER_H */
