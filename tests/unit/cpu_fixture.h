/*
 * cpu_fixture.h - one hart on a hand-built machine for the csr/trap/mmu
 * unit tests: 4 MiB of RAM at 0x80000000, no devices, M-mode after reset.
 */
#ifndef VMM_TEST_CPU_FIXTURE_H
#define VMM_TEST_CPU_FIXTURE_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu.h"
#include "cpu/csr.h"
#include "cpu/mmu.h"
#include "cpu/trap.h"
#include "machine/machine.h"

#define FIXTURE_RAM_BASE 0x80000000ull
#define FIXTURE_RAM_SIZE (4ull << 20)

struct cpu_fixture {
	struct machine machine;
	struct cpu cpu;
};

static inline uint64_t fixture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline struct cpu_fixture *fixture_new(void)
{
	struct cpu_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->machine.bus.ram = calloc(1, FIXTURE_RAM_SIZE);
	if (!f->machine.bus.ram)
		abort();
	f->machine.bus.ram_base = FIXTURE_RAM_BASE;
	f->machine.bus.ram_size = FIXTURE_RAM_SIZE;
	f->machine.harts = &f->cpu;
	f->machine.hart_count = 1;
	f->machine.exit_fd = -1;
	/* Guest time starts far from 0 so "now + n" tests have room both ways. */
	f->machine.time_origin_ns = fixture_now_ns() - 1000000000ull;
	pthread_mutex_init(&f->machine.wfi_lock, NULL);
	pthread_cond_init(&f->machine.wfi_cond, NULL);
	f->cpu.machine = &f->machine;
	f->cpu.priv = PRIV_M;
	f->cpu.pc = FIXTURE_RAM_BASE;
	f->cpu.mtimecmp = UINT64_MAX;
	csr_reset(&f->cpu);
	return f;
}

static inline void fixture_free(struct cpu_fixture *f)
{
	pthread_mutex_destroy(&f->machine.wfi_lock);
	pthread_cond_destroy(&f->machine.wfi_cond);
	free(f->machine.bus.ram);
	free(f);
}

static inline int fixture_setup(void **state)
{
	*state = fixture_new();
	return 0;
}

static inline int fixture_teardown(void **state)
{
	fixture_free(*state);
	return 0;
}

/* Host pointer to guest-physical RAM. */
static inline void *fixture_ram(struct cpu_fixture *f, uint64_t paddr)
{
	return f->machine.bus.ram + (paddr - FIXTURE_RAM_BASE);
}

/* csrrw/csrrs/csrrc helpers: return csr_access's result, old value in *old. */
static inline int fixture_csr_write(struct cpu *cpu, unsigned csrno, uint64_t val)
{
	uint64_t old;

	return csr_access(cpu, csrno, CSR_OP_RW, val, true, &old);
}

static inline int fixture_csr_read(struct cpu *cpu, unsigned csrno, uint64_t *val)
{
	return csr_access(cpu, csrno, CSR_OP_RS, 0, false, val);
}

/* Read a CSR that must be readable in the current mode. */
static inline uint64_t fixture_csr(struct cpu *cpu, unsigned csrno)
{
	uint64_t val = 0xdeadbeef;

	if (fixture_csr_read(cpu, csrno, &val))
		abort();
	return val;
}

#endif
