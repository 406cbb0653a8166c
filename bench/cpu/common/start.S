/*
 * start.S - bare-metal entry for the benchmark guests, at 0x80000000 in
 * M-mode. Hart 0 runs the program; any other hart parks, since the programs
 * are single-threaded.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park

	/* The linker relaxes gp-relative accesses, so gp must be set before any C. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top

	/* An unexpected trap prints its cause instead of hanging silently. */
	la	t0, trap_entry
	csrw	mtvec, t0

	/* mstatus.FS = Initial: the FP programs need the FPU on. */
	li	t0, (1 << 13)
	csrs	mstatus, t0
	fscsr	zero

	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	call	main
	call	bench_exit

park:
	wfi
	j	park

	.align	2
trap_entry:
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	la	sp, __stack_top
	call	bench_trap
	j	park
