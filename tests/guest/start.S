/*
 * Entry of the picolibc test guests: hart 0 runs C, the other harts wait forever.
 * Placed in .text.init.enter so picolibc.ld puts it first, at 0x80000000.
 */
	.section .text.init.enter, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, guest_park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack
	la	t0, guest_trap_entry
	csrw	mtvec, t0
	li	t0, 0x2000		/* mstatus.FS = initial: gcc uses FP registers anywhere */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	call	guest_cstart
guest_park:
	wfi
	j	guest_park

	.text
	.balign	4
guest_trap_entry:
	la	sp, __stack
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	guest_trap
	j	guest_park
