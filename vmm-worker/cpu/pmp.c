/*
 * pmp.c - physical memory protection checks (privileged spec 1.12, 3.7).
 */
#include "pmp.h"

#include <string.h>

#include "csr.h"

#define PMP_PRIV_M 3u

/* The [lo, hi) byte range of entry i, or false when it matches nothing. */
static bool pmp_entry_range(const struct csr_state *csr, unsigned i, uint64_t *lo, uint64_t *hi)
{
	uint64_t addr = csr->pmpaddr[i];
	unsigned trailing;

	switch (csr->pmpcfg[i] & PMP_A) {
	case PMP_A_TOR:
		*lo = i ? csr->pmpaddr[i - 1] << 2 : 0;
		*hi = addr << 2;
		return *lo < *hi;
	case PMP_A_NA4:
		*lo = addr << 2;
		*hi = *lo + 4;
		return true;
	case PMP_A_NAPOT:
		/* k trailing ones encode a 2^(k+3)-byte naturally aligned range. */
		trailing = __builtin_ctzll(~addr);
		*lo = (addr & ~((1ull << trailing) - 1)) << 2;
		*hi = *lo + (1ull << (trailing + 3));
		return true;
	default:
		return false;
	}
}

bool pmp_check(const struct csr_state *csr, uint64_t addr, uint64_t size, enum mmu_access access,
	       unsigned priv)
{
	static const uint8_t perm[] = {
		[MMU_READ] = PMP_R,
		[MMU_WRITE] = PMP_W,
		[MMU_EXEC] = PMP_X,
	};
	uint64_t lo, hi, cfg_words[CSR_PMP_COUNT / 8];
	unsigned i;

	/* No entry on (the common case for bare-metal guests): one test, no loop. */
	memcpy(cfg_words, csr->pmpcfg, sizeof(cfg_words));
	for (i = 1; i < CSR_PMP_COUNT / 8; i++)
		cfg_words[0] |= cfg_words[i];
	if (!(cfg_words[0] & PMP_A * 0x0101010101010101ull))
		return priv == PMP_PRIV_M;

	for (i = 0; i < CSR_PMP_COUNT; i++) {
		uint8_t cfg = csr->pmpcfg[i];

		if (!pmp_entry_range(csr, i, &lo, &hi))
			continue;
		if (addr >= hi || addr + size <= lo)
			continue;
		/* A partial match fails whatever the permissions. */
		if (addr < lo || addr + size > hi)
			return false;
		if (priv == PMP_PRIV_M && !(cfg & PMP_L))
			return true;
		return cfg & perm[access];
	}
	return priv == PMP_PRIV_M;
}

static bool pmp_is_locked(const struct csr_state *csr, unsigned index)
{
	return csr->pmpcfg[index] & PMP_L;
}

void pmp_write_cfg(struct csr_state *csr, unsigned index, uint8_t cfg)
{
	if (index >= CSR_PMP_COUNT || pmp_is_locked(csr, index))
		return;
	/* Bits 6:5 are reserved (WARL 0); W without R is reserved: drop W. */
	cfg &= PMP_L | PMP_A | PMP_X | PMP_W | PMP_R;
	if ((cfg & (PMP_R | PMP_W)) == PMP_W)
		cfg &= ~PMP_W;
	csr->pmpcfg[index] = cfg;
}

void pmp_write_addr(struct csr_state *csr, unsigned index, uint64_t addr)
{
	if (index >= CSR_PMP_COUNT || pmp_is_locked(csr, index))
		return;
	/* A locked TOR entry also freezes the address below it, its lower bound. */
	if (index + 1 < CSR_PMP_COUNT && pmp_is_locked(csr, index + 1) &&
	    (csr->pmpcfg[index + 1] & PMP_A) == PMP_A_TOR)
		return;
	csr->pmpaddr[index] = addr & PMP_ADDR_MASK;
}
