/*
 * disasm.c - objdump-style text for a decoded instruction.
 *
 * The output follows `objdump -d -M no-aliases` (no pseudo-instructions;
 * compressed instructions print as their 32-bit expansion) with two
 * readability changes: the mnemonic is padded to 8 columns and operands are
 * separated by ", ". Branch and jump targets are absolute addresses.
 */
#include <stdio.h>

#include "decode.h"

const char *const insn_xreg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const insn_freg_names[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
	"fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
	"fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

struct csr_name {
	uint16_t number;
	const char *name;
};

/* The CSRs this machine implements, as objdump names them. */
static const struct csr_name csr_names[] = {
	{ 0x001, "fflags" },	 { 0x002, "frm" },	 { 0x003, "fcsr" },
	{ 0xc00, "cycle" },	 { 0xc01, "time" },	 { 0xc02, "instret" },
	{ 0x100, "sstatus" },	 { 0x104, "sie" },	 { 0x105, "stvec" },
	{ 0x106, "scounteren" }, { 0x10a, "senvcfg" },	 { 0x140, "sscratch" },
	{ 0x141, "sepc" },	 { 0x142, "scause" },	 { 0x143, "stval" },
	{ 0x144, "sip" },	 { 0x14d, "stimecmp" },	 { 0x180, "satp" },
	{ 0x300, "mstatus" },	 { 0x301, "misa" },	 { 0x302, "medeleg" },
	{ 0x303, "mideleg" },	 { 0x304, "mie" },	 { 0x305, "mtvec" },
	{ 0x306, "mcounteren" }, { 0x30a, "menvcfg" },	 { 0x320, "mcountinhibit" },
	{ 0x340, "mscratch" },	 { 0x341, "mepc" },	 { 0x342, "mcause" },
	{ 0x343, "mtval" },	 { 0x344, "mip" },	 { 0x3a0, "pmpcfg0" },
	{ 0x3a2, "pmpcfg2" },	 { 0x3b0, "pmpaddr0" },	 { 0x3b1, "pmpaddr1" },
	{ 0x3b2, "pmpaddr2" },	 { 0x3b3, "pmpaddr3" },	 { 0x3b4, "pmpaddr4" },
	{ 0x3b5, "pmpaddr5" },	 { 0x3b6, "pmpaddr6" },	 { 0x3b7, "pmpaddr7" },
	{ 0x3b8, "pmpaddr8" },	 { 0x3b9, "pmpaddr9" },	 { 0x3ba, "pmpaddr10" },
	{ 0x3bb, "pmpaddr11" },	 { 0x3bc, "pmpaddr12" }, { 0x3bd, "pmpaddr13" },
	{ 0x3be, "pmpaddr14" },	 { 0x3bf, "pmpaddr15" }, { 0xb00, "mcycle" },
	{ 0xb02, "minstret" },	 { 0xf11, "mvendorid" }, { 0xf12, "marchid" },
	{ 0xf13, "mimpid" },	 { 0xf14, "mhartid" },
};

static const char *const rm_names[8] = {
	"rne", "rtz", "rdn", "rup", "rmm", "5", "6", "dyn",
};

static void csr_format(unsigned csr, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++) {
		if (csr_names[i].number == csr) {
			snprintf(buf, len, "%s", csr_names[i].name);
			return;
		}
	}
	snprintf(buf, len, "0x%x", csr);
}

/* fence predecessor/successor set: "iorw" letters, "0" when empty */
static void fence_set_format(unsigned set, char *buf)
{
	static const char letters[] = "iorw";
	unsigned bit, n = 0;

	for (bit = 0; bit < 4; bit++)
		if (set & (8 >> bit))
			buf[n++] = letters[bit];
	if (!n)
		buf[n++] = '0';
	buf[n] = 0;
}

/* ", rtz" suffix for a static rounding mode; nothing for dynamic */
static const char *rm_suffix(const struct insn *in, char *buf, size_t len)
{
	if (in->rm == 7)
		return "";
	snprintf(buf, len, ", %s", rm_names[in->rm]);
	return buf;
}

/* Disassemble one decoded instruction into buf; returns the snprintf length. */
int insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t len)
{
	static const char *const aqrl_suffix[4] = { "", ".rl", ".aq", ".aqrl" };
	const struct insn_desc *d = &insn_table[in->op];
	const char *const *x = insn_xreg_names, *const *f = insn_freg_names;
	char mnem[24], csr[16], rm[8], pred[8], succ[8];
	const char *name = d->name;

	if (d->format == INSN_FMT_LR || d->format == INSN_FMT_AMO) {
		snprintf(mnem, sizeof(mnem), "%s%s", d->name, aqrl_suffix[in->aqrl & 3]);
		name = mnem;
	}

	switch (d->format) {
	case INSN_FMT_NONE:
		return snprintf(buf, len, "%s", name);
	case INSN_FMT_R:
		return snprintf(buf, len, "%-7s %s, %s, %s", name, x[in->rd], x[in->rs1],
				x[in->rs2]);
	case INSN_FMT_R1:
		return snprintf(buf, len, "%-7s %s, %s", name, x[in->rd], x[in->rs1]);
	case INSN_FMT_I:
		return snprintf(buf, len, "%-7s %s, %s, %lld", name, x[in->rd], x[in->rs1],
				(long long)in->imm);
	case INSN_FMT_SHIFT:
		return snprintf(buf, len, "%-7s %s, %s, 0x%llx", name, x[in->rd], x[in->rs1],
				(unsigned long long)in->imm);
	case INSN_FMT_LOAD:
	case INSN_FMT_JALR:
		return snprintf(buf, len, "%-7s %s, %lld(%s)", name, x[in->rd], (long long)in->imm,
				x[in->rs1]);
	case INSN_FMT_STORE:
		return snprintf(buf, len, "%-7s %s, %lld(%s)", name, x[in->rs2], (long long)in->imm,
				x[in->rs1]);
	case INSN_FMT_BRANCH:
		return snprintf(buf, len, "%-7s %s, %s, 0x%llx", name, x[in->rs1], x[in->rs2],
				(unsigned long long)(pc + in->imm));
	case INSN_FMT_U:
		return snprintf(buf, len, "%-7s %s, 0x%llx", name, x[in->rd],
				(unsigned long long)((uint64_t)in->imm >> 12) & 0xfffff);
	case INSN_FMT_JAL:
		return snprintf(buf, len, "%-7s %s, 0x%llx", name, x[in->rd],
				(unsigned long long)(pc + in->imm));
	case INSN_FMT_FENCE:
		/* fm = 1000 with rw,rw is the TSO fence */
		if ((in->imm & 0xfff) == 0x833)
			return snprintf(buf, len, "fence.tso");
		fence_set_format((in->imm >> 4) & 0xf, pred);
		fence_set_format(in->imm & 0xf, succ);
		return snprintf(buf, len, "%-7s %s, %s", name, pred, succ);
	case INSN_FMT_CSR:
		csr_format(in->csr, csr, sizeof(csr));
		return snprintf(buf, len, "%-7s %s, %s, %s", name, x[in->rd], csr, x[in->rs1]);
	case INSN_FMT_CSRI:
		csr_format(in->csr, csr, sizeof(csr));
		return snprintf(buf, len, "%-7s %s, %s, %lld", name, x[in->rd], csr,
				(long long)in->imm);
	case INSN_FMT_LR:
		return snprintf(buf, len, "%-7s %s, (%s)", name, x[in->rd], x[in->rs1]);
	case INSN_FMT_AMO:
		return snprintf(buf, len, "%-7s %s, %s, (%s)", name, x[in->rd], x[in->rs2],
				x[in->rs1]);
	case INSN_FMT_SFENCE:
		return snprintf(buf, len, "%-7s %s, %s", name, x[in->rs1], x[in->rs2]);
	case INSN_FMT_FLOAD:
		return snprintf(buf, len, "%-7s %s, %lld(%s)", name, f[in->rd], (long long)in->imm,
				x[in->rs1]);
	case INSN_FMT_FSTORE:
		return snprintf(buf, len, "%-7s %s, %lld(%s)", name, f[in->rs2], (long long)in->imm,
				x[in->rs1]);
	case INSN_FMT_F_RRR_RM:
		return snprintf(buf, len, "%-7s %s, %s, %s%s", name, f[in->rd], f[in->rs1],
				f[in->rs2], rm_suffix(in, rm, sizeof(rm)));
	case INSN_FMT_F_RRR:
		return snprintf(buf, len, "%-7s %s, %s, %s", name, f[in->rd], f[in->rs1],
				f[in->rs2]);
	case INSN_FMT_F_R4:
		return snprintf(buf, len, "%-7s %s, %s, %s, %s%s", name, f[in->rd], f[in->rs1],
				f[in->rs2], f[in->rs3], rm_suffix(in, rm, sizeof(rm)));
	case INSN_FMT_F_RR_RM:
		return snprintf(buf, len, "%-7s %s, %s%s", name, f[in->rd], f[in->rs1],
				rm_suffix(in, rm, sizeof(rm)));
	case INSN_FMT_F_RR:
		return snprintf(buf, len, "%-7s %s, %s", name, f[in->rd], f[in->rs1]);
	case INSN_FMT_F_CMP:
		return snprintf(buf, len, "%-7s %s, %s, %s", name, x[in->rd], f[in->rs1],
				f[in->rs2]);
	case INSN_FMT_F_XF_RM:
		return snprintf(buf, len, "%-7s %s, %s%s", name, x[in->rd], f[in->rs1],
				rm_suffix(in, rm, sizeof(rm)));
	case INSN_FMT_F_XF:
		return snprintf(buf, len, "%-7s %s, %s", name, x[in->rd], f[in->rs1]);
	case INSN_FMT_F_FX_RM:
		return snprintf(buf, len, "%-7s %s, %s%s", name, f[in->rd], x[in->rs1],
				rm_suffix(in, rm, sizeof(rm)));
	case INSN_FMT_F_FX:
		return snprintf(buf, len, "%-7s %s, %s", name, f[in->rd], x[in->rs1]);
	}
	return snprintf(buf, len, "%s", name);
}
