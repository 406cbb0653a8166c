/*
 * test_x86emit.c - the x86-64 encoder (dbt/x86emit.c) against capstone.
 *
 * Each form is emitted for every register combination and a broad set of
 * memory operands (every base, every index and scale, displacements at the
 * disp8/disp32 boundaries), disassembled with capstone in Intel syntax and
 * compared with a text the test builds on its own, plus the length. Then a
 * few emitted functions are run on the host to check their results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * capstone's x86.h also defines an enum x86_reg; rename its copy, which
 * this file never uses (no instruction details are requested).
 */
#define x86_reg cs_x86_reg
#include <capstone/capstone.h>
#undef x86_reg
#include <cmocka.h>

#include "dbt/tlbindex.h"
#include "dbt/x86emit.h"

static csh cs;
static uint8_t code[64];
static struct x86_buf buf;

static const char *const reg64[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const reg32[16] = {
	"eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const reg16[16] = {
	"ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const reg8[16] = {
	"al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const cc_name[16] = {
	"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};
static const char *const alu_name[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const unsigned widths[4] = { 1, 2, 4, 8 };

static const char *reg_name(unsigned w, unsigned r)
{
	return w == 8 ? reg64[r] : w == 4 ? reg32[r] : w == 2 ? reg16[r] : reg8[r];
}

static const char *ptr_name(unsigned w)
{
	return w == 8 ? "qword" : w == 4 ? "dword" : w == 2 ? "word" : "byte";
}

/* An immediate as capstone prints it: decimal up to 9, hex beyond, with a sign. */
static const char *imm_text(int64_t v)
{
	static char s[8][32];
	static unsigned next;
	char *p = s[next++ % 8];
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

	snprintf(p, 32, mag > 9 ? "%s0x%llx" : "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
	return p;
}

static const char *uimm_text(uint64_t v)
{
	static char s[4][32];
	static unsigned next;
	char *p = s[next++ % 4];

	snprintf(p, 32, v > 9 ? "0x%llx" : "%llu", (unsigned long long)v);
	return p;
}

/* A full-width immediate of a w-byte operation: capstone shows it unsigned, except at 64 bits. */
static const char *wide_imm_text(unsigned w, int32_t imm)
{
	if (w == 8)
		return imm_text(imm);
	return uimm_text((uint64_t)(uint32_t)imm & (w == 4 ? 0xffffffffu : w == 2 ? 0xffff : 0xff));
}

/* "[base + index*scale + disp]" in capstone's spelling. */
static const char *mem_text(struct x86_mem m)
{
	static char s[4][64];
	static unsigned next;
	char *p = s[next++ % 4];
	int n = snprintf(p, 64, "[%s", reg64[m.base]);

	if (m.index != X86_NOREG) {
		n += snprintf(p + n, 64 - n, " + %s", reg64[m.index]);
		if (m.scale != 1)
			n += snprintf(p + n, 64 - n, "*%u", m.scale);
	}
	if (m.disp != 0)
		n += snprintf(p + n, 64 - n, " %c %s", m.disp < 0 ? '-' : '+',
			      uimm_text(m.disp < 0 ? -(int64_t)m.disp : m.disp));
	snprintf(p + n, 64 - n, "]");
	return p;
}

static const char *wmem_text(unsigned w, struct x86_mem m)
{
	static char s[4][80];
	static unsigned next;
	char *p = s[next++ % 4];

	snprintf(p, 80, "%s ptr %s", ptr_name(w), mem_text(m));
	return p;
}

/* The bytes ModRM + SIB + displacement take for m, for checking the shortest form is used. */
static size_t mem_len(struct x86_mem m)
{
	size_t n = 1;

	if (m.index != X86_NOREG || (m.base & 7) == 4)
		n++;
	if (m.disp == 0 && (m.base & 7) != 5)
		return n;
	return n + (m.disp >= -128 && m.disp <= 127 ? 1 : 4);
}

/* Every base, no index or every index at every scale, and displacements around the limits. */
static const int32_t disps[] = { 0, 1, -1, 0x7f, -0x80, 0x80, -0x81, 0x12345678, INT32_MIN };
#define NDISP (sizeof(disps) / sizeof(disps[0]))
#define NMEM (16 * (1 + 15 * 4) * NDISP)

static struct x86_mem mem_case(unsigned i)
{
	unsigned base = i % 16, rest = i / 16;
	unsigned d = rest % NDISP, x = rest / NDISP;
	struct x86_mem m = x86_mem(base, disps[d]);

	if (x > 0) {
		unsigned index = (x - 1) / 4;

		m.index = index >= X86_RSP ? index + 1 : index;
		m.scale = 1 << ((x - 1) % 4);
	}
	return m;
}

static struct x86_buf *fresh(void)
{
	x86_buf_init(&buf, code, sizeof(code));
	return &buf;
}

static void dump_bytes(const uint8_t *p, size_t len)
{
	char s[3 * 32 + 1] = "";

	for (size_t i = 0; i < len && i < 32; i++)
		snprintf(s + 3 * i, 4, "%02x ", p[i]);
	print_error("bytes: %s\n", s);
}

/*
 * Disassemble the first instruction at p (at its real address) and check
 * its text and that its length is len; returns that length.
 */
static size_t check_at(const uint8_t *p, size_t len, const char *expect)
{
	cs_insn *insn;
	size_t count = cs_disasm(cs, p, len, (uintptr_t)p, 1, &insn);
	char text[sizeof(insn->mnemonic) + sizeof(insn->op_str) + 1];

	if (count != 1) {
		dump_bytes(p, len);
		fail_msg("capstone could not decode, expected \"%s\"", expect);
	}
	if (insn->op_str[0])
		snprintf(text, sizeof(text), "%s %s", insn->mnemonic, insn->op_str);
	else
		snprintf(text, sizeof(text), "%s", insn->mnemonic);
	if (strcmp(text, expect) != 0 || insn->size != len) {
		dump_bytes(p, len);
		fail_msg("got \"%s\" (%u bytes), expected \"%s\" (%zu bytes)", text, insn->size,
			 expect, len);
	}
	cs_free(insn, count);
	return len;
}

/* The one instruction just emitted into the fresh buffer. */
static void check(const char *fmt, ...)
{
	char expect[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expect, sizeof(expect), fmt, ap);
	va_end(ap);
	assert_false(buf.overflow);
	check_at(code, buf.p - code, expect);
}

static size_t emitted(void)
{
	return buf.p - code;
}

static int setup(void **state)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	cs_close(&cs);
	return 0;
}

/* ---- forms, checked against capstone ---- */

static void test_mov(void **state)
{
	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];

		for (unsigned d = 0; d < 16; d++)
			for (unsigned s = 0; s < 16; s++) {
				x86_mov_rr(fresh(), w, d, s);
				check("mov %s, %s", reg_name(w, d), reg_name(w, s));
			}
	}
}

static void test_mov_ri(void **state)
{
	static const uint64_t imms[] = {
		0,
		1,
		9,
		0x7f,
		0x80000000,
		0xffffffff,
		0x100000000,
		0x123456789abcdef0,
		0x8000000000000000,
		0xffffffff80000000,
		0xfffffffffffffffe,
		0xffffffff7fffffff,
		0xffffffffffffffff,
	};

	for (unsigned r = 0; r < 16; r++)
		for (unsigned i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
			uint64_t v = imms[i];

			x86_mov_ri(fresh(), r, v);
			if (v <= UINT32_MAX) {
				check("mov %s, %s", reg32[r], uimm_text(v));
				assert_int_equal(emitted(), 5 + (r >= 8));
			} else if ((int64_t)v >= INT32_MIN && (int64_t)v < 0) {
				check("mov %s, %s", reg64[r], imm_text((int64_t)v));
				assert_int_equal(emitted(), 7);
			} else {
				check("movabs %s, %s", reg64[r], uimm_text(v));
				assert_int_equal(emitted(), 10);
			}
		}
}

static void test_load_store(void **state)
{
	for (unsigned i = 0; i < NMEM; i++) {
		struct x86_mem m = mem_case(i);
		unsigned r = i % 16;

		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];

			x86_load(fresh(), w, r, m);
			if (w < 4)
				check("movzx %s, %s", reg32[r], wmem_text(w, m));
			else
				check("mov %s, %s", reg_name(w, r), wmem_text(w, m));
			x86_store(fresh(), w, m, r);
			check("mov %s, %s", wmem_text(w, m), reg_name(w, r));
			if (w < 8) {
				x86_load_sx(fresh(), w, r, m);
				check("%s %s, %s", w == 4 ? "movsxd" : "movsx", reg64[r],
				      wmem_text(w, m));
			}
		}
		x86_lea(fresh(), r, m);
		check("lea %s, %s", reg64[r], mem_text(m));
		assert_int_equal(emitted(), 2 + mem_len(m));
		x86_jmp_m(fresh(), m);
		check("jmp %s", wmem_text(8, m));
		x86_mfence(fresh());
		check("mfence");
		x86_ldmxcsr(fresh(), m);
		check("ldmxcsr %s", wmem_text(4, m));
		x86_stmxcsr(fresh(), m);
		check("stmxcsr %s", wmem_text(4, m));
	}
}

static void test_store_imm(void **state)
{
	static const int32_t imms[] = {
		0, 5, -1, 0x7f, -0x80, 0x1234, -0x1234, INT32_MAX, INT32_MIN
	};
	const unsigned nimm = sizeof(imms) / sizeof(imms[0]);

	for (unsigned i = 0; i < NMEM; i++) {
		struct x86_mem m = mem_case(i);

		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];
			int32_t imm = imms[(i + wi) % nimm];

			x86_store_imm(fresh(), w, m, imm);
			check("mov %s, %s", wmem_text(w, m), wide_imm_text(w, imm));
		}
	}
}

static void test_extend_rr(void **state)
{
	for (unsigned d = 0; d < 16; d++)
		for (unsigned s = 0; s < 16; s++) {
			x86_movsxd_rr(fresh(), d, s);
			check("movsxd %s, %s", reg64[d], reg32[s]);
			for (unsigned w = 1; w <= 2; w++) {
				x86_movsx_rr(fresh(), w, d, s);
				check("movsx %s, %s", reg64[d], reg_name(w, s));
				x86_movzx_rr(fresh(), w, d, s);
				check("movzx %s, %s", reg32[d], reg_name(w, s));
			}
		}
}

static void test_cmov_setcc(void **state)
{
	for (unsigned cc = 0; cc < 16; cc++)
		for (unsigned d = 0; d < 16; d++) {
			x86_setcc(fresh(), cc, d);
			check("set%s %s", cc_name[cc], reg8[d]);
			assert_int_equal(emitted(), 3 + (d >= 4));
			for (unsigned s = 0; s < 16; s++)
				for (unsigned w = 4; w <= 8; w += 4) {
					x86_cmov_rr(fresh(), w, cc, d, s);
					check("cmov%s %s, %s", cc_name[cc], reg_name(w, d),
					      reg_name(w, s));
				}
		}
}

static void test_alu_rr(void **state)
{
	for (unsigned op = 0; op < 8; op++)
		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];

			for (unsigned d = 0; d < 16; d++)
				for (unsigned s = 0; s < 16; s++) {
					x86_alu_rr(fresh(), w, op, d, s);
					check("%s %s, %s", alu_name[op], reg_name(w, d),
					      reg_name(w, s));
				}
		}
	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];

		for (unsigned d = 0; d < 16; d++)
			for (unsigned s = 0; s < 16; s++) {
				x86_test_rr(fresh(), w, d, s);
				check("test %s, %s", reg_name(w, d), reg_name(w, s));
				if (w == 1)
					continue;
				x86_imul_rr(fresh(), w, d, s);
				check("imul %s, %s", reg_name(w, d), reg_name(w, s));
			}
	}
}

static const int32_t alu_imms[] = { 0,	   1,	 9,	10,	-1,	   -10,	      0x7f,
				    -0x80, 0x80, -0x81, 0x7fff, 0x1234567, INT32_MAX, INT32_MIN };
#define NALU_IMM (sizeof(alu_imms) / sizeof(alu_imms[0]))

/*
 * How capstone prints a w-byte ALU immediate: and/or/xor as the unsigned
 * w-byte value it becomes; the others signed in the sign-extended imm8
 * form, else like any full-width immediate.
 */
static const char *alu_imm_text(enum x86_alu op, unsigned w, int32_t imm)
{
	if (op == X86_AND || op == X86_OR || op == X86_XOR)
		return uimm_text((uint64_t)(int64_t)imm &
				 (w == 8 ? UINT64_MAX : (1ull << (8 * w)) - 1));
	if (w > 1 && imm >= -128 && imm <= 127)
		return imm_text(imm);
	return wide_imm_text(w, imm);
}

/* Bytes of the immediate: imm8 whenever it fits (for w > 1), else the operand width. */
static size_t alu_imm_len(unsigned w, int32_t imm)
{
	if (w == 1 || (imm >= -128 && imm <= 127))
		return 1;
	return w == 2 ? 2 : 4;
}

static void test_alu_imm(void **state)
{
	for (unsigned op = 0; op < 8; op++)
		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];

			for (unsigned d = 0; d < 16; d++)
				for (unsigned i = 0; i < NALU_IMM; i++) {
					int32_t imm = alu_imms[i];
					size_t rex = w == 8 || d >= 8 || (w == 1 && d >= 4);

					x86_alu_ri(fresh(), w, op, d, imm);
					check("%s %s, %s", alu_name[op], reg_name(w, d),
					      alu_imm_text(op, w, imm));
					assert_int_equal(emitted(),
							 (w == 2) + rex + 2 + alu_imm_len(w, imm));
				}
		}
	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];

		for (unsigned d = 0; d < 16; d++)
			for (unsigned i = 0; i < NALU_IMM; i++) {
				x86_test_ri(fresh(), w, d, alu_imms[i]);
				check("test %s, %s", reg_name(w, d), wide_imm_text(w, alu_imms[i]));
			}
	}
}

static void test_alu_mem(void **state)
{
	for (unsigned op = 0; op < 8; op++)
		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];

			for (unsigned i = 0; i < NMEM; i++) {
				struct x86_mem m = mem_case(i);
				unsigned r = (i + op) % 16;
				int32_t imm = alu_imms[(i + op) % NALU_IMM];

				x86_alu_rm(fresh(), w, op, r, m);
				check("%s %s, %s", alu_name[op], reg_name(w, r), wmem_text(w, m));
				x86_alu_mr(fresh(), w, op, m, r);
				check("%s %s, %s", alu_name[op], wmem_text(w, m), reg_name(w, r));
				x86_alu_mi(fresh(), w, op, m, imm);
				check("%s %s, %s", alu_name[op], wmem_text(w, m),
				      alu_imm_text(op, w, imm));
				assert_int_equal(emitted(),
						 (w == 2) +
							 (w == 8 || m.base >= 8 || m.index >= 8) +
							 1 + mem_len(m) + alu_imm_len(w, imm));
			}
		}
}

static void test_shift(void **state)
{
	static const struct {
		enum x86_shift op;
		const char *name;
	} ops[] = { { X86_ROL, "rol" },
		    { X86_ROR, "ror" },
		    { X86_SHL, "shl" },
		    { X86_SHR, "shr" },
		    { X86_SAR, "sar" } };
	static const uint8_t counts[] = { 1, 2, 7, 9, 10, 31, 63 };

	for (unsigned o = 0; o < 5; o++)
		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];

			for (unsigned d = 0; d < 16; d++) {
				x86_shift_rcl(fresh(), w, ops[o].op, d);
				check("%s %s, cl", ops[o].name, reg_name(w, d));
				for (unsigned c = 0; c < sizeof(counts) && counts[c] < 8 * w; c++) {
					x86_shift_ri(fresh(), w, ops[o].op, d, counts[c]);
					check("%s %s, %s", ops[o].name, reg_name(w, d),
					      uimm_text(counts[c]));
				}
			}
		}
}

static void test_unary(void **state)
{
	static const struct {
		void (*emit)(struct x86_buf *b, unsigned w, enum x86_reg r);
		const char *name;
	} ops[] = { { x86_mul_r, "mul" },   { x86_imul1_r, "imul" }, { x86_div_r, "div" },
		    { x86_idiv_r, "idiv" }, { x86_neg, "neg" },	     { x86_not, "not" } };
	static const struct {
		void (*emit)(struct x86_buf *b, unsigned w, enum x86_reg d, enum x86_reg s);
		const char *name;
	} bits[] = { { x86_bsr, "bsr" },
		     { x86_bsf, "bsf" },
		     { x86_popcnt, "popcnt" },
		     { x86_tzcnt, "tzcnt" } };

	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];

		for (unsigned r = 0; r < 16; r++)
			for (unsigned o = 0; o < 6; o++) {
				ops[o].emit(fresh(), w, r);
				check("%s %s", ops[o].name, reg_name(w, r));
			}
	}
	for (unsigned w = 4; w <= 8; w += 4)
		for (unsigned d = 0; d < 16; d++) {
			x86_bswap(fresh(), w, d);
			check("bswap %s", reg_name(w, d));
			for (unsigned s = 0; s < 16; s++)
				for (unsigned o = 0; o < 4; o++) {
					bits[o].emit(fresh(), w, d, s);
					check("%s %s, %s", bits[o].name, reg_name(w, d),
					      reg_name(w, s));
				}
			for (unsigned s = 0; s < 16; s++) {
				unsigned imm = s * 3 + 1;

				x86_rorx(fresh(), w, d, s, (uint8_t)imm);
				/* capstone writes immediates from 10 on in hex */
				check(imm < 10 ? "rorx %s, %s, %u" : "rorx %s, %s, 0x%x",
				      reg_name(w, d), reg_name(w, s), imm);
			}
		}
	x86_cqo(fresh(), 8);
	check("cqo");
	x86_cqo(fresh(), 4);
	check("cdq");
	x86_cqo(fresh(), 2);
	check("cwd");
}

static void test_misc(void **state)
{
	for (unsigned r = 0; r < 16; r++) {
		x86_push(fresh(), r);
		check("push %s", reg64[r]);
		x86_pop(fresh(), r);
		check("pop %s", reg64[r]);
		x86_jmp_r(fresh(), r);
		check("jmp %s", reg64[r]);
		x86_call_r(fresh(), r);
		check("call %s", reg64[r]);
	}
	x86_ret(fresh());
	check("ret");
	x86_ud2(fresh());
	check("ud2");
	for (unsigned n = 1; n <= 9; n++) {
		cs_insn *insn;

		x86_nop(fresh(), n);
		assert_int_equal(emitted(), n);
		assert_int_equal(cs_disasm(cs, code, n, 0, 0, &insn), 1);
		assert_string_equal(insn->mnemonic, "nop");
		assert_int_equal(insn->size, n);
		cs_free(insn, 1);
	}
	/* Longer nops are several instructions, each a nop. */
	for (unsigned n = 10; n <= 30; n++) {
		size_t pos = 0;

		x86_nop(fresh(), n);
		assert_int_equal(emitted(), n);
		while (pos < n) {
			cs_insn *insn;

			assert_int_equal(cs_disasm(cs, code + pos, n - pos, 0, 1, &insn), 1);
			assert_string_equal(insn->mnemonic, "nop");
			pos += insn->size;
			cs_free(insn, 1);
		}
		assert_int_equal(pos, n);
	}
}

static void test_sse(void **state)
{
	static const struct {
		enum x86_sse op;
		const char *name;
	} ops[] = { { X86_SSE_ADD, "add" },
		    { X86_SSE_SUB, "sub" },
		    { X86_SSE_MUL, "mul" },
		    { X86_SSE_DIV, "div" },
		    { X86_SSE_SQRT, "sqrt" } };

	for (unsigned x = 0; x < 16; x++)
		for (unsigned r = 0; r < 16; r++) {
			x86_movq_xr(fresh(), x, r);
			check("movq xmm%u, %s", x, reg64[r]);
			x86_movq_rx(fresh(), r, x);
			check("movq %s, xmm%u", reg64[r], x);
			for (unsigned o = 0; o < 5; o++) {
				x86_sse_rr(fresh(), true, ops[o].op, x, r);
				check("%ssd xmm%u, xmm%u", ops[o].name, x, r);
				x86_sse_rr(fresh(), false, ops[o].op, x, r);
				check("%sss xmm%u, xmm%u", ops[o].name, x, r);
			}
			x86_ucomis_rr(fresh(), true, x, r);
			check("ucomisd xmm%u, xmm%u", x, r);
			x86_ucomis_rr(fresh(), false, x, r);
			check("ucomiss xmm%u, xmm%u", x, r);
			x86_comis_rr(fresh(), true, x, r);
			check("comisd xmm%u, xmm%u", x, r);
			x86_comis_rr(fresh(), false, x, r);
			check("comiss xmm%u, xmm%u", x, r);
			for (unsigned w = 4; w <= 8; w += 4) {
				const char *name = reg_name(w, r);

				x86_cvtsi2s(fresh(), true, w, x, r);
				check("cvtsi2sd xmm%u, %s", x, name);
				x86_cvtsi2s(fresh(), false, w, x, r);
				check("cvtsi2ss xmm%u, %s", x, name);
				x86_cvts2si(fresh(), true, false, w, r, x);
				check("cvtsd2si %s, xmm%u", name, x);
				x86_cvts2si(fresh(), true, true, w, r, x);
				check("cvttsd2si %s, xmm%u", name, x);
				x86_cvts2si(fresh(), false, false, w, r, x);
				check("cvtss2si %s, xmm%u", name, x);
				x86_cvts2si(fresh(), false, true, w, r, x);
				check("cvttss2si %s, xmm%u", name, x);
			}
		}
	for (unsigned i = 0; i < NMEM; i++) {
		struct x86_mem m = mem_case(i);
		unsigned x = i % 16;

		x86_movs_load(fresh(), true, x, m);
		check("movsd xmm%u, %s", x, wmem_text(8, m));
		x86_movs_load(fresh(), false, x, m);
		check("movss xmm%u, %s", x, wmem_text(4, m));
		x86_movs_store(fresh(), true, m, x);
		check("movsd %s, xmm%u", wmem_text(8, m), x);
		x86_movs_store(fresh(), false, m, x);
		check("movss %s, xmm%u", wmem_text(4, m), x);
		for (unsigned o = 0; o < 5; o++) {
			x86_sse_rm(fresh(), true, ops[o].op, x, m);
			check("%ssd xmm%u, %s", ops[o].name, x, wmem_text(8, m));
			x86_sse_rm(fresh(), false, ops[o].op, x, m);
			check("%sss xmm%u, %s", ops[o].name, x, wmem_text(4, m));
		}
	}
}

/* ---- control flow ---- */

static void test_branches(void **state)
{
	static uint8_t big[4096];
	struct x86_buf b;

	/* Backward and forward targets, at the ends of the buffer and in the middle. */
	for (unsigned at = 0; at <= 4000; at += 500)
		for (unsigned t = 0; t < 4096; t += 273) {
			const uint8_t *target = big + t;
			char expect[64];
			uint8_t *field;

			for (unsigned cc = 0; cc < 16; cc++) {
				x86_buf_init(&b, big + at, 64);
				field = x86_jcc(&b, cc, target);
				assert_ptr_equal(field, big + at + 2);
				snprintf(expect, sizeof(expect), "j%s 0x%llx", cc_name[cc],
					 (unsigned long long)(uintptr_t)target);
				check_at(big + at, 6, expect);
			}
			x86_buf_init(&b, big + at, 64);
			field = x86_jmp(&b, target);
			assert_ptr_equal(field, big + at + 1);
			snprintf(expect, sizeof(expect), "jmp 0x%llx",
				 (unsigned long long)(uintptr_t)target);
			check_at(big + at, 5, expect);
			x86_buf_init(&b, big + at, 64);
			x86_call(&b, target);
			snprintf(expect, sizeof(expect), "call 0x%llx",
				 (unsigned long long)(uintptr_t)target);
			check_at(big + at, 5, expect);
			assert_int_equal(b.p - (big + at), 5);

			/* An unreachable target leaves a branch to the next insn; patch it. */
			x86_buf_init(&b, big + at, 64);
			field = x86_jcc(&b, X86_CC_NE, NULL);
			snprintf(expect, sizeof(expect), "jne 0x%llx",
				 (unsigned long long)(uintptr_t)(big + at + 6));
			check_at(big + at, 6, expect);
			x86_patch_rel32(field, target);
			snprintf(expect, sizeof(expect), "jne 0x%llx",
				 (unsigned long long)(uintptr_t)target);
			check_at(big + at, 6, expect);
		}
}

static void test_call_far(void **state)
{
	const void *far = (const void *)((uintptr_t)code ^ ((uintptr_t)1 << 44));
	char expect[64];

	assert_false(x86_rel32_ok(code + 5, far));
	x86_call(fresh(), far);
	assert_int_equal(emitted(), 12);
	snprintf(expect, sizeof(expect), "movabs rax, 0x%llx", (unsigned long long)(uintptr_t)far);
	check_at(code, 10, expect);
	check_at(code + 10, 2, "call rax");
}

static void test_rel32_ok(void **state)
{
	const uintptr_t base = (uintptr_t)1 << 40;
	const void *from = (const void *)base;

	assert_true(x86_rel32_ok(from, from));
	assert_true(x86_rel32_ok(from, (const void *)(base + INT32_MAX)));
	assert_false(x86_rel32_ok(from, (const void *)(base + INT32_MAX + 1ull)));
	assert_true(x86_rel32_ok(from, (const void *)(base - 0x80000000ull)));
	assert_false(x86_rel32_ok(from, (const void *)(base - 0x80000001ull)));
	assert_false(x86_rel32_ok(from, NULL));
}

/* ---- buffer limits ---- */

static void test_overflow(void **state)
{
	uint8_t mem[X86_MAX_INSN + 2];
	struct x86_buf b;

	memset(mem, 0xcc, sizeof(mem));
	x86_buf_init(&b, mem, sizeof(mem));
	x86_ret(&b);
	x86_ret(&b);
	assert_false(b.overflow);
	assert_ptr_equal(b.p, mem + 2);
	/* 16 bytes left: exactly enough for the longest form. */
	x86_mov_ri(&b, X86_R9, 0x123456789abcdef0);
	assert_false(b.overflow);
	assert_ptr_equal(b.p, mem + 12);
	x86_ret(&b);
	assert_true(b.overflow);
	assert_ptr_equal(b.p, mem + 12);
	assert_int_equal(mem[12], 0xcc);
	assert_null(x86_jcc(&b, X86_CC_E, mem));
	assert_null(x86_jmp(&b, mem));
	x86_nop(&b, 3);
	x86_alu_ri(&b, 8, X86_ADD, X86_RAX, 1);
	assert_ptr_equal(b.p, mem + 12);
	assert_true(b.overflow);

	/* A fresh buffer smaller than one instruction takes nothing. */
	x86_buf_init(&b, mem, X86_MAX_INSN - 1);
	x86_ret(&b);
	assert_true(b.overflow);
	assert_ptr_equal(b.p, mem);
}

/* The longest forms stay within X86_MAX_INSN (ASan checks the heap block's end). */
static void test_longest(void **state)
{
	uint8_t *mem = malloc(X86_MAX_INSN);
	struct x86_buf b;
	struct x86_mem m = x86_mem_idx(X86_R12, X86_R13, 8, INT32_MIN);

	assert_non_null(mem);
	x86_buf_init(&b, mem, X86_MAX_INSN);
	x86_alu_mi(&b, 4, X86_ADD, m, INT32_MAX);
	assert_int_equal(b.p - mem, 12);
	x86_buf_init(&b, mem, X86_MAX_INSN);
	x86_alu_mi(&b, 2, X86_ADD, m, 0x1234);
	assert_int_equal(b.p - mem, 11);
	x86_buf_init(&b, mem, X86_MAX_INSN);
	x86_call(&b, (const void *)((uintptr_t)mem ^ ((uintptr_t)1 << 44)));
	assert_int_equal(b.p - mem, 12);
	x86_buf_init(&b, mem, X86_MAX_INSN);
	x86_store_imm(&b, 8, m, -1);
	assert_int_equal(b.p - mem, 12);
	assert_false(b.overflow);
	free(mem);
}

/* ---- emitted code, run on the host ---- */

struct exec_page {
	uint8_t *mem;
	size_t size;
	struct x86_buf b;
};

static void page_open(struct exec_page *pg)
{
	pg->size = (size_t)sysconf(_SC_PAGESIZE);
	pg->mem = mmap(NULL, pg->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(pg->mem != MAP_FAILED);
	x86_buf_init(&pg->b, pg->mem, pg->size);
}

static void page_seal(struct exec_page *pg)
{
	assert_false(pg->b.overflow);
	assert_int_equal(mprotect(pg->mem, pg->size, PROT_READ | PROT_EXEC), 0);
}

static void page_close(struct exec_page *pg)
{
	munmap(pg->mem, pg->size);
}

typedef uint64_t (*fn2)(uint64_t, uint64_t);

static void test_run_arith(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	fn2 muladd, sdiv, srem, udiv, sdiv32, shr, bs64, bs32, sar_cl, cmovl;

	page_open(&pg);
	muladd = (fn2)b->p; /* rdi * rsi + 0x1234 - 1 */
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_imul_rr(b, 8, X86_RAX, X86_RSI);
	x86_alu_ri(b, 8, X86_ADD, X86_RAX, 0x1234);
	x86_alu_ri(b, 8, X86_SUB, X86_RAX, 1);
	x86_ret(b);
	sdiv = (fn2)b->p;
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_cqo(b, 8);
	x86_idiv_r(b, 8, X86_RSI);
	x86_ret(b);
	srem = (fn2)b->p;
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_mov_rr(b, 8, X86_R11, X86_RSI);
	x86_cqo(b, 8);
	x86_idiv_r(b, 8, X86_R11);
	x86_mov_rr(b, 8, X86_RAX, X86_RDX);
	x86_ret(b);
	udiv = (fn2)b->p;
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_alu_rr(b, 4, X86_XOR, X86_RDX, X86_RDX);
	x86_div_r(b, 8, X86_RSI);
	x86_ret(b);
	sdiv32 = (fn2)b->p; /* (int32)edi / (int32)esi, sign-extended to 64 */
	x86_mov_rr(b, 4, X86_RAX, X86_RDI);
	x86_cqo(b, 4);
	x86_idiv_r(b, 4, X86_RSI);
	x86_movsxd_rr(b, X86_RAX, X86_RAX);
	x86_ret(b);
	shr = (fn2)b->p;
	x86_mov_rr(b, 8, X86_R10, X86_RDI);
	x86_shift_ri(b, 8, X86_SHR, X86_R10, 60);
	x86_mov_rr(b, 8, X86_RAX, X86_R10);
	x86_ret(b);
	sar_cl = (fn2)b->p;
	x86_mov_rr(b, 8, X86_RCX, X86_RSI);
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_shift_rcl(b, 8, X86_SAR, X86_RAX);
	x86_ret(b);
	bs64 = (fn2)b->p; /* r13 is callee-saved */
	x86_push(b, X86_R13);
	x86_mov_rr(b, 8, X86_R13, X86_RDI);
	x86_bswap(b, 8, X86_R13);
	x86_mov_rr(b, 8, X86_RAX, X86_R13);
	x86_pop(b, X86_R13);
	x86_ret(b);
	bs32 = (fn2)b->p;
	x86_mov_rr(b, 8, X86_RAX, X86_RDI);
	x86_bswap(b, 4, X86_RAX);
	x86_ret(b);
	cmovl = (fn2)b->p; /* signed min */
	x86_mov_rr(b, 8, X86_RAX, X86_RSI);
	x86_alu_rr(b, 8, X86_CMP, X86_RDI, X86_RSI);
	x86_cmov_rr(b, 8, X86_CC_L, X86_RAX, X86_RDI);
	x86_ret(b);
	page_seal(&pg);

	assert_int_equal(muladd(7, (uint64_t)-3), (uint64_t)(-21 + 0x1233));
	assert_int_equal(muladd(0x100000000, 0x10), 0x1000000000 + 0x1233);
	assert_int_equal(sdiv((uint64_t)-100, 7), (uint64_t)-14);
	assert_int_equal(srem((uint64_t)-100, 7), (uint64_t)-2);
	assert_int_equal(udiv((uint64_t)-100, 7), ((uint64_t)-100) / 7);
	assert_int_equal(sdiv32(0xffffff9c, 7), (uint64_t)-14); /* -100 / 7 */
	assert_int_equal(sdiv32(0x12345678ffffff9c, 0xabcdef0000000007), (uint64_t)-14);
	assert_int_equal(shr(0xf123456789abcdef, 0), 0xf);
	assert_int_equal(sar_cl(0x8000000000000000, 63), UINT64_MAX);
	assert_int_equal(sar_cl(0x4000000000000000, 62), 1);
	assert_int_equal(bs64(0x0102030405060708, 0), 0x0807060504030201);
	assert_int_equal(bs32(0xffffffff01020304, 0), 0x04030201);
	assert_int_equal(cmovl((uint64_t)-5, 3), (uint64_t)-5);
	assert_int_equal(cmovl(5, 3), 3);
	page_close(&pg);
}

/* The translator's inline TLB slot computation agrees with mmu_tlb_index(), with and without BMI2.
 */
static void test_run_tlb_index(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	fn2 fn[2];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	page_open(&pg);
	for (unsigned v = 0; v < 2; v++) {
		fn[v] = (fn2)b->p;
		x86_mov_rr(b, 8, X86_RAX, X86_RDI);
		dbt_emit_tlb_index(b, v == 1);
		x86_mov_rr(b, 8, X86_RAX, X86_RCX);
		x86_ret(b);
	}
	page_seal(&pg);
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t addr = i < 4096 ? (uint64_t)i << 12 : x;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_equal(fn[0](addr, 0), mmu_tlb_index(addr) * 16u);
		if (__builtin_cpu_supports("bmi2"))
			assert_int_equal(fn[1](addr, 0), mmu_tlb_index(addr) * 16u);
	}
}

static void test_run_bits(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	fn2 slt, sltu, pop, tz, bsr, sext8, zext16;

	page_open(&pg);
	slt = (fn2)b->p; /* setl into sil, so the REX-only byte register is exercised */
	x86_alu_rr(b, 8, X86_CMP, X86_RDI, X86_RSI);
	x86_setcc(b, X86_CC_L, X86_RSI);
	x86_movzx_rr(b, 1, X86_RAX, X86_RSI);
	x86_ret(b);
	sltu = (fn2)b->p;
	x86_alu_rr(b, 8, X86_CMP, X86_RDI, X86_RSI);
	x86_setcc(b, X86_CC_B, X86_R9);
	x86_movzx_rr(b, 1, X86_RAX, X86_R9);
	x86_ret(b);
	pop = (fn2)b->p;
	x86_popcnt(b, 8, X86_RAX, X86_RDI);
	x86_ret(b);
	tz = (fn2)b->p;
	x86_tzcnt(b, 8, X86_RAX, X86_RDI);
	x86_ret(b);
	bsr = (fn2)b->p;
	x86_push(b, X86_R15);
	x86_bsr(b, 8, X86_R15, X86_RDI);
	x86_mov_rr(b, 8, X86_RAX, X86_R15);
	x86_pop(b, X86_R15);
	x86_ret(b);
	sext8 = (fn2)b->p;
	x86_movsx_rr(b, 1, X86_RAX, X86_RDI);
	x86_ret(b);
	zext16 = (fn2)b->p;
	x86_mov_ri(b, X86_RAX, UINT64_MAX);
	x86_movzx_rr(b, 2, X86_RAX, X86_RDI);
	x86_ret(b);
	page_seal(&pg);

	assert_int_equal(slt((uint64_t)-1, 0), 1);
	assert_int_equal(slt(0, (uint64_t)-1), 0);
	assert_int_equal(sltu((uint64_t)-1, 0), 0);
	assert_int_equal(sltu(0, (uint64_t)-1), 1);
	if (__builtin_cpu_supports("popcnt")) {
		assert_int_equal(pop(0xf0f0f0f0f0f0f0f1, 0), 33);
		assert_int_equal(pop(0, 0), 0);
	}
	if (__builtin_cpu_supports("bmi")) {
		assert_int_equal(tz(0x100, 0), 8);
		assert_int_equal(tz(0, 0), 64);
	}
	assert_int_equal(bsr(0x8000000000000001, 0), 63);
	assert_int_equal(sext8(0x1280, 0), (uint64_t)-128);
	assert_int_equal(zext16(0x12345678, 0), 0x5678);
	page_close(&pg);
}

static void test_run_memory(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	uint64_t data[4] = { 0x1122334455667788, 0x99aabbccddeeff00, 0, 0 };
	fn2 fn;

	/* Loads and stores through r12/r13 (SIB / disp8 0 special cases) and an index. */
	page_open(&pg);
	fn = (fn2)b->p;
	x86_push(b, X86_R12);
	x86_push(b, X86_R13);
	x86_mov_rr(b, 8, X86_R12, X86_RDI);
	x86_lea(b, X86_R13, x86_mem(X86_R12, 8));
	x86_load(b, 8, X86_RAX, x86_mem(X86_R13, 0));			  /* data[1] */
	x86_store(b, 8, x86_mem_idx(X86_R12, X86_RSI, 8, 0), X86_RAX);	  /* data[2] */
	x86_load_sx(b, 1, X86_RCX, x86_mem_idx(X86_R13, X86_RSI, 4, -7)); /* byte 9 */
	x86_store(b, 1, x86_mem(X86_R12, 24), X86_RCX);
	x86_store_imm(b, 2, x86_mem(X86_RDI, 26), -2);
	x86_alu_mi(b, 4, X86_ADD, x86_mem(X86_RDI, 28), 0x10000);
	x86_alu_rm(b, 8, X86_ADD, X86_RAX, x86_mem(X86_R12, 0));
	x86_pop(b, X86_R13);
	x86_pop(b, X86_R12);
	x86_ret(b);
	page_seal(&pg);

	assert_int_equal(fn((uintptr_t)data, 2), 0x99aabbccddeeff00 + 0x1122334455667788);
	assert_int_equal(data[2], 0x99aabbccddeeff00);
	assert_int_equal(data[3], 0x00010000fffe0000 | 0xff);
	page_close(&pg);
}

static uint64_t host_helper(uint64_t a, uint64_t b)
{
	return a * 1000 + b;
}

static void test_run_control(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	uint8_t *loop, *done_field, *callee;
	fn2 sum, callers;

	page_open(&pg);
	/* sum = 1 + ... + rdi, a backward jmp and a forward jcc patched later */
	sum = (fn2)b->p;
	x86_mov_ri(b, X86_RAX, 0);
	loop = b->p;
	x86_test_rr(b, 8, X86_RDI, X86_RDI);
	done_field = x86_jcc(b, X86_CC_E, NULL);
	x86_alu_rr(b, 8, X86_ADD, X86_RAX, X86_RDI);
	x86_alu_ri(b, 8, X86_SUB, X86_RDI, 1);
	x86_jmp(b, loop);
	x86_nop(b, 7);
	x86_patch_rel32(done_field, b->p);
	x86_ret(b);

	/* A near call to code in the page, then a call to the test binary (near or far). */
	callee = b->p;
	x86_lea(b, X86_RAX, x86_mem_idx(X86_RDI, X86_RSI, 2, 0));
	x86_ret(b);
	callers = (fn2)b->p;
	x86_push(b, X86_RBX); /* keeps the stack 16-byte aligned at the calls */
	x86_call(b, callee);
	x86_mov_rr(b, 8, X86_RDI, X86_RAX);
	x86_mov_ri(b, X86_RSI, 7);
	x86_call(b, (const void *)host_helper);
	x86_pop(b, X86_RBX);
	x86_ret(b);
	page_seal(&pg);

	assert_int_equal(sum(10, 0), 55);
	assert_int_equal(sum(0, 0), 0);
	assert_int_equal(callers(3, 4), (3 + 4 * 2) * 1000 + 7);
	page_close(&pg);
}

typedef double (*fnd)(double, double);
typedef float (*fnf)(float, float);

static void test_run_sse(void **state)
{
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	fnd addd, divd, sqrtd;
	fnf mulf;
	fn2 bits_add;
	double x = 1.5, y = 0.25, r;
	uint64_t xb, yb;

	page_open(&pg);
	addd = (fnd)b->p;
	x86_sse_rr(b, true, X86_SSE_ADD, 0, 1);
	x86_ret(b);
	divd = (fnd)b->p;
	x86_sse_rr(b, true, X86_SSE_DIV, 0, 1);
	x86_ret(b);
	sqrtd = (fnd)b->p;
	x86_sse_rr(b, true, X86_SSE_SQRT, 0, 1);
	x86_ret(b);
	mulf = (fnf)b->p;
	x86_sse_rr(b, false, X86_SSE_MUL, 0, 1);
	x86_ret(b);
	bits_add = (fn2)b->p; /* through xmm9/xmm3 and GPR moves */
	x86_movq_xr(b, 9, X86_RDI);
	x86_movq_xr(b, 3, X86_RSI);
	x86_sse_rr(b, true, X86_SSE_SUB, 9, 3);
	x86_movq_rx(b, X86_R8, 9);
	x86_mov_rr(b, 8, X86_RAX, X86_R8);
	x86_ret(b);
	page_seal(&pg);

	assert_true(addd(1.5, 0.25) == 1.75);
	assert_true(divd(1.0, 4.0) == 0.25);
	assert_true(sqrtd(0.0, 2.25) == 1.5);
	assert_true(mulf(1.5f, -2.0f) == -3.0f);
	memcpy(&xb, &x, 8);
	memcpy(&yb, &y, 8);
	xb = bits_add(xb, yb);
	memcpy(&r, &xb, 8);
	assert_true(r == 1.25);
	page_close(&pg);
}

static void test_run_mov_ri(void **state)
{
	static const uint64_t imms[] = { 0,
					 1,
					 0x7fffffff,
					 0x80000000,
					 0xffffffff,
					 0x100000000,
					 (uint64_t)-1,
					 (uint64_t)INT32_MIN,
					 0x8000000000000000,
					 0xdeadbeefcafef00d };
	struct exec_page pg;
	struct x86_buf *b = &pg.b;
	fn2 fns[sizeof(imms) / sizeof(imms[0])];

	page_open(&pg);
	for (unsigned i = 0; i < sizeof(imms) / sizeof(imms[0]); i++) {
		enum x86_reg r = X86_R8 + i % 8;

		fns[i] = (fn2)b->p;
		x86_push(b, r);		      /* r12..r15 are callee-saved */
		x86_mov_ri(b, r, UINT64_MAX); /* the upper half must be overwritten */
		x86_mov_ri(b, r, imms[i]);
		x86_mov_rr(b, 8, X86_RAX, r);
		x86_pop(b, r);
		x86_ret(b);
	}
	page_seal(&pg);
	for (unsigned i = 0; i < sizeof(imms) / sizeof(imms[0]); i++)
		assert_int_equal(fns[i](0, 0), imms[i]);
	page_close(&pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov),	      cmocka_unit_test(test_mov_ri),
		cmocka_unit_test(test_load_store),    cmocka_unit_test(test_store_imm),
		cmocka_unit_test(test_extend_rr),     cmocka_unit_test(test_cmov_setcc),
		cmocka_unit_test(test_alu_rr),	      cmocka_unit_test(test_alu_imm),
		cmocka_unit_test(test_alu_mem),	      cmocka_unit_test(test_shift),
		cmocka_unit_test(test_unary),	      cmocka_unit_test(test_misc),
		cmocka_unit_test(test_sse),	      cmocka_unit_test(test_branches),
		cmocka_unit_test(test_call_far),      cmocka_unit_test(test_rel32_ok),
		cmocka_unit_test(test_overflow),      cmocka_unit_test(test_longest),
		cmocka_unit_test(test_run_arith),     cmocka_unit_test(test_run_bits),
		cmocka_unit_test(test_run_tlb_index), cmocka_unit_test(test_run_memory),
		cmocka_unit_test(test_run_control),   cmocka_unit_test(test_run_sse),
		cmocka_unit_test(test_run_mov_ri),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
