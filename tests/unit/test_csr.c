/*
 * test_csr.c - the CSR file: field masks, WARL legalisation, privilege and
 * read-only checks, counter enables, FS, satp, Sstc, PMP CSRs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cpu_fixture.h"

#define MSTATUS_XL64 ((2ull << 32) | (2ull << 34))

static void test_csr_mstatus_mask(void **state)
{
	struct cpu_fixture *f = *state;
	struct cpu *cpu = &f->cpu;
	uint64_t expect = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
			  MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |
			  MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_XL64 | MSTATUS_SD;

	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS), MSTATUS_XL64);
	assert_int_equal(fixture_csr_write(cpu, CSR_MSTATUS, ~0ull), 0);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS), expect);
	assert_int_equal(fixture_csr_write(cpu, CSR_MSTATUS, 0), 0);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS), MSTATUS_XL64);
	/* SD follows FS: only Dirty sets it. */
	fixture_csr_write(cpu, CSR_MSTATUS, 1ull << 13);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS), MSTATUS_XL64 | (1ull << 13));
}

static void test_csr_mstatus_mpp_warl(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	fixture_csr_write(cpu, CSR_MSTATUS, 1ull << 11);
	fixture_csr_write(cpu, CSR_MSTATUS, 2ull << 11);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS) & MSTATUS_MPP, 1ull << 11);
	fixture_csr_write(cpu, CSR_MSTATUS, 3ull << 11);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS) & MSTATUS_MPP, 3ull << 11);
}

static void test_csr_sstatus_view(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	fixture_csr_write(cpu, CSR_MSTATUS, MSTATUS_MIE | MSTATUS_TVM);
	assert_int_equal(fixture_csr_write(cpu, CSR_SSTATUS, ~0ull), 0);
	assert_int_equal(fixture_csr(cpu, CSR_SSTATUS),
			 MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM |
				 MSTATUS_MXR | (2ull << 32) | MSTATUS_SD);
	/* M-only fields were neither changed nor shown. */
	assert_true(fixture_csr(cpu, CSR_MSTATUS) & MSTATUS_MIE);
	assert_true(fixture_csr(cpu, CSR_MSTATUS) & MSTATUS_TVM);
	fixture_csr_write(cpu, CSR_SSTATUS, 0);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS), MSTATUS_XL64 | MSTATUS_MIE | MSTATUS_TVM);
}

static void test_csr_misa_and_ids(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t misa = fixture_csr(cpu, CSR_MISA);

	assert_int_equal(misa >> 62, 2);
	assert_int_equal(misa & 0x3ffffff, 0x14112d); /* A C D F I M S U */
	fixture_csr_write(cpu, CSR_MISA, 0);
	assert_int_equal(fixture_csr(cpu, CSR_MISA), misa);
	assert_int_equal(fixture_csr(cpu, CSR_MHARTID), 0);
	assert_int_equal(fixture_csr(cpu, CSR_MVENDORID), 0);
	assert_int_equal(fixture_csr(cpu, CSR_MCONFIGPTR), 0);
	/* Read-only: a write faults, a read-only csrrs does not. */
	assert_int_equal(fixture_csr_write(cpu, CSR_MHARTID, 1), -1);
	assert_int_equal(fixture_csr_write(cpu, CSR_CYCLE, 1), -1);
	/* Not implemented at all. */
	assert_int_equal(fixture_csr_write(cpu, 0x7c0, 1), -1);
	assert_int_equal(fixture_csr_write(cpu, 0x3a1, 1), -1); /* pmpcfg1: RV32 only */
}

static void test_csr_deleg_and_ie_masks(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	fixture_csr_write(cpu, CSR_MEDELEG, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MEDELEG), 0xb3ff);
	assert_false(fixture_csr(cpu, CSR_MEDELEG) & (1u << EXC_ECALL_M));
	fixture_csr_write(cpu, CSR_MIDELEG, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MIDELEG), MIP_S_MASK);
	fixture_csr_write(cpu, CSR_MIE, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MIE), 0xaaa);

	/* sie is mie restricted to delegated bits, both ways. */
	fixture_csr_write(cpu, CSR_MIDELEG, MIP_SSIP);
	assert_int_equal(fixture_csr(cpu, CSR_SIE), MIP_SSIP);
	fixture_csr_write(cpu, CSR_SIE, 0);
	assert_int_equal(fixture_csr(cpu, CSR_MIE), 0xaaa & ~MIP_SSIP);
}

static void test_csr_mip_writable_bits(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t old = 0;

	fixture_csr_write(cpu, CSR_MIP, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MIP), MIP_S_MASK);
	fixture_csr_write(cpu, CSR_MIP, 0);

	/* A device line shows in mip but csrrs/csrrc does not latch it. */
	cpu->mip_async = MIP_SEIP | MIP_MEIP;
	assert_int_equal(fixture_csr(cpu, CSR_MIP), MIP_SEIP | MIP_MEIP);
	assert_int_equal(csr_access(cpu, CSR_MIP, CSR_OP_RS, MIP_SSIP, true, &old), 0);
	assert_int_equal(old, MIP_SEIP | MIP_MEIP);
	assert_int_equal(cpu->csr.mip, MIP_SSIP);
	cpu->mip_async = 0;

	/* S writes only SSIP, and only if delegated. */
	cpu->priv = PRIV_S;
	fixture_csr_write(cpu, CSR_SIP, 0);
	assert_int_equal(cpu->csr.mip, MIP_SSIP);
	cpu->csr.mideleg = MIP_S_MASK;
	fixture_csr_write(cpu, CSR_SIP, ~0ull);
	assert_int_equal(cpu->csr.mip, MIP_SSIP);
	fixture_csr_write(cpu, CSR_SIP, 0);
	assert_int_equal(cpu->csr.mip, 0);
	cpu->csr.mip = MIP_STIP | MIP_SEIP;
	assert_int_equal(fixture_csr(cpu, CSR_SIP), MIP_STIP | MIP_SEIP);
}

static void test_csr_tvec_epc(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	fixture_csr_write(cpu, CSR_MTVEC, 0x80001001);
	assert_int_equal(fixture_csr(cpu, CSR_MTVEC), 0x80001001);
	fixture_csr_write(cpu, CSR_MTVEC, 0x80002002);
	assert_int_equal(fixture_csr(cpu, CSR_MTVEC), 0x80001001);
	fixture_csr_write(cpu, CSR_STVEC, 0x80003003);
	assert_int_equal(fixture_csr(cpu, CSR_STVEC), 0);
	fixture_csr_write(cpu, CSR_STVEC, 0x80003000);
	assert_int_equal(fixture_csr(cpu, CSR_STVEC), 0x80003000);

	fixture_csr_write(cpu, CSR_MEPC, 0x80000003);
	assert_int_equal(fixture_csr(cpu, CSR_MEPC), 0x80000002);
	fixture_csr_write(cpu, CSR_SEPC, 0x80000007);
	assert_int_equal(fixture_csr(cpu, CSR_SEPC), 0x80000006);
}

static void test_csr_privilege(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t val = 0;

	cpu->priv = PRIV_S;
	assert_int_equal(fixture_csr_read(cpu, CSR_MSTATUS, &val), -1);
	assert_int_equal(fixture_csr_read(cpu, CSR_MSCRATCH, &val), -1);
	assert_int_equal(fixture_csr_write(cpu, CSR_SSCRATCH, 5), 0);
	assert_int_equal(fixture_csr(cpu, CSR_SSCRATCH), 5);
	cpu->priv = PRIV_U;
	assert_int_equal(fixture_csr_read(cpu, CSR_SSTATUS, &val), -1);
	assert_int_equal(fixture_csr_read(cpu, CSR_SSCRATCH, &val), -1);
}

static void test_csr_counter_enables(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t val = 0;

	cpu->csr.minstret = 42;
	cpu->priv = PRIV_S;
	assert_int_equal(fixture_csr_read(cpu, CSR_INSTRET, &val), -1);
	cpu->csr.mcounteren = COUNTER_IR | (1u << 3);
	assert_int_equal(fixture_csr_read(cpu, CSR_INSTRET, &val), 0);
	assert_int_equal(val, 42);
	assert_int_equal(fixture_csr_read(cpu, CSR_HPMCOUNTER3, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(fixture_csr_read(cpu, CSR_HPMCOUNTER3 + 1, &val), -1);
	assert_int_equal(fixture_csr_read(cpu, CSR_CYCLE, &val), -1);
	cpu->priv = PRIV_U;
	assert_int_equal(fixture_csr_read(cpu, CSR_INSTRET, &val), -1);
	cpu->csr.scounteren = COUNTER_IR;
	assert_int_equal(fixture_csr_read(cpu, CSR_INSTRET, &val), 0);

	cpu->priv = PRIV_M;
	assert_int_equal(fixture_csr_read(cpu, CSR_TIME, &val), 0);
	assert_true(val > 0);
	fixture_csr_write(cpu, CSR_MINSTRET, 7);
	assert_int_equal(fixture_csr(cpu, CSR_MINSTRET), 7);
	fixture_csr_write(cpu, CSR_MHPMCOUNTER3, 7);
	assert_int_equal(fixture_csr(cpu, CSR_MHPMCOUNTER3), 0);
	fixture_csr_write(cpu, CSR_MHPMEVENT3 + 4, 7);
	assert_int_equal(fixture_csr(cpu, CSR_MHPMEVENT3 + 4), 0);
	fixture_csr_write(cpu, CSR_MCOUNTINHIBIT, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MCOUNTINHIBIT), 0xfffffffd);
}

static void test_csr_fp_needs_fs(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t val = 0;

	assert_int_equal(fixture_csr_read(cpu, CSR_FCSR, &val), -1);
	assert_int_equal(fixture_csr_write(cpu, CSR_FFLAGS, 1), -1);
	fixture_csr_write(cpu, CSR_MSTATUS, 1ull << 13); /* FS = Initial */
	assert_int_equal(fixture_csr_write(cpu, CSR_FCSR, 0xff), 0);
	assert_int_equal(cpu->fflags, 0x1f);
	assert_int_equal(cpu->frm, 7);
	assert_int_equal(fixture_csr(cpu, CSR_MSTATUS) & (MSTATUS_FS | MSTATUS_SD),
			 MSTATUS_FS_DIRTY | MSTATUS_SD);
	fixture_csr_write(cpu, CSR_FRM, 2);
	fixture_csr_write(cpu, CSR_FFLAGS, 0x21);
	assert_int_equal(fixture_csr(cpu, CSR_FCSR), (2 << 5) | 1);
}

static void test_csr_satp(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t sv39 = (SATP_MODE_SV39 << 60) | (5ull << 44) | 0x80123;
	uint64_t val = 0;

	fixture_csr_write(cpu, CSR_SATP, sv39);
	assert_int_equal(fixture_csr(cpu, CSR_SATP), sv39);
	/* Unsupported modes (Sv57 = 10, reserved 1): the write has no effect. */
	fixture_csr_write(cpu, CSR_SATP, 10ull << 60);
	assert_int_equal(fixture_csr(cpu, CSR_SATP), sv39);
	fixture_csr_write(cpu, CSR_SATP, 1ull << 60 | 0x5);
	assert_int_equal(fixture_csr(cpu, CSR_SATP), sv39);
	fixture_csr_write(cpu, CSR_SATP, SATP_MODE_SV48 << 60);
	assert_int_equal(fixture_csr(cpu, CSR_SATP), SATP_MODE_SV48 << 60);

	/* A write flushes the TLB. */
	cpu->mmu.tlb[MMU_READ][3].vpage = 0x3000;
	cpu->mmu.fill_log[MMU_READ][cpu->mmu.fill_count[MMU_READ]++] = 3;
	fixture_csr_write(cpu, CSR_SATP, 0);
	assert_int_equal(cpu->mmu.tlb[MMU_READ][3].vpage, MMU_TLB_INVALID);

	/* TVM makes satp illegal in S (reads too), not in M. */
	cpu->csr.mstatus |= MSTATUS_TVM;
	assert_int_equal(fixture_csr_write(cpu, CSR_SATP, sv39), 0);
	cpu->priv = PRIV_S;
	assert_int_equal(fixture_csr_read(cpu, CSR_SATP, &val), -1);
	assert_int_equal(fixture_csr_write(cpu, CSR_SATP, 0), -1);
	cpu->csr.mstatus &= ~MSTATUS_TVM;
	assert_int_equal(fixture_csr_read(cpu, CSR_SATP, &val), 0);
	assert_int_equal(val, sv39);
}

static void test_csr_mstatus_write_flushes_tlb(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	cpu->mmu.tlb[MMU_WRITE][0].vpage = 0;
	cpu->mmu.fill_log[MMU_WRITE][cpu->mmu.fill_count[MMU_WRITE]++] = 0;
	fixture_csr_write(cpu, CSR_MSTATUS, MSTATUS_MIE);
	assert_int_equal(cpu->mmu.tlb[MMU_WRITE][0].vpage, 0);
	fixture_csr_write(cpu, CSR_MSTATUS, MSTATUS_MIE | MSTATUS_SUM);
	assert_int_equal(cpu->mmu.tlb[MMU_WRITE][0].vpage, MMU_TLB_INVALID);
}

static void test_csr_sstc(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;
	uint64_t val = 0;

	fixture_csr_write(cpu, CSR_MENVCFG, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_MENVCFG), MENVCFG_STCE | MENVCFG_FIOM);
	fixture_csr_write(cpu, CSR_MENVCFG, 0);

	cpu->priv = PRIV_S;
	assert_int_equal(fixture_csr_read(cpu, CSR_STIMECMP, &val), -1);
	cpu->csr.mcounteren = COUNTER_TM;
	assert_int_equal(fixture_csr_read(cpu, CSR_STIMECMP, &val), -1);
	cpu->csr.menvcfg = MENVCFG_STCE;
	assert_int_equal(fixture_csr_read(cpu, CSR_STIMECMP, &val), 0);
	assert_int_equal(val, UINT64_MAX);

	/* A past deadline raises STIP at once; a future one clears it. */
	assert_int_equal(fixture_csr_write(cpu, CSR_STIMECMP, 0), 0);
	assert_true(csr_mip(cpu) & MIP_STIP);
	fixture_csr_write(cpu, CSR_STIMECMP, UINT64_MAX);
	assert_false(csr_mip(cpu) & MIP_STIP);

	/* With Sstc on, M cannot set STIP by hand; with it off, it can. */
	cpu->priv = PRIV_M;
	fixture_csr_write(cpu, CSR_MIP, MIP_STIP);
	assert_false(csr_mip(cpu) & MIP_STIP);
	fixture_csr_write(cpu, CSR_MENVCFG, 0);
	fixture_csr_write(cpu, CSR_MIP, MIP_STIP);
	assert_true(csr_mip(cpu) & MIP_STIP);
	fixture_csr_write(cpu, CSR_MENVCFG, MENVCFG_STCE);
	assert_false(csr_mip(cpu) & MIP_STIP);
}

static void test_csr_pmp(void **state)
{
	struct cpu *cpu = &((struct cpu_fixture *)*state)->cpu;

	fixture_csr_write(cpu, CSR_PMPADDR0 + 1, ~0ull);
	assert_int_equal(fixture_csr(cpu, CSR_PMPADDR0 + 1), (1ull << 54) - 1);
	/* Reserved bits 6:5 read 0; W without R loses W. */
	fixture_csr_write(cpu, CSR_PMPCFG0, 0x6f | (0x02ull << 8) | (0x1full << 56));
	assert_int_equal(fixture_csr(cpu, CSR_PMPCFG0), 0x0f | (0x1full << 56));
	fixture_csr_write(cpu, CSR_PMPCFG2, 0x1bull << 8);
	assert_int_equal(cpu->csr.pmpcfg[9], 0x1b);

	/* Locked: cfg and addr ignore writes; a locked TOR freezes the address below. */
	fixture_csr_write(cpu, CSR_PMPCFG0, 0x89ull << 16); /* entry 2: L TOR R */
	fixture_csr_write(cpu, CSR_PMPCFG0, 0);
	assert_int_equal(cpu->csr.pmpcfg[2], 0x89);
	fixture_csr_write(cpu, CSR_PMPADDR0 + 2, 0x1234);
	fixture_csr_write(cpu, CSR_PMPADDR0 + 1, 0x1234);
	assert_int_equal(fixture_csr(cpu, CSR_PMPADDR0 + 2), 0);
	assert_int_equal(fixture_csr(cpu, CSR_PMPADDR0 + 1), (1ull << 54) - 1);
	fixture_csr_write(cpu, CSR_PMPADDR0, 0x1234);
	assert_int_equal(fixture_csr(cpu, CSR_PMPADDR0), 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
		T(test_csr_mstatus_mask),
		T(test_csr_mstatus_mpp_warl),
		T(test_csr_sstatus_view),
		T(test_csr_misa_and_ids),
		T(test_csr_deleg_and_ie_masks),
		T(test_csr_mip_writable_bits),
		T(test_csr_tvec_epc),
		T(test_csr_privilege),
		T(test_csr_counter_enables),
		T(test_csr_fp_needs_fs),
		T(test_csr_satp),
		T(test_csr_mstatus_write_flushes_tlb),
		T(test_csr_sstc),
		T(test_csr_pmp),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
