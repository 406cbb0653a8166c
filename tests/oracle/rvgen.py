#!/usr/bin/env python3
"""Random RV64GC + Zba/Zbb/Zbs instruction-sequence generator for differential tests.

From a seed it writes one bare-metal program (assembly for riscv64-unknown-elf-gcc) that
runs one or more independent *cases*.  A case is fully determined by its own seed:

  1. fill a 4 KiB scratch buffer from a 64-dword table of random, biased values;
  2. set fcsr (frm 0-4, random flags) and load all 31 x and 32 f registers from a table
     (interesting integers, NaN-boxed singles, doubles, badly boxed singles);
  3. run a few hundred random, valid instructions;
  4. save every register and fcsr, and print one line on the UART:
       R <seed> <x1..x31> <f0..f31> <fcsr> <scratch checksum>
     (all hex), and with memdump also one "M <index> <dword>" line per scratch dword.

The program ends by printing DONE and exiting through tohost and the SiFive test
finisher.  Any trap prints "TRAP <mcause> <mepc> <mtval>" and fails.

Only behaviour the ISA fixes is exercised: all memory accesses are naturally aligned,
SC only follows an LR to the same address with ALU work between them, rounding modes are
0-4 or dynamic with a valid frm, and no counters or timers are read.  Where QEMU 7.2
itself deviates from the ISA (ctzw, see g_bitmanip), the operands avoid the bug.

Used as a module by run-oracle (program_text, case_info) or on its own:
  rvgen.py --seed S [--count K] [--length N] [--memdump] [-o out.S]
"""

import argparse
import itertools
import random
import sys

SCRATCH_SIZE = 4096
LOG_ENTRIES = 512  # dwords after the scratch buffer that record intermediate results
MEM_SIZE = SCRATCH_SIZE + LOG_ENTRIES * 8
LOG_PROBABILITY = 0.2
MEM_TABLE_DWORDS = 64
DEFAULT_LENGTH = 300
DUMP_FIELDS = ["x%d" % i for i in range(1, 32)] + ["f%d" % i for i in range(32)] + [
    "fcsr", "memsum"]

ROUNDING = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]
CREG = list(range(8, 16))  # registers reachable by the 3-bit fields of the C extension


def _x(n):
    return "x%d" % n


def _f(n):
    return "f%d" % n


class Values:
    """Random values biased towards the edges where implementations go wrong."""

    INT_EDGES = [0, 1, 2, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0x7FFFFFFFFFFFFFFF,
                 0x8000000000000000, 0x8000000000000001, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF,
                 0xFFFFFFFF80000000, 0xFFFFFFFF7FFFFFFF, 0x100000000, 0x8000, 0xFFFF, 0x80,
                 0xFF, 0x7F, 0xFFFFFFFFFFFF8000, 0xFFFFFFFFFFFFFF80, 0x0101010101010101,
                 0x00FF00FF00FF00FF, 0x1000001, 0x20000000000001, 0xFFFFFFFFFF000000]

    def __init__(self, rng):
        self.rng = rng

    def fp_bits(self, exp_bits, man_bits):
        """A float bit pattern: edge exponents and mantissas, random sign."""
        r = self.rng
        emax = (1 << exp_bits) - 1
        bias = emax >> 1
        e = r.choice([0, 0, 1, bias - 1, bias, bias, bias + 1, emax - 1, emax, bias + 2,
                      bias + man_bits, bias + man_bits + 1, bias + 31, bias + 63,
                      bias + 30, bias + 32, bias + 62, bias + 64, bias - man_bits,
                      r.randrange(emax + 1)])
        m = r.choice([0, 0, 1, (1 << man_bits) - 1, 1 << (man_bits - 1),
                      (1 << (man_bits - 1)) | 1, (1 << (man_bits - 1)) - 1,
                      r.getrandbits(man_bits), r.getrandbits(man_bits),
                      r.getrandbits(4) << (man_bits - 4)])
        s = r.getrandbits(1)
        return (s << (exp_bits + man_bits)) | (e << man_bits) | m

    def single(self):
        r = self.rng
        if r.random() < 0.25:
            return r.choice([0, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
                             0x7FC00000, 0x7FA00000, 0xFFC00001, 0x7F800001, 0x00000001,
                             0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x4B000000,
                             0x3F000000, 0x3FC00000, 0x40200000, 0xC0200000, 0x4EFFFFFF,
                             0x4F000000, 0xCF000000, 0x5F000000, 0xDF000000, 0x4F800000,
                             0x5F800000, 0x3EFFFFFF, 0x4B800001])
        return self.fp_bits(8, 23)

    def double(self):
        r = self.rng
        if r.random() < 0.25:
            return r.choice([0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
                             0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
                             0x7FF4000000000000, 0xFFF8000000000001, 0x7FF0000000000001,
                             1, 0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF,
                             0x3FE0000000000000, 0x3FF8000000000000, 0x4004000000000000,
                             0xC004000000000000, 0x41DFFFFFFFC00000, 0x41E0000000000000,
                             0xC1E0000000000000, 0x43E0000000000000, 0xC3E0000000000000,
                             0x43F0000000000000, 0x41F0000000000000, 0x3FF0000010000000,
                             0x3FF0000030000000, 0x36A0000000000000, 0x3690000000000000,
                             0x47EFFFFFE0000000, 0x47EFFFFFF0000000, 0x4330000000000000])
        return self.fp_bits(11, 52)

    def freg(self, single=None):
        """A 64-bit f-register image: boxed single, double, or an unboxed single."""
        r = self.rng.random()
        if single is not None and r < 0.9:
            return 0xFFFFFFFF00000000 | self.single() if single else self.double()
        r = self.rng.random()
        if r < 0.45:
            return 0xFFFFFFFF00000000 | self.single()
        if r < 0.92:
            return self.double()
        return (self.rng.getrandbits(32) << 32 | self.single()) & 0x7FFFFFFFFFFFFFFF

    def xreg(self):
        r = self.rng
        p = r.random()
        if p < 0.35:
            return r.choice(self.INT_EDGES)
        if p < 0.45:
            return r.randrange(-64, 64) & 0xFFFFFFFFFFFFFFFF
        if p < 0.55:
            v = r.getrandbits(32)
            return (v | (0xFFFFFFFF00000000 if v >> 31 else 0))
        if p < 0.62:
            return (1 << r.randrange(64)) ^ (0xFFFFFFFFFFFFFFFF if r.random() < 0.3 else 0)
        if p < 0.72:
            return self.freg()
        return r.getrandbits(64)

    def imm12(self):
        r = self.rng
        if r.random() < 0.4:
            return r.choice([0, 1, -1, 2047, -2048, 0x7FF, -2, 31, 32, 63, 64, -32])
        return r.randrange(-2048, 2048)


class Case:
    """One random case: tables and an instruction sequence made of units.

    A unit is a list of asm lines that must run together (base-register setup plus its
    memory access, an LR/SC pair); forward branches only jump over whole units.
    """

    def __init__(self, seed, length=DEFAULT_LENGTH):
        self.seed = seed
        self.rng = random.Random(seed * 0x9E3779B97F4A7C15 + 1)
        self.vals = Values(self.rng)
        self.label_count = 0
        self.units = []  # list of (lines, writes) ; writes: list of register names
        self.xinit = [self.vals.xreg() for _ in range(31)]
        # f0-f15 mostly hold singles and f16-f31 mostly doubles, and operands are drawn
        # from the matching half, so most arithmetic sees well-formed inputs while some
        # still meets the other width (an unboxed single reads as the canonical NaN).
        self.finit = [self.vals.freg(single=i < 16) for i in range(32)]
        self.mem = [self.vals.xreg() if self.rng.random() < 0.4 else self.vals.freg()
                    for _ in range(MEM_TABLE_DWORDS)]
        self.fcsr = (self.rng.randrange(5) << 5) | self.rng.randrange(32)
        self.pending = []  # (label, units remaining) for open forward branches
        self.log_used = 0
        self.log_steps = []  # (register, producing unit) per log entry
        n = 0
        while n < length:
            n += self._gen_unit()
            self._log_result()
            self._close_labels()
        while self.pending:
            self.pending = [(lbl, 0) for lbl, _ in self.pending]
            self._close_labels()

    # -- helpers -------------------------------------------------------------------------

    def _label(self):
        self.label_count += 1
        return ".Lc%d_%d" % (self.seed, self.label_count)

    def _close_labels(self):
        still = []
        for lbl, left in self.pending:
            if left <= 0:
                self.units.append((["%s:" % lbl], []))
            else:
                still.append((lbl, left - 1))
        self.pending = still

    def _log_result(self):
        """Sometimes store the register the last unit wrote into the log area.

        Final registers alone hide early errors (a wrong value later overwritten, or
        swallowed by a NaN); the log keeps intermediate results in the checksum.
        """
        lines, writes = self.units[-1]
        regs = [w for w in writes if w[0] in "xf" and w[1:].isdigit()]
        if not regs or self.log_used >= LOG_ENTRIES or self.rng.random() >= LOG_PROBABILITY:
            return
        reg = regs[-1]
        base = self.rng.choice([i for i in range(1, 32) if "x%d" % i != reg])
        store = "fsd" if reg[0] == "f" else "sd"
        self.units.append((["la %s, oracle_scratch+%d" % (_x(base), SCRATCH_SIZE +
                                                            8 * self.log_used),
                            "%s %s, 0(%s)" % (store, reg, _x(base))], [_x(base), "log"]))
        self.log_steps.append((reg, " ; ".join(lines)))
        self.log_used += 1

    def _emit(self, lines, writes):
        self.units.append((lines, writes))

    def rd(self):
        return self.rng.randrange(1, 32)

    def rs(self):
        return self.rng.randrange(0, 32) if self.rng.random() < 0.95 else 0

    def fr(self, p=None):
        """An f register, usually from the half that holds values of precision p."""
        if p is None or self.rng.random() < 0.15:
            return self.rng.randrange(32)
        return self.rng.randrange(16) + (16 if p == "d" else 0)

    def rm(self):
        return self.rng.choice(ROUNDING)

    def _base(self, reg, size, span):
        """Point reg at a random size-aligned spot with span bytes after it in scratch."""
        off = self.rng.randrange(0, (SCRATCH_SIZE - span) // size + 1) * size
        return "la %s, oracle_scratch+%d" % (_x(reg), off), off

    # -- unit generators (each returns the instruction count it added) ---------------------

    KINDS = [("g_alu", 22), ("g_imm", 14), ("g_mul", 8), ("g_bitmanip", 12),
             ("g_compressed", 10), ("g_load_store", 10), ("g_compressed_mem", 5),
             ("g_amo", 4), ("g_lrsc", 1), ("g_branch", 5), ("g_jump", 2),
             ("g_fp_arith", 16), ("g_fp_fma", 6), ("g_fp_misc", 12), ("g_fp_cvt", 12),
             ("g_fp_csr", 2)]
    KIND_NAMES = [k for k, _ in KINDS]
    KIND_CUM = list(itertools.accumulate(w for _, w in KINDS))

    def _gen_unit(self):
        name = self.rng.choices(self.KIND_NAMES, cum_weights=self.KIND_CUM)[0]
        return getattr(self, name)()

    def g_alu(self):
        op = self.rng.choice(["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or",
                              "and", "addw", "subw", "sllw", "srlw", "sraw"])
        d = self.rd()
        self._emit(["%s %s, %s, %s" % (op, _x(d), _x(self.rs()), _x(self.rs()))], [_x(d)])
        return 1

    def g_imm(self):
        r = self.rng
        d = self.rd()
        op = r.choice(["addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli",
                       "srai", "addiw", "slliw", "srliw", "sraiw", "lui", "auipc"])
        if op in ("slli", "srli", "srai"):
            text = "%s %s, %s, %d" % (op, _x(d), _x(self.rs()), r.randrange(64))
        elif op in ("slliw", "srliw", "sraiw"):
            text = "%s %s, %s, %d" % (op, _x(d), _x(self.rs()), r.randrange(32))
        elif op in ("lui", "auipc"):
            text = "%s %s, 0x%x" % (op, _x(d), r.choice([0, 0x80000, 0xFFFFF, 0x7FFFF,
                                                         r.getrandbits(20)]))
        else:
            text = "%s %s, %s, %d" % (op, _x(d), _x(self.rs()), self.vals.imm12())
        self._emit([text], [_x(d)])
        return 1

    def g_mul(self):
        op = self.rng.choice(["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
                              "mulw", "divw", "divuw", "remw", "remuw"])
        d = self.rd()
        self._emit(["%s %s, %s, %s" % (op, _x(d), _x(self.rs()), _x(self.rs()))], [_x(d)])
        return 1

    def g_bitmanip(self):
        r = self.rng
        d = self.rd()
        three = ["add.uw", "sh1add", "sh2add", "sh3add", "sh1add.uw", "sh2add.uw",
                 "sh3add.uw", "andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol",
                 "rolw", "ror", "rorw", "bclr", "bext", "binv", "bset"]
        two = ["clz", "clzw", "ctz", "ctzw", "cpop", "cpopw", "sext.b", "sext.h", "zext.h",
               "orc.b", "rev8"]
        op2 = r.choice(two)
        imm64 = ["slli.uw", "rori", "bclri", "bexti", "binvi", "bseti"]
        p = r.random()
        if p < 0.5:
            text = "%s %s, %s, %s" % (r.choice(three), _x(d), _x(self.rs()), _x(self.rs()))
        elif p < 0.8 and op2 == "ctzw":
            # QEMU 7.2 erratum: ctzw of a value whose low word is zero returns the
            # trailing-zero count of the whole register (e.g. 35 for 1 << 35), not 32.
            # Setting a low-word bit first keeps QEMU a valid oracle for ctzw.
            self._emit(["bseti %s, %s, %d" % (_x(d), _x(self.rs()), r.randrange(32)),
                        "ctzw %s, %s" % (_x(d), _x(d))], [_x(d)])
            return 1
        elif p < 0.8:
            text = "%s %s, %s" % (op2, _x(d), _x(self.rs()))
        elif p < 0.95:
            text = "%s %s, %s, %d" % (r.choice(imm64), _x(d), _x(self.rs()), r.randrange(64))
        else:
            text = "roriw %s, %s, %d" % (_x(d), _x(self.rs()), r.randrange(32))
        self._emit([text], [_x(d)])
        return 1

    def g_compressed(self):
        r = self.rng
        op = r.choice(["c.addi", "c.li", "c.lui", "c.addiw", "c.slli", "c.srli", "c.srai",
                       "c.andi", "c.mv", "c.add", "c.sub", "c.xor", "c.or", "c.and", "c.subw",
                       "c.addw", "c.addi16sp", "c.addi4spn", "c.nop"])
        nz = r.choice([i for i in range(-32, 32) if i != 0])
        cd = r.choice(CREG)
        d = self.rd()
        if op == "c.addi":
            text, w = "c.addi %s, %d" % (_x(d), nz), d
        elif op == "c.li":
            text, w = "c.li %s, %d" % (_x(d), r.randrange(-32, 32)), d
        elif op == "c.lui":
            d = r.choice([i for i in range(1, 32) if i != 2])
            imm = r.choice(list(range(1, 32)) + list(range(0xFFFE0, 0x100000)))
            text, w = "c.lui %s, 0x%x" % (_x(d), imm), d
        elif op == "c.addiw":
            text, w = "c.addiw %s, %d" % (_x(d), r.randrange(-32, 32)), d
        elif op == "c.slli":
            text, w = "c.slli %s, %d" % (_x(d), r.randrange(1, 64)), d
        elif op in ("c.srli", "c.srai"):
            text, w = "%s %s, %d" % (op, _x(cd), r.randrange(1, 64)), cd
        elif op == "c.andi":
            text, w = "c.andi %s, %d" % (_x(cd), r.randrange(-32, 32)), cd
        elif op in ("c.mv", "c.add"):
            text, w = "%s %s, %s" % (op, _x(d), _x(self.rd())), d
        elif op == "c.addi16sp":
            imm = r.choice([i * 16 for i in range(-32, 32) if i != 0])
            text, w = "c.addi16sp sp, %d" % imm, 2
        elif op == "c.addi4spn":
            text, w = "c.addi4spn %s, sp, %d" % (_x(cd), r.randrange(1, 256) * 4), cd
        elif op == "c.nop":
            self._emit(["c.nop"], [])
            return 1
        else:
            text, w = "%s %s, %s" % (op, _x(cd), _x(r.choice(CREG))), cd
        self._emit([text], [_x(w)])
        return 1

    LOADS = [("lb", 1), ("lh", 2), ("lw", 4), ("ld", 8), ("lbu", 1), ("lhu", 2), ("lwu", 4)]
    STORES = [("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8)]

    def g_load_store(self):
        r = self.rng
        b = self.rd()
        kind = r.random()
        if kind < 0.4:
            op, size = r.choice(self.LOADS)
        elif kind < 0.75:
            op, size = r.choice(self.STORES)
        else:
            op, size = r.choice([("flw", 4), ("fld", 8), ("fsw", 4), ("fsd", 8)])
        # Base in the middle so the whole signed 12-bit offset range stays in the buffer.
        off = r.randrange(-2048 // size, 2048 // size) * size
        setup = "la %s, oracle_scratch+2048" % _x(b)
        if op[0] == "l":
            d = self.rd()
            text, writes = "%s %s, %d(%s)" % (op, _x(d), off, _x(b)), [_x(b), _x(d)]
        elif op[0] == "s":
            text, writes = "%s %s, %d(%s)" % (op, _x(self.rs()), off, _x(b)), [_x(b), "mem"]
        elif op.startswith("fl"):
            d = self.fr()
            text, writes = "%s %s, %d(%s)" % (op, _f(d), off, _x(b)), [_x(b), _f(d)]
        else:
            text, writes = "%s %s, %d(%s)" % (op, _f(self.fr()), off, _x(b)), [_x(b), "mem"]
        self._emit([setup, text], writes)
        return 1

    def g_compressed_mem(self):
        r = self.rng
        op = r.choice(["c.lw", "c.ld", "c.sw", "c.sd", "c.fld", "c.fsd", "c.lwsp", "c.ldsp",
                       "c.swsp", "c.sdsp", "c.fldsp", "c.fsdsp"])
        size = 4 if "w" in op[2:] else 8
        sp_form = op.endswith("sp")
        span = 64 * size if sp_form else 32 * size
        b = 2 if sp_form else r.choice(CREG)
        setup, _ = self._base(b, 8, span)
        off = r.randrange(span // size) * size
        if op in ("c.lw", "c.ld"):
            d = r.choice(CREG)
            text, writes = "%s %s, %d(%s)" % (op, _x(d), off, _x(b)), [_x(b), _x(d)]
        elif op in ("c.lwsp", "c.ldsp"):
            d = self.rd()
            text, writes = "%s %s, %d(sp)" % (op, _x(d), off), [_x(b), _x(d)]
        elif op == "c.fld":
            d = r.choice(CREG)
            text, writes = "c.fld %s, %d(%s)" % (_f(d), off, _x(b)), [_x(b), _f(d)]
        elif op == "c.fldsp":
            d = self.fr()
            text, writes = "c.fldsp %s, %d(sp)" % (_f(d), off), [_x(b), _f(d)]
        elif op in ("c.sw", "c.sd"):
            text = "%s %s, %d(%s)" % (op, _x(r.choice(CREG)), off, _x(b))
            writes = [_x(b), "mem"]
        elif op == "c.fsd":
            text = "c.fsd %s, %d(%s)" % (_f(r.choice(CREG)), off, _x(b))
            writes = [_x(b), "mem"]
        elif op == "c.fsdsp":
            text, writes = "c.fsdsp %s, %d(sp)" % (_f(self.fr()), off), [_x(b), "mem"]
        else:
            text, writes = "%s %s, %d(sp)" % (op, _x(self.rs()), off), [_x(b), "mem"]
        self._emit([setup, text], writes)
        return 1

    def g_amo(self):
        r = self.rng
        op = r.choice(["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
                       "amominu", "amomaxu"])
        size = r.choice([4, 8])
        order = r.choice(["", ".aq", ".rl", ".aqrl"])
        b, d = self.rd(), self.rd()
        setup, _ = self._base(b, size, size)
        text = "%s.%s%s %s, %s, (%s)" % (op, "w" if size == 4 else "d", order, _x(d),
                                         _x(self.rs()), _x(b))
        self._emit([setup, text], [_x(b), _x(d), "mem"])
        return 1

    def g_lrsc(self):
        """LR, a little ALU work, SC to the same address: the SC must succeed."""
        r = self.rng
        size = r.choice([4, 8])
        sfx = "w" if size == 4 else "d"
        b, d, d2 = self.rd(), self.rd(), self.rd()
        setup, _ = self._base(b, size, size)
        lines = [setup, "lr.%s%s %s, (%s)" % (sfx, r.choice(["", ".aq"]), _x(d), _x(b))]
        writes = [_x(b), _x(d)]
        for _ in range(r.randrange(4)):
            t = self.rd()
            lines.append("%s %s, %s, %s" % (r.choice(["add", "xor", "sub", "and"]), _x(t),
                                            _x(self.rs()), _x(self.rs())))
            writes.append(_x(t))
        lines += [setup, "sc.%s%s %s, %s, (%s)" % (sfx, r.choice(["", ".rl"]), _x(d2),
                                                   _x(self.rs()), _x(b))]
        writes += [_x(d2), "mem"]
        self._emit(lines, writes)
        return len(lines) - 2

    def g_branch(self):
        r = self.rng
        lbl = self._label()
        p = r.random()
        if p < 0.7:
            op = r.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
            a = self.rs()
            b = a if r.random() < 0.1 else self.rs()
            text = "%s %s, %s, %s" % (op, _x(a), _x(b), lbl)
        elif p < 0.9:
            text = "%s %s, %s" % (r.choice(["c.beqz", "c.bnez"]), _x(r.choice(CREG)), lbl)
        else:
            text = "c.j %s" % lbl
        self._emit([text], [])
        self.pending.append((lbl, r.randrange(0, 4)))
        return 1

    def g_jump(self):
        """Forward jumps that link: jal, jalr (with the low target bit set), c.jr, c.jalr."""
        r = self.rng
        lbl = self._label()
        op = r.choice(["jal", "jalr", "c.jr", "c.jalr"])
        t = self.rd()
        if op == "jal":
            d = self.rd()
            lines, writes = ["jal %s, %s" % (_x(d), lbl)], [_x(d)]
        elif op == "jalr":
            d = self.rd()
            imm = r.randrange(-64, 64)
            low = r.choice([0, 1])
            lines = ["la %s, %s%+d" % (_x(t), lbl, low - imm),
                     "jalr %s, %d(%s)" % (_x(d), imm, _x(t))]
            writes = [_x(t), _x(d)]
        else:
            lines = ["la %s, %s" % (_x(t), lbl), "%s %s" % (op, _x(t))]
            writes = [_x(t)] + (["x1"] if op == "c.jalr" else [])
        self._emit(lines, writes)
        self.pending.append((lbl, r.randrange(0, 3)))
        return 1

    def g_fp_arith(self):
        r = self.rng
        p = self.rng.choice(["s", "d"])
        d = self.fr(p)
        if r.random() < 0.85:
            op = r.choice(["fadd", "fsub", "fmul", "fdiv"])
            text = "%s.%s %s, %s, %s, %s" % (op, p, _f(d), _f(self.fr(p)), _f(self.fr(p)),
                                             self.rm())
        else:
            text = "fsqrt.%s %s, %s, %s" % (p, _f(d), _f(self.fr(p)), self.rm())
        self._emit([text], [_f(d), "fcsr"])
        return 1

    def g_fp_fma(self):
        op = self.rng.choice(["fmadd", "fmsub", "fnmsub", "fnmadd"])
        p = self.rng.choice(["s", "d"])
        d = self.fr(p)
        self._emit(["%s.%s %s, %s, %s, %s, %s" % (op, p, _f(d), _f(self.fr(p)), _f(self.fr(p)),
                                                  _f(self.fr(p)), self.rm())], [_f(d), "fcsr"])
        return 1

    def g_fp_misc(self):
        r = self.rng
        p = r.choice(["s", "d"])
        kind = r.random()
        if kind < 0.25:
            op = r.choice(["fmin", "fmax"])
            d = self.fr(p)
            text, writes = "%s.%s %s, %s, %s" % (op, p, _f(d), _f(self.fr(p)), _f(self.fr(p))), \
                [_f(d), "fcsr"]
        elif kind < 0.5:
            op = r.choice(["fsgnj", "fsgnjn", "fsgnjx"])
            d = self.fr(p)
            a = self.fr(p)
            b = a if r.random() < 0.2 else self.fr(p)
            text, writes = "%s.%s %s, %s, %s" % (op, p, _f(d), _f(a), _f(b)), [_f(d)]
        elif kind < 0.75:
            op = r.choice(["feq", "flt", "fle"])
            d = self.rd()
            text, writes = "%s.%s %s, %s, %s" % (op, p, _x(d), _f(self.fr(p)), _f(self.fr(p))), \
                [_x(d), "fcsr"]
        elif kind < 0.85:
            d = self.rd()
            text, writes = "fclass.%s %s, %s" % (p, _x(d), _f(self.fr(p))), [_x(d)]
        else:
            w = "w" if p == "s" else "d"
            if r.random() < 0.5:
                d = self.rd()
                text, writes = "fmv.x.%s %s, %s" % (w, _x(d), _f(self.fr(p))), [_x(d)]
            else:
                d = self.fr(p)
                text, writes = "fmv.%s.x %s, %s" % (w, _f(d), _x(self.rs())), [_f(d)]
        self._emit([text], writes)
        return 1

    def g_fp_cvt(self):
        r = self.rng
        p = r.choice(["s", "d"])
        ints = ["w", "wu", "l", "lu"]
        kind = r.random()
        if kind < 0.45:
            d = self.rd()
            text = "fcvt.%s.%s %s, %s, %s" % (r.choice(ints), p, _x(d), _f(self.fr(p)),
                                              self.rm())
            writes = [_x(d), "fcsr"]
        elif kind < 0.8:
            it = r.choice(ints)
            d = self.fr(p)
            exact = p == "d" and it in ("w", "wu")
            text = "fcvt.%s.%s %s, %s%s" % (p, it, _f(d), _x(self.rs()),
                                            "" if exact else ", " + self.rm())
            writes = [_f(d), "fcsr"]
        elif kind < 0.9:
            d = self.fr("s")
            text = "fcvt.s.d %s, %s, %s" % (_f(d), _f(self.fr("d")), self.rm())
            writes = [_f(d), "fcsr"]
        else:
            d = self.fr("d")
            text = "fcvt.d.s %s, %s" % (_f(d), _f(self.fr("s")))
            writes = [_f(d), "fcsr"]
        self._emit([text], writes)
        return 1

    def g_fp_csr(self):
        r = self.rng
        d = self.rd()
        text = r.choice(["frflags %s" % _x(d), "frrm %s" % _x(d), "frcsr %s" % _x(d),
                         "fsflags %s, %s" % (_x(d), _x(self.rs())),
                         "fsflagsi %s, %d" % (_x(d), r.randrange(32)),
                         "fsrmi %s, %d" % (_x(d), r.randrange(5)),
                         "csrrs %s, fflags, %s" % (_x(d), _x(self.rs())),
                         "csrrc %s, fflags, %s" % (_x(d), _x(self.rs()))])
        self._emit([text], [_x(d), "fcsr"])
        return 1

    # -- output --------------------------------------------------------------------------

    def instructions(self):
        """Flat list of (asm line, registers written) in program order."""
        out = []
        for lines, writes in self.units:
            for ln in lines:
                out.append((ln, writes))
        return out

    def steps(self):
        """Each unit as one numbered line ("#step text"); labels are not steps."""
        out = []
        for lines, _ in self.units:
            if len(lines) == 1 and lines[0].endswith(":"):
                continue
            out.append("#%-3d %s" % (len(out), " ; ".join(lines)))
        return out

    def writers(self, reg):
        """Numbered steps that may write reg (x5, f3, fcsr, mem)."""
        steps = self.steps()
        units = [w for lines, w in self.units
                 if not (len(lines) == 1 and lines[0].endswith(":"))]
        return [steps[i] for i, w in enumerate(units) if reg in w]

    def describe_offset(self, offset):
        """Name a byte offset of the scratch+log memory for a mismatch report."""
        if offset < SCRATCH_SIZE:
            return "scratch+0x%03x" % offset
        i = (offset - SCRATCH_SIZE) // 8
        if i < len(self.log_steps):
            return "log[%d] (%s after: %s)" % (i, self.log_steps[i][0], self.log_steps[i][1])
        return "log[%d] (unused)" % i

    def initial(self, reg):
        if reg.startswith("x"):
            return self.xinit[int(reg[1:]) - 1]
        if reg.startswith("f"):
            return self.finit[int(reg[1:])] if reg != "fcsr" else self.fcsr
        return None

    def asm(self, memdump):
        s = self.seed
        o = ["", "# ---- case %d ----" % s, ".text", "case_%d:" % s]
        o += ["la t0, case_%d_mem" % s, "la t1, oracle_scratch", "li t2, 0",
              "1: andi t3, t2, %d" % (MEM_TABLE_DWORDS * 8 - 1), "add t3, t3, t0",
              "ld t4, 0(t3)", "add t5, t1, t2", "sd t4, 0(t5)", "addi t2, t2, 8",
              "li t6, %d" % MEM_SIZE, "bltu t2, t6, 1b",
              "li t0, %d" % self.fcsr, "csrw fcsr, t0", "la x31, case_%d_regs" % s]
        o += ["fld f%d, %d(x31)" % (i, 248 + 8 * i) for i in range(32)]
        o += ["ld x%d, %d(x31)" % (i, 8 * (i - 1)) for i in range(1, 32)]
        o += ["# body"] + [ln for ln, _ in self.instructions()]
        o += ["# save", "csrw mscratch, x31", "la x31, oracle_save"]
        o += ["sd x%d, %d(x31)" % (i, 8 * (i - 1)) for i in range(1, 31)]
        o += ["csrr x30, mscratch", "sd x30, 240(x31)"]
        o += ["fsd f%d, %d(x31)" % (i, 248 + 8 * i) for i in range(32)]
        o += ["frcsr x30", "sd x30, 504(x31)",
              "li a0, %d" % s, "li a1, %d" % (1 if memdump else 0), "call oracle_dump"]
        o += [".section .rodata", ".balign 8", "case_%d_regs:" % s]
        o += [".dword 0x%016x" % v for v in self.xinit + self.finit]
        o += ["case_%d_mem:" % s] + [".dword 0x%016x" % v for v in self.mem]
        return "\n".join(o) + "\n"


RUNTIME = r"""
# Runtime: entry, trap handler, UART output, state dump, exit.
.equ UART_BASE, 0x10000000
.equ FINISHER, 0x100000

.section .text.init, "ax"
.globl _start
_start:
	csrr t0, mhartid
	bnez t0, oracle_park
	la t0, oracle_trap
	csrw mtvec, t0
	li t0, 0x6000		# mstatus.FS = dirty: FP instructions are legal
	csrs mstatus, t0
	j oracle_cases
oracle_park:
	wfi
	j oracle_park

.text
.balign 4
oracle_trap:
	la sp, oracle_stack_top
	la a0, oracle_msg_trap
	call oracle_puts
	csrr a0, mcause
	call oracle_puthex
	li a0, ' '
	call oracle_putc
	csrr a0, mepc
	call oracle_puthex
	li a0, ' '
	call oracle_putc
	csrr a0, mtval
	call oracle_puthex
	li a0, '\n'
	call oracle_putc
	li a0, 2
	j oracle_exit

# a0 = character
oracle_putc:
	li t0, UART_BASE
1:	lbu t1, 5(t0)
	andi t1, t1, 0x20
	beqz t1, 1b
	sb a0, 0(t0)
	ret

# a0 = NUL-terminated string
oracle_puts:
	addi sp, sp, -16
	sd ra, 0(sp)
	sd s0, 8(sp)
	mv s0, a0
1:	lbu a0, 0(s0)
	beqz a0, 2f
	call oracle_putc
	addi s0, s0, 1
	j 1b
2:	ld ra, 0(sp)
	ld s0, 8(sp)
	addi sp, sp, 16
	ret

# a0 = value, printed as 16 hex digits
oracle_puthex:
	addi sp, sp, -32
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	mv s0, a0
	li s1, 60
1:	srl a0, s0, s1
	andi a0, a0, 15
	li t0, 10
	blt a0, t0, 2f
	addi a0, a0, 'a' - 10
	j 3f
2:	addi a0, a0, '0'
3:	call oracle_putc
	addi s1, s1, -4
	bgez s1, 1b
	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	addi sp, sp, 32
	ret

# a0 = case seed, a1 = nonzero to dump the scratch buffer; registers are in oracle_save
oracle_dump:
	la sp, oracle_stack_top
	addi sp, sp, -48
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	sd s2, 24(sp)
	sd s3, 32(sp)
	mv s0, a0
	mv s3, a1
	li a0, 'R'
	call oracle_putc
	li a0, ' '
	call oracle_putc
	mv a0, s0
	call oracle_puthex
	la s1, oracle_save
	li s2, 64		# x1..x31, f0..f31, fcsr
1:	li a0, ' '
	call oracle_putc
	ld a0, 0(s1)
	call oracle_puthex
	addi s1, s1, 8
	addi s2, s2, -1
	bnez s2, 1b
	# checksum of the scratch buffer: h = (h ^ w) * FNV prime, rotated
	la t0, oracle_scratch
	li t1, MEM_SIZE_DW
	li t2, 0xcbf29ce484222325
	li t3, 0x100000001b3
2:	ld t4, 0(t0)
	xor t2, t2, t4
	mul t2, t2, t3
	srli t5, t2, 29
	xor t2, t2, t5
	addi t0, t0, 8
	addi t1, t1, -1
	bnez t1, 2b
	li a0, ' '
	call oracle_putc
	mv a0, t2
	call oracle_puthex
	li a0, '\n'
	call oracle_putc
	beqz s3, 5f
	la s1, oracle_scratch
	li s2, 0
4:	li a0, 'M'
	call oracle_putc
	li a0, ' '
	call oracle_putc
	mv a0, s2
	call oracle_puthex
	li a0, ' '
	call oracle_putc
	slli t0, s2, 3
	add t0, t0, s1
	ld a0, 0(t0)
	call oracle_puthex
	li a0, '\n'
	call oracle_putc
	addi s2, s2, 1
	li t0, MEM_SIZE_DW
	blt s2, t0, 4b
5:	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	ld s2, 24(sp)
	ld s3, 32(sp)
	addi sp, sp, 48
	ret

# a0 = exit code (0 = pass): tohost first, then the SiFive test finisher
oracle_exit:
	slli t1, a0, 1
	ori t1, t1, 1
	la t0, tohost
	sd t1, 0(t0)
	li t0, FINISHER
	beqz a0, 1f
	slli t1, a0, 16
	li t2, 0x3333
	or t1, t1, t2
	sw t1, 0(t0)
	j 2f
1:	li t1, 0x5555
	sw t1, 0(t0)
2:	wfi
	j 2b

oracle_finish:
	la sp, oracle_stack_top
	la a0, oracle_msg_done
	call oracle_puts
	li a0, 0
	j oracle_exit

.section .rodata
oracle_msg_trap: .string "TRAP "
oracle_msg_done: .string "DONE\n"

.data
.balign 64
.globl tohost
tohost: .dword 0
.globl fromhost
fromhost: .dword 0

.bss
.balign 4096
oracle_scratch: .space MEM_SIZE
.balign 16
oracle_save: .space 512 + 8
.balign 16
oracle_stack: .space 1024
oracle_stack_top:
"""


def program_text(seeds, length=DEFAULT_LENGTH, memdump=False):
    """Assembly text of one program running the cases for seeds in order."""
    out = [".option norelax",
           ".equ SCRATCH_SIZE, %d" % SCRATCH_SIZE,
           ".equ MEM_SIZE, %d" % MEM_SIZE,
           ".equ MEM_SIZE_DW, %d" % (MEM_SIZE // 8),
           RUNTIME, ".text", "oracle_cases:"]
    for s in seeds:
        out.append(Case(s, length).asm(memdump))
    out += [".text", "j oracle_finish", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True, help="seed of the first case")
    ap.add_argument("--count", type=int, default=1, help="number of cases (seed, seed+1, ...)")
    ap.add_argument("--length", type=int, default=DEFAULT_LENGTH, help="instructions per case")
    ap.add_argument("--memdump", action="store_true", help="also print the scratch buffer")
    ap.add_argument("-o", "--output", help="output file (default stdout)")
    args = ap.parse_args()
    text = program_text(range(args.seed, args.seed + args.count), args.length, args.memdump)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
