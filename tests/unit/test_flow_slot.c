/* tna_flow_set (bpf/tna_kern_user.h): the flow cache's set for (dst, src,
 * ingress port).  MAC pairs that cycle through the cache stay in it when
 * their set holds no more pairs than it has ways, so for the structured
 * patterns of real and generated traffic (source index = destination
 * index) nearly every pair must have such a set, as a random hash gives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bpf/tna_kern_user.h"
#include "tests/lib/tna_test.h"

#define SETS (1u << TNA_FLOW_BITS) / TNA_FLOW_WAYS

/* The frame's first three words: dst = DP + index, src = SP + index, the
 * index in the last BYTES bytes of each MAC (big-endian, as on the wire). */
static void pair(uint32_t w[3], const uint8_t dp[6], const uint8_t sp[6],
		 uint32_t idx)
{
	uint8_t m[12];

	memcpy(m, dp, 6);
	memcpy(m + 6, sp, 6);
	for (int i = 0; i < 4; i++) {
		m[5 - i] |= idx >> 8 * i;
		m[11 - i] |= idx >> 8 * i;
	}
	memcpy(w, m, 12);
}

/* Per mille of N pairs whose set gets at most TNA_FLOW_WAYS of them. */
static unsigned fitting(const uint8_t dp[6], const uint8_t sp[6], uint32_t n,
			uint32_t ifindex)
{
	uint16_t *load = calloc(SETS, sizeof(*load));
	uint32_t *set = calloc(n, sizeof(*set)), w[3], fit = 0;

	if (!load || !set)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		pair(w, dp, sp, i);
		set[i] = tna_flow_set(w, ifindex);
		CHECK(set[i] % TNA_FLOW_WAYS == 0 && set[i] < (1u << TNA_FLOW_BITS),
		      "set %u of pair %u is not the first slot of a set", set[i], i);
		load[set[i] / TNA_FLOW_WAYS]++;
	}
	for (uint32_t i = 0; i < n; i++)
		fit += load[set[i] / TNA_FLOW_WAYS] <= TNA_FLOW_WAYS;
	free(load);
	free(set);
	return (uint64_t)fit * 1000 / n;
}

int main(void)
{
	/* tna-gen: 02:de:<index> <- 02:5e:<index> */
	static const uint8_t gd[6] = { 2, 0xde }, gs[6] = { 2, 0x5e };
	/* the same 02:00:00:00:xx:yy both ways (a lab's numbered hosts) */
	static const uint8_t zd[6] = { 2 }, zs[6] = { 2 };
	uint32_t w[3], same = 0;
	unsigned f;

	/* a random hash into 16k sets of two: ~99 % of 4k pairs, ~87 % of 10k */
	f = fitting(gd, gs, 4096, 5);
	CHECK(f >= 950, "tna-gen 4096 pairs: %u per mille fit", f);
	f = fitting(gd, gs, 10000, 5);
	CHECK(f >= 800, "tna-gen 10000 pairs: %u per mille fit", f);
	f = fitting(zd, zs, 4096, 5);
	CHECK(f >= 950, "02:00:00:00:xx:yy 4096 pairs: %u per mille fit", f);
	f = fitting(zd, zs, 10000, 5);
	CHECK(f >= 800, "02:00:00:00:xx:yy 10000 pairs: %u per mille fit", f);

	/* the ingress port is part of the key: one pair from 64 ports */
	pair(w, gd, gs, 7);
	for (uint32_t port = 2; port < 66; port++)
		same += tna_flow_set(w, port) == tna_flow_set(w, port + 1);
	CHECK(same <= 2, "%u of 64 neighbouring ports share the set", same);
	return tna_test_exit();
}
