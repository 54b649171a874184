/* tna_flow_set (bpf/tna_kern_user.h): the flow cache's set for (dst, src,
 * ingress port).  MAC pairs that cycle through the cache stay in it when
 * their set holds no more pairs than it has ways, so for the structured
 * patterns of real and generated traffic (source index = destination
 * index) nearly every pair must have such a set, as a random hash gives. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bpf/tna_kern_user.h"
#include "tests/lib/tna_test.h"

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

/* Per mille of N pairs whose set, of 1 << BITS, gets at most
 * TNA_FLOW_WAYS of them. */
static unsigned fitting(const uint8_t dp[6], const uint8_t sp[6], uint32_t n,
			uint32_t ifindex, uint32_t bits)
{
	uint16_t *load = calloc(1u << bits, sizeof(*load));
	uint32_t *set = calloc(n, sizeof(*set)), w[3], fit = 0;

	if (!load || !set)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		pair(w, dp, sp, i);
		set[i] = tna_flow_set(w, ifindex, bits);
		CHECK(set[i] < (1u << bits), "set %u of pair %u out of 2^%u", set[i], i, bits);
		load[set[i]]++;
	}
	for (uint32_t i = 0; i < n; i++)
		fit += load[set[i]] <= TNA_FLOW_WAYS;
	free(load);
	free(set);
	return (uint64_t)fit * 1000 / n;
}

/* Per mille of N pairs cycling through 1 << BITS sets that hit on
 * their second round, with the probe and replacement of
 * bpf/fpm/flow_cache.h: the first set, then the second; a miss fills the
 * first with room, else the second, else a way of the first at random. */
static unsigned hits(const uint8_t dp[6], const uint8_t sp[6], uint32_t n,
		     uint32_t ifindex, uint32_t bits)
{
	uint32_t sets = 1u << bits, w[3], hit = 0;
	uint32_t (*way)[TNA_FLOW_WAYS] = calloc(sets, sizeof(*way));	/* pair + 1, 0 empty */

	if (!way)
		abort();
	srand(1);
	for (uint32_t r = 0; r < 2; r++)
		for (uint32_t i = 0; i < n; i++) {
			uint32_t a, b, *s = NULL;
			bool in = false;

			pair(w, dp, sp, i);
			a = tna_flow_set(w, ifindex, bits);
			b = tna_flow_alt(w, ifindex, bits);
			CHECK(a < sets && b < sets, "pair %u: sets %u, %u of %u", i, a, b, sets);
			for (uint32_t k = 0; k < 2 * TNA_FLOW_WAYS; k++)
				in |= way[k < TNA_FLOW_WAYS ? a : b][k % TNA_FLOW_WAYS] == i + 1;
			if (in) {
				hit += r;
				continue;
			}
			for (uint32_t k = 0; k < 2 * TNA_FLOW_WAYS && !s; k++)
				if (!way[k < TNA_FLOW_WAYS ? a : b][k % TNA_FLOW_WAYS])
					s = &way[k < TNA_FLOW_WAYS ? a : b][k % TNA_FLOW_WAYS];
			*(s ? s : &way[a][rand() % TNA_FLOW_WAYS]) = i + 1;
		}
	free(way);
	return (uint64_t)hit * 1000 / n;
}

int main(void)
{
	/* tna-gen: 02:de:<index> <- 02:5e:<index> */
	static const uint8_t gd[6] = { 2, 0xde }, gs[6] = { 2, 0x5e };
	/* the same 02:00:00:00:xx:yy both ways (a lab's numbered hosts) */
	static const uint8_t zd[6] = { 2 }, zs[6] = { 2 };
	uint32_t w[3], same = 0;
	unsigned f;

	/* a random hash into the fitted sizes (tna_flow_fit(): a set of
	 * three per two MACs, a pair per two): 4k pairs in 4k sets, 10k in
	 * 16k, 100k in 128k (the largest: the size for 2 CPUs) */
	f = fitting(gd, gs, 4096, 5, 12);
	CHECK(f >= 880, "tna-gen 4096 pairs: %u per mille fit", f);
	f = fitting(gd, gs, 10000, 5, 14);
	CHECK(f >= 950, "tna-gen 10000 pairs: %u per mille fit", f);
	f = fitting(zd, zs, 4096, 5, 12);
	CHECK(f >= 880, "02:00:00:00:xx:yy 4096 pairs: %u per mille fit", f);
	f = fitting(zd, zs, 10000, 5, 14);
	CHECK(f >= 950, "02:00:00:00:xx:yy 10000 pairs: %u per mille fit", f);
	f = fitting(gd, gs, 100000, 5, TNA_FLOW_MAX_BITS);
	CHECK(f >= 900, "tna-gen 100000 pairs: %u per mille fit", f);
	f = fitting(zd, zs, 100000, 5, TNA_FLOW_MAX_BITS);
	CHECK(f >= 900, "02:00:00:00:xx:yy 100000 pairs: %u per mille fit", f);

	/* with the second set: nearly every pair stays */
	f = hits(gd, gs, 100000, 5, TNA_FLOW_MAX_BITS);
	CHECK(f >= 995, "tna-gen 100000 pairs: %u per mille hit", f);
	f = hits(zd, zs, 100000, 5, TNA_FLOW_MAX_BITS);
	CHECK(f >= 995, "02:00:00:00:xx:yy 100000 pairs: %u per mille hit", f);
	f = hits(gd, gs, 10000, 5, 14);
	CHECK(f >= 995, "tna-gen 10000 pairs in 16k sets: %u per mille hit", f);
	f = hits(gd, gs, 4096, 5, 12);
	CHECK(f >= 995, "tna-gen 4096 pairs in 4k sets: %u per mille hit", f);
	if (getenv("TNA_FLOW_SLOT_SHOW"))	/* the figures, for the comments */
		printf("fit 4k/4k %u 10k/16k %u 100k/128k %u; hit 10k/16k %u 100k/128k %u "
		       "10k/8k %u\n", fitting(gd, gs, 4096, 5, 12), fitting(gd, gs, 10000, 5, 14),
		       fitting(gd, gs, 100000, 5, TNA_FLOW_MAX_BITS), hits(gd, gs, 10000, 5, 14),
		       hits(gd, gs, 100000, 5, TNA_FLOW_MAX_BITS), hits(gd, gs, 10000, 5, 13));

	/* the size: all of it on few CPUs, the budget on many, what is left
	 * of it for a further pipeline, never below the floor */
	CHECK(tna_flow_bits(2, TNA_FLOW_BUDGET) == TNA_FLOW_MAX_BITS, "2 CPUs: %u bits",
	      tna_flow_bits(2, TNA_FLOW_BUDGET));
	CHECK(((uint64_t)64 * sizeof(struct tna_flow_set) << tna_flow_bits(64, TNA_FLOW_BUDGET)) <=
	      TNA_FLOW_BUDGET, "64 CPUs: %u bits, over the budget", tna_flow_bits(64, TNA_FLOW_BUDGET));
	CHECK(tna_flow_bits(2, 1u << 20) == 13, "2 CPUs, 1 MB left: %u bits", tna_flow_bits(2, 1u << 20));
	CHECK(tna_flow_bits(2, 0) == TNA_FLOW_MIN_BITS, "nothing left: %u bits", tna_flow_bits(2, 0));
	CHECK(tna_flow_bits(8192, TNA_FLOW_BUDGET) == TNA_FLOW_MIN_BITS, "8192 CPUs: %u bits",
	      tna_flow_bits(8192, TNA_FLOW_BUDGET));

	/* the ingress port is part of the key: one pair from 64 ports */
	pair(w, gd, gs, 7);
	for (uint32_t port = 2; port < 66; port++)
		same += tna_flow_set(w, port, 15) == tna_flow_set(w, port + 1, 15);
	CHECK(same <= 2, "%u of 64 neighbouring ports share the set", same);
	return tna_test_exit();
}
