/*
 * demo.S - the worker's default demo guest: prints a greeting and the
 * hart's misa extensions on the UART, sums 1..1000000 to show the CPU
 * working, and powers off through the test finisher.
 */
#define UART0 0x10000000
#define FINISHER 0x100000

	.section .text.start
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	li	sp, 0x80100000
	la	a0, greeting
	call	puts
	/* misa letters: bit n set -> 'A' + n */
	csrr	s0, misa
	li	s1, 0
1:	srl	t0, s0, s1
	andi	t0, t0, 1
	beqz	t0, 2f
	addi	a0, s1, 'A'
	call	putc
2:	addi	s1, s1, 1
	li	t0, 26
	bltu	s1, t0, 1b
	li	a0, '\n'
	call	putc
	/* sum 1..1000000 = 500000500000 */
	li	t0, 1000000
	li	t1, 0
3:	add	t1, t1, t0
	addi	t0, t0, -1
	bnez	t0, 3b
	li	t2, 500000500000
	bne	t1, t2, fail
	la	a0, done
	call	puts
	li	t0, FINISHER
	li	t1, 0x5555
	sw	t1, 0(t0)
park:	wfi
	j	park
fail:	li	t0, FINISHER
	li	t1, (1 << 16) | 0x3333
	sw	t1, 0(t0)
	j	park

puts:	mv	t3, ra
	mv	t4, a0
4:	lbu	a0, 0(t4)
	beqz	a0, 5f
	call	putc
	addi	t4, t4, 1
	j	4b
5:	mv	ra, t3
	ret

putc:	li	t5, UART0
6:	lbu	t6, 5(t5)
	andi	t6, t6, 0x20
	beqz	t6, 6b
	sb	a0, 0(t5)
	ret

	.section .rodata
greeting:
	.asciz	"vmm-worker demo: hello from a RISC-V guest. misa extensions: "
done:
	.asciz	"sum of 1..1000000 checked; powering off.\n"
