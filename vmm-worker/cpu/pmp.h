/*
 * pmp.h - physical memory protection: 16 entries, OFF/TOR/NA4/NAPOT with a
 * 4-byte grain, locked entries binding M-mode too.
 */
#ifndef VMM_CPU_PMP_H
#define VMM_CPU_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

struct csr_state;

#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_A 0x18u
#define PMP_L 0x80u

#define PMP_A_OFF 0x00u
#define PMP_A_TOR 0x08u
#define PMP_A_NA4 0x10u
#define PMP_A_NAPOT 0x18u

/* pmpaddr holds bits 55:2 of a physical address on RV64. */
#define PMP_ADDR_MASK ((1ull << 54) - 1)

/*
 * Check an access of `size` bytes at physical address `addr` by privilege
 * `priv` (0 = U, 1 = S, 3 = M). The lowest-numbered entry that overlaps any
 * byte decides: it must cover the whole access and grant the permission
 * (for M-mode only if it is locked). With no overlapping entry M is allowed
 * and S/U are denied, since 16 entries are implemented.
 * Returns true when the access is allowed.
 */
bool pmp_check(const struct csr_state *csr, uint64_t addr, uint64_t size, enum mmu_access access,
	       unsigned priv);

/*
 * CSR writes. Locked entries ignore writes, and so does the address of an
 * entry below a locked TOR entry. The caller flushes the TLB.
 */
void pmp_write_cfg(struct csr_state *csr, unsigned index, uint8_t cfg);
void pmp_write_addr(struct csr_state *csr, unsigned index, uint64_t addr);

#endif
