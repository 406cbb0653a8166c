/*
 * br-interp - unpredictable control flow: a switch-dispatched bytecode
 * interpreter running a Collatz step counter, then a character-class state
 * machine tokenizing pseudo-random text. Stresses: indirect jumps through a
 * jump table, data-dependent conditional branches, short basic blocks.
 */
#include "bench.h"

#define INTERP_COLLATZ_LIMIT BENCH_SCALED(60000)
#define LEX_TEXT_BYTES 8192
#define LEX_PASSES BENCH_SCALED(160)

enum interp_op {
	OP_LOADI,
	OP_MOV,
	OP_ADD,
	OP_ADDI,
	OP_MUL,
	OP_AND,
	OP_SHRI,
	OP_LT,
	OP_EQ,
	OP_JMP,
	OP_JZ,
	OP_JNZ,
	OP_HALT,
};

struct interp_insn {
	uint8_t op, rd, rs1, rs2;
	int32_t imm;
};

/* clang-format off */
#define I(o, d, s1, s2, im) { .op = OP_##o, .rd = d, .rs1 = s1, .rs2 = s2, .imm = im }

/*
 * r0 = n, r1 = total steps, r2 = x, r3 = scratch, r4 = 3, r5 = 1, r7 = limit.
 * for (n = 1; n < limit; n++) for (x = n; x != 1; steps++) x = x odd ? 3x+1 : x/2;
 */
static const struct interp_insn interp_program[] = {
	/*  0 */ I(LOADI, 0, 0, 0, 1),
	/*  1 */ I(LOADI, 1, 0, 0, 0),
	/*  2 */ I(LOADI, 4, 0, 0, 3),
	/*  3 */ I(LOADI, 5, 0, 0, 1),
	/*  4 */ I(MOV, 2, 0, 0, 0),          /* outer: x = n */
	/*  5 */ I(EQ, 3, 2, 5, 0),           /* inner: */
	/*  6 */ I(JNZ, 0, 3, 0, 15),
	/*  7 */ I(AND, 3, 2, 5, 0),
	/*  8 */ I(JZ, 0, 3, 0, 12),
	/*  9 */ I(MUL, 2, 2, 4, 0),
	/* 10 */ I(ADDI, 2, 2, 0, 1),
	/* 11 */ I(JMP, 0, 0, 0, 13),
	/* 12 */ I(SHRI, 2, 2, 0, 1),         /* even: */
	/* 13 */ I(ADDI, 1, 1, 0, 1),         /* count: */
	/* 14 */ I(JMP, 0, 0, 0, 5),
	/* 15 */ I(ADDI, 0, 0, 0, 1),         /* next: */
	/* 16 */ I(LT, 3, 0, 7, 0),
	/* 17 */ I(JNZ, 0, 3, 0, 4),
	/* 18 */ I(HALT, 0, 0, 0, 0),
};
/* clang-format on */

static BENCH_NOINLINE uint64_t interp_run(const struct interp_insn *code, uint64_t *regs,
					  uint64_t *executed)
{
	uint32_t pc = 0;
	uint64_t count = 0;

	for (;;) {
		const struct interp_insn *in = &code[pc++];

		count++;
		switch (in->op) {
		case OP_LOADI:
			regs[in->rd] = (uint64_t)(int64_t)in->imm;
			break;
		case OP_MOV:
			regs[in->rd] = regs[in->rs1];
			break;
		case OP_ADD:
			regs[in->rd] = regs[in->rs1] + regs[in->rs2];
			break;
		case OP_ADDI:
			regs[in->rd] = regs[in->rs1] + (uint64_t)(int64_t)in->imm;
			break;
		case OP_MUL:
			regs[in->rd] = regs[in->rs1] * regs[in->rs2];
			break;
		case OP_AND:
			regs[in->rd] = regs[in->rs1] & regs[in->rs2];
			break;
		case OP_SHRI:
			regs[in->rd] = regs[in->rs1] >> (in->imm & 63);
			break;
		case OP_LT:
			regs[in->rd] = regs[in->rs1] < regs[in->rs2];
			break;
		case OP_EQ:
			regs[in->rd] = regs[in->rs1] == regs[in->rs2];
			break;
		case OP_JMP:
			pc = (uint32_t)in->imm;
			break;
		case OP_JZ:
			if (!regs[in->rs1])
				pc = (uint32_t)in->imm;
			break;
		case OP_JNZ:
			if (regs[in->rs1])
				pc = (uint32_t)in->imm;
			break;
		case OP_HALT:
			*executed = count;
			return regs[1];
		default:
			/* Unreachable with the fixed program; a poison value if it ever is. */
			*executed = count;
			return ~0ull;
		}
	}
}

enum lex_state { LEX_SPACE, LEX_WORD, LEX_NUMBER, LEX_OPERATOR, LEX_STRING };

struct lex_counts {
	uint64_t words, numbers, operators, strings, hash;
};

static uint8_t lex_text[LEX_TEXT_BYTES];

static BENCH_NOINLINE void lex_fill(uint64_t *state)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz_0123456789   \n+-*/=<>(){};\"";
	uint32_t i;

	for (i = 0; i < LEX_TEXT_BYTES; i++)
		lex_text[i] = (uint8_t)alphabet[bench_rand(state) % (sizeof(alphabet) - 1)];
}

static int lex_is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static int lex_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static BENCH_NOINLINE void lex_scan(const uint8_t *text, uint32_t len, struct lex_counts *out)
{
	enum lex_state state = LEX_SPACE;
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = text[i];

		out->hash = out->hash * 31 + c + state;
		switch (state) {
		case LEX_STRING:
			if (c == '"')
				state = LEX_SPACE;
			continue;
		case LEX_WORD:
			if (lex_is_alpha(c) || lex_is_digit(c))
				continue;
			break;
		case LEX_NUMBER:
			if (lex_is_digit(c))
				continue;
			break;
		case LEX_OPERATOR:
		case LEX_SPACE:
			break;
		}
		if (lex_is_alpha(c)) {
			state = LEX_WORD;
			out->words++;
		} else if (lex_is_digit(c)) {
			state = LEX_NUMBER;
			out->numbers++;
		} else if (c == '"') {
			state = LEX_STRING;
			out->strings++;
		} else if (c == ' ' || c == '\n') {
			state = LEX_SPACE;
		} else {
			state = LEX_OPERATOR;
			out->operators++;
		}
	}
}

int main(void)
{
	struct lex_counts counts = { 0 };
	uint64_t regs[8] = { 0 }, executed = 0, steps, sum = 0, state = 5;
	int pass;

	regs[7] = INTERP_COLLATZ_LIMIT;
	steps = interp_run(interp_program, regs, &executed);
	sum = bench_mix(sum, steps);
	sum = bench_mix(sum, executed);
	for (pass = 0; pass < LEX_PASSES; pass++) {
		lex_fill(&state);
		lex_scan(lex_text, LEX_TEXT_BYTES, &counts);
	}
	sum = bench_mix(sum, counts.words);
	sum = bench_mix(sum, counts.numbers);
	sum = bench_mix(sum, counts.operators);
	sum = bench_mix(sum, counts.strings);
	sum = bench_mix(sum, counts.hash);
	bench_print_result("collatz_steps", steps);
	bench_print_result("bytecodes", executed);
	bench_print_result("words", counts.words);
	bench_print_result("lex_hash", counts.hash);
	return bench_finish(sum);
}
