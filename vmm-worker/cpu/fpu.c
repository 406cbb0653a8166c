/*
 * fpu.c - IEEE 754 binary32/binary64 arithmetic with RISC-V F/D semantics.
 *
 * Everything is done in integer arithmetic so the result never depends on
 * the host's rounding mode or NaN rules: x86 has no round-to-nearest-max-
 * magnitude and propagates NaN payloads, while RISC-V always returns the
 * canonical NaN. (sqrt borrows the host's sqrt only for a first guess.)
 *
 * One code path serves both formats. A finite operand is unpacked to a sign,
 * an unbiased exponent and a significand normalised so its leading one sits
 * at bit 62 of a uint64_t: value = sig * 2^(exp - 62). Operations compute an
 * exact result, or one whose lost low bits are OR-ed ("jammed") into the
 * least significant bit, and hand it to fpu_round_pack(), the single place
 * that rounds (all five modes), detects overflow and underflow (tininess
 * after rounding, as RISC-V specifies) and raises NX/UF/OF.
 */
#include "fpu.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

typedef unsigned __int128 u128;

/* Layout of one IEEE binary interchange format. */
struct fpu_format {
	int frac_bits; /* stored significand bits */
	int exp_bits;
	int bias;
	uint64_t canonical_nan;
};

static const struct fpu_format fpu_f32 = { 23, 8, 127, FPU_F32_CANONICAL_NAN };
static const struct fpu_format fpu_f64 = { 52, 11, 1023, FPU_F64_CANONICAL_NAN };

enum fpu_class {
	FPU_CLASS_ZERO,
	FPU_CLASS_FINITE, /* normal or subnormal, normalised on unpack */
	FPU_CLASS_INF,
	FPU_CLASS_QNAN,
	FPU_CLASS_SNAN,
};

struct fpu_value {
	enum fpu_class cls;
	bool sign;
	int exp;      /* unbiased exponent of the leading one */
	uint64_t sig; /* leading one at bit 62 when finite */
};

#define FPU_SIG_TOP 62

static inline uint64_t fpu_frac_mask(const struct fpu_format *fmt)
{
	return (1ull << fmt->frac_bits) - 1;
}

static inline int fpu_exp_max(const struct fpu_format *fmt)
{
	return (1 << fmt->exp_bits) - 1;
}

static inline int fpu_sign_shift(const struct fpu_format *fmt)
{
	return fmt->frac_bits + fmt->exp_bits;
}

static inline bool fpu_is_nan(enum fpu_class cls)
{
	return cls == FPU_CLASS_QNAN || cls == FPU_CLASS_SNAN;
}

static inline int fpu_clz128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

static struct fpu_value fpu_unpack(const struct fpu_format *fmt, uint64_t bits)
{
	struct fpu_value v;
	uint64_t frac = bits & fpu_frac_mask(fmt);
	int biased = (int)((bits >> fmt->frac_bits) & (uint64_t)fpu_exp_max(fmt));

	v.sign = (bits >> fpu_sign_shift(fmt)) & 1;
	v.exp = 0;
	v.sig = 0;
	if (biased == fpu_exp_max(fmt)) {
		if (frac == 0)
			v.cls = FPU_CLASS_INF;
		else if (frac >> (fmt->frac_bits - 1))
			v.cls = FPU_CLASS_QNAN;
		else
			v.cls = FPU_CLASS_SNAN;
		return v;
	}
	if (biased == 0) {
		if (frac == 0) {
			v.cls = FPU_CLASS_ZERO;
			return v;
		}
		/* Subnormal: same scale as the smallest normal, then normalise. */
		v.cls = FPU_CLASS_FINITE;
		v.sig = frac << (FPU_SIG_TOP - fmt->frac_bits);
		int shift = __builtin_clzll(v.sig) - (63 - FPU_SIG_TOP);

		v.sig <<= shift;
		v.exp = 1 - fmt->bias - shift;
		return v;
	}
	v.cls = FPU_CLASS_FINITE;
	v.sig = (frac | (1ull << fmt->frac_bits)) << (FPU_SIG_TOP - fmt->frac_bits);
	v.exp = biased - fmt->bias;
	return v;
}

static inline uint64_t fpu_pack_inf(const struct fpu_format *fmt, bool sign)
{
	return ((uint64_t)sign << fpu_sign_shift(fmt)) |
	       ((uint64_t)fpu_exp_max(fmt) << fmt->frac_bits);
}

static inline uint64_t fpu_pack_zero(const struct fpu_format *fmt, bool sign)
{
	return (uint64_t)sign << fpu_sign_shift(fmt);
}

/*
 * Decide whether discarding the low `shift` bits of `sig` (1 <= shift <= 63)
 * rounds the magnitude up, and return the kept part, rounded. The rounded
 * value may carry into one more bit; the caller handles that.
 */
static uint64_t fpu_round_bits(uint64_t sig, int shift, int rm, bool sign, bool *inexact)
{
	uint64_t kept = sig >> shift;
	uint64_t rem = sig & ((1ull << shift) - 1);
	uint64_t half = 1ull << (shift - 1);
	bool up;

	*inexact = rem != 0;
	switch (rm) {
	case FPU_RNE:
		up = rem > half || (rem == half && (kept & 1));
		break;
	case FPU_RDN:
		up = rem != 0 && sign;
		break;
	case FPU_RUP:
		up = rem != 0 && !sign;
		break;
	case FPU_RMM:
		up = rem >= half;
		break;
	default: /* FPU_RTZ */
		up = false;
		break;
	}
	return kept + up;
}

/*
 * Round sign * sig * 2^(exp - 62) (sig normalised, lost bits jammed into bit
 * 0) to the format and pack it, raising NX, UF and OF as RISC-V specifies.
 */
static uint64_t fpu_round_pack(const struct fpu_format *fmt, bool sign, int exp, uint64_t sig,
			       int rm, unsigned *flags)
{
	int normal_shift = FPU_SIG_TOP - fmt->frac_bits;
	int biased = exp + fmt->bias;
	uint64_t sign_bit = (uint64_t)sign << fpu_sign_shift(fmt);
	bool inexact, tiny = false;
	uint64_t m;

	if (biased >= 1) {
		m = fpu_round_bits(sig, normal_shift, rm, sign, &inexact);
		if (m >> (fmt->frac_bits + 1)) {
			m >>= 1;
			biased++;
		}
		if (biased >= fpu_exp_max(fmt)) {
			bool to_inf;

			*flags |= FPU_FLAG_OF | FPU_FLAG_NX;
			switch (rm) {
			case FPU_RTZ:
				to_inf = false;
				break;
			case FPU_RDN:
				to_inf = sign;
				break;
			case FPU_RUP:
				to_inf = !sign;
				break;
			default:
				to_inf = true;
				break;
			}
			if (to_inf)
				return fpu_pack_inf(fmt, sign);
			return sign_bit | (fpu_pack_inf(fmt, false) - 1);
		}
		if (inexact)
			*flags |= FPU_FLAG_NX;
		return sign_bit | ((uint64_t)biased << fmt->frac_bits) | (m & fpu_frac_mask(fmt));
	}

	/*
	 * Below the normal range. Tininess is judged after rounding with an
	 * unbounded exponent: a value just under the smallest normal that
	 * rounds up to it at full precision is not tiny.
	 */
	if (biased == 0) {
		bool dummy;

		m = fpu_round_bits(sig, normal_shift, rm, sign, &dummy);
		tiny = !(m >> (fmt->frac_bits + 1));
	} else {
		tiny = true;
	}

	int shift = normal_shift + 1 - biased;

	if (shift > 63) {
		/* Everything is below the round bit: only stickiness is left. */
		sig = 1;
		shift = 63;
	}
	m = fpu_round_bits(sig, shift, rm, sign, &inexact);
	if (inexact) {
		*flags |= FPU_FLAG_NX;
		if (tiny)
			*flags |= FPU_FLAG_UF;
	}
	/* A carry into bit frac_bits becomes exponent field 1: the smallest normal. */
	return sign_bit | m;
}

/* Round sign * sig * 2^scale for any nonzero 128-bit sig. */
static uint64_t fpu_round_pack128(const struct fpu_format *fmt, bool sign, int scale, u128 sig,
				  int rm, unsigned *flags)
{
	int top = 127 - fpu_clz128(sig);
	uint64_t sig64;

	if (top > FPU_SIG_TOP) {
		int shift = top - FPU_SIG_TOP;

		sig64 = (uint64_t)(sig >> shift) | ((sig & (((u128)1 << shift) - 1)) != 0);
	} else {
		sig64 = (uint64_t)sig << (FPU_SIG_TOP - top);
	}
	return fpu_round_pack(fmt, sign, scale + top, sig64, rm, flags);
}

/* Shift right, OR-ing every bit shifted out into bit 0. */
static inline u128 fpu_shift_right_jam128(u128 x, int shift)
{
	if (shift <= 0)
		return x;
	if (shift >= 128)
		return x != 0;
	return (x >> shift) | ((x & (((u128)1 << shift) - 1)) != 0);
}

/*
 * Return the canonical NaN for an operation with NaN operands, raising NV
 * if any of them is signaling.
 */
static uint64_t fpu_nan_result(const struct fpu_format *fmt, const struct fpu_value *a,
			       const struct fpu_value *b, const struct fpu_value *c,
			       unsigned *flags)
{
	if (a->cls == FPU_CLASS_SNAN || (b && b->cls == FPU_CLASS_SNAN) ||
	    (c && c->cls == FPU_CLASS_SNAN))
		*flags |= FPU_FLAG_NV;
	return fmt->canonical_nan;
}

static uint64_t fpu_invalid(const struct fpu_format *fmt, unsigned *flags)
{
	*flags |= FPU_FLAG_NV;
	return fmt->canonical_nan;
}

/* The sign of an exact zero sum of operands with opposite signs. */
static inline bool fpu_zero_sum_sign(int rm)
{
	return rm == FPU_RDN;
}

/*
 * Add two nonzero finite values given as 128-bit significands with the
 * leading one at bit 126 (value = sig * 2^(exp - 126)). Shared by add and
 * fma; jamming on alignment is exact enough because massive cancellation
 * only happens when the exponents differ by at most one, where nothing is
 * shifted out of the 127-bit window.
 */
static uint64_t fpu_add_parts(const struct fpu_format *fmt, bool sign_a, int exp_a, u128 sig_a,
			      bool sign_b, int exp_b, u128 sig_b, int rm, unsigned *flags)
{
	if (exp_a < exp_b || (exp_a == exp_b && sig_a < sig_b)) {
		bool ts = sign_a;
		int te = exp_a;
		u128 tsig = sig_a;

		sign_a = sign_b;
		exp_a = exp_b;
		sig_a = sig_b;
		sign_b = ts;
		exp_b = te;
		sig_b = tsig;
	}
	sig_b = fpu_shift_right_jam128(sig_b, exp_a - exp_b);
	if (sign_a == sign_b)
		return fpu_round_pack128(fmt, sign_a, exp_a - 126, sig_a + sig_b, rm, flags);
	if (sig_a == sig_b)
		return fpu_pack_zero(fmt, fpu_zero_sum_sign(rm));
	return fpu_round_pack128(fmt, sign_a, exp_a - 126, sig_a - sig_b, rm, flags);
}

static uint64_t fpu_add(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits,
			bool negate_b, int rm, unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);

	b.sign ^= negate_b;
	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls))
		return fpu_nan_result(fmt, &a, &b, NULL, flags);
	if (a.cls == FPU_CLASS_INF) {
		if (b.cls == FPU_CLASS_INF && a.sign != b.sign)
			return fpu_invalid(fmt, flags);
		return fpu_pack_inf(fmt, a.sign);
	}
	if (b.cls == FPU_CLASS_INF)
		return fpu_pack_inf(fmt, b.sign);
	if (a.cls == FPU_CLASS_ZERO && b.cls == FPU_CLASS_ZERO) {
		if (a.sign == b.sign)
			return fpu_pack_zero(fmt, a.sign);
		return fpu_pack_zero(fmt, fpu_zero_sum_sign(rm));
	}
	/* x + 0 is exactly x, even when x is subnormal: no flags. */
	if (b.cls == FPU_CLASS_ZERO)
		return a_bits;
	if (a.cls == FPU_CLASS_ZERO)
		return b_bits ^ ((uint64_t)negate_b << fpu_sign_shift(fmt));
	return fpu_add_parts(fmt, a.sign, a.exp, (u128)a.sig << 64, b.sign, b.exp,
			     (u128)b.sig << 64, rm, flags);
}

static uint64_t fpu_mul(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits, int rm,
			unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);
	bool sign = a.sign ^ b.sign;

	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls))
		return fpu_nan_result(fmt, &a, &b, NULL, flags);
	if (a.cls == FPU_CLASS_INF || b.cls == FPU_CLASS_INF) {
		if (a.cls == FPU_CLASS_ZERO || b.cls == FPU_CLASS_ZERO)
			return fpu_invalid(fmt, flags);
		return fpu_pack_inf(fmt, sign);
	}
	if (a.cls == FPU_CLASS_ZERO || b.cls == FPU_CLASS_ZERO)
		return fpu_pack_zero(fmt, sign);
	return fpu_round_pack128(fmt, sign, a.exp + b.exp - 2 * FPU_SIG_TOP, (u128)a.sig * b.sig,
				 rm, flags);
}

static uint64_t fpu_div(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits, int rm,
			unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);
	bool sign = a.sign ^ b.sign;

	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls))
		return fpu_nan_result(fmt, &a, &b, NULL, flags);
	if (a.cls == FPU_CLASS_INF) {
		if (b.cls == FPU_CLASS_INF)
			return fpu_invalid(fmt, flags);
		return fpu_pack_inf(fmt, sign);
	}
	if (b.cls == FPU_CLASS_INF)
		return fpu_pack_zero(fmt, sign);
	if (b.cls == FPU_CLASS_ZERO) {
		if (a.cls == FPU_CLASS_ZERO)
			return fpu_invalid(fmt, flags);
		*flags |= FPU_FLAG_DZ;
		return fpu_pack_inf(fmt, sign);
	}
	if (a.cls == FPU_CLASS_ZERO)
		return fpu_pack_zero(fmt, sign);

	/* A 64-bit quotient keeps at least 63 significant bits; the remainder is the sticky bit. */
	u128 num = (u128)a.sig << 64;
	u128 quot = num / b.sig;

	quot |= (num % b.sig) != 0;
	return fpu_round_pack128(fmt, sign, a.exp - b.exp - 64, quot, rm, flags);
}

/*
 * floor(sqrt(x)) and whether it is exact, for 2^125 <= x < 2^127. The host's
 * double sqrt only supplies a starting point (53 bits, so within a few
 * thousand of the root whatever the host rounding mode); one integer Newton
 * step brings it to within one and the final adjustment makes it exact.
 */
static uint64_t fpu_isqrt128(u128 x, bool *exact)
{
	uint64_t root = (uint64_t)sqrt((double)x);

	root = (uint64_t)((root + x / root) >> 1);
	while ((u128)root * root > x)
		root--;
	while ((u128)(root + 1) * (root + 1) <= x)
		root++;
	*exact = (u128)root * root == x;
	return root;
}

static uint64_t fpu_sqrt(const struct fpu_format *fmt, uint64_t a_bits, int rm, unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);

	if (fpu_is_nan(a.cls))
		return fpu_nan_result(fmt, &a, NULL, NULL, flags);
	if (a.cls == FPU_CLASS_ZERO)
		return a_bits; /* sqrt(-0) is -0 */
	if (a.sign)
		return fpu_invalid(fmt, flags);
	if (a.cls == FPU_CLASS_INF)
		return a_bits;

	/* value = sig * 2^(exp - 62) = (sig << shift) * 2^scale with scale even. */
	int shift = ((a.exp - FPU_SIG_TOP) & 1) ? 63 : 64;
	int scale = a.exp - FPU_SIG_TOP - shift;
	bool exact;
	uint64_t root = fpu_isqrt128((u128)a.sig << shift, &exact);

	return fpu_round_pack128(fmt, false, scale / 2, (u128)(root | !exact), rm, flags);
}

static uint64_t fpu_fma(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits,
			uint64_t c_bits, int rm, unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);
	struct fpu_value c = fpu_unpack(fmt, c_bits);
	bool sign = a.sign ^ b.sign;
	bool inf_times_zero = (a.cls == FPU_CLASS_INF && b.cls == FPU_CLASS_ZERO) ||
			      (a.cls == FPU_CLASS_ZERO && b.cls == FPU_CLASS_INF);

	/* RISC-V raises NV for inf * 0 even when the addend is a quiet NaN. */
	if (inf_times_zero)
		return fpu_invalid(fmt, flags);
	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls) || fpu_is_nan(c.cls))
		return fpu_nan_result(fmt, &a, &b, &c, flags);
	if (a.cls == FPU_CLASS_INF || b.cls == FPU_CLASS_INF) {
		if (c.cls == FPU_CLASS_INF && c.sign != sign)
			return fpu_invalid(fmt, flags);
		return fpu_pack_inf(fmt, sign);
	}
	if (c.cls == FPU_CLASS_INF)
		return c_bits;
	if (a.cls == FPU_CLASS_ZERO || b.cls == FPU_CLASS_ZERO) {
		if (c.cls != FPU_CLASS_ZERO)
			return c_bits;
		if (c.sign == sign)
			return fpu_pack_zero(fmt, sign);
		return fpu_pack_zero(fmt, fpu_zero_sum_sign(rm));
	}

	/* The product is exact in 128 bits: leading one at bit 124 or 125. */
	u128 prod = (u128)a.sig * b.sig;
	int prod_exp = a.exp + b.exp;

	if (prod >> 125) {
		prod <<= 1;
		prod_exp++;
	} else {
		prod <<= 2;
	}
	if (c.cls == FPU_CLASS_ZERO)
		return fpu_round_pack128(fmt, sign, prod_exp - 126, prod, rm, flags);
	return fpu_add_parts(fmt, sign, prod_exp, prod, c.sign, c.exp, (u128)c.sig << 64, rm,
			     flags);
}

/*
 * Total order key on non-NaN values in which -0 sorts below +0: unsigned
 * comparison of keys matches numeric comparison.
 */
static inline uint64_t fpu_order_key(const struct fpu_format *fmt, uint64_t bits)
{
	uint64_t sign_bit = 1ull << fpu_sign_shift(fmt);

	return (bits & sign_bit) ? (sign_bit - 1) - (bits & (sign_bit - 1)) : bits | sign_bit;
}

static inline bool fpu_both_zero(const struct fpu_format *fmt, uint64_t a, uint64_t b)
{
	uint64_t mag = (1ull << fpu_sign_shift(fmt)) - 1;

	return ((a | b) & mag) == 0;
}

/* minimumNumber/maximumNumber (IEEE 754-2019), as RISC-V fmin/fmax. */
static uint64_t fpu_min_max(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits,
			    bool want_max, unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);

	if (a.cls == FPU_CLASS_SNAN || b.cls == FPU_CLASS_SNAN)
		*flags |= FPU_FLAG_NV;
	if (fpu_is_nan(a.cls) && fpu_is_nan(b.cls))
		return fmt->canonical_nan;
	if (fpu_is_nan(a.cls))
		return b_bits;
	if (fpu_is_nan(b.cls))
		return a_bits;

	bool a_below = fpu_order_key(fmt, a_bits) < fpu_order_key(fmt, b_bits);

	return a_below != want_max ? a_bits : b_bits;
}

/* Compare; `signaling` raises NV on quiet NaNs too. Returns -1 if unordered. */
static int fpu_compare_lt(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits,
			  bool or_equal, bool signaling, unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);

	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls)) {
		if (signaling || a.cls == FPU_CLASS_SNAN || b.cls == FPU_CLASS_SNAN)
			*flags |= FPU_FLAG_NV;
		return 0;
	}
	if (fpu_both_zero(fmt, a_bits, b_bits))
		return or_equal;
	if (or_equal)
		return fpu_order_key(fmt, a_bits) <= fpu_order_key(fmt, b_bits);
	return fpu_order_key(fmt, a_bits) < fpu_order_key(fmt, b_bits);
}

static int fpu_compare_eq(const struct fpu_format *fmt, uint64_t a_bits, uint64_t b_bits,
			  unsigned *flags)
{
	struct fpu_value a = fpu_unpack(fmt, a_bits);
	struct fpu_value b = fpu_unpack(fmt, b_bits);

	if (fpu_is_nan(a.cls) || fpu_is_nan(b.cls)) {
		if (a.cls == FPU_CLASS_SNAN || b.cls == FPU_CLASS_SNAN)
			*flags |= FPU_FLAG_NV;
		return 0;
	}
	return a_bits == b_bits || fpu_both_zero(fmt, a_bits, b_bits);
}

static uint64_t fpu_classify(const struct fpu_format *fmt, uint64_t bits)
{
	struct fpu_value v = fpu_unpack(fmt, bits);
	uint64_t biased = (bits >> fmt->frac_bits) & (uint64_t)fpu_exp_max(fmt);

	switch (v.cls) {
	case FPU_CLASS_INF:
		return v.sign ? 1u << 0 : 1u << 7;
	case FPU_CLASS_ZERO:
		return v.sign ? 1u << 3 : 1u << 4;
	case FPU_CLASS_SNAN:
		return 1u << 8;
	case FPU_CLASS_QNAN:
		return 1u << 9;
	default:
		if (biased == 0)
			return v.sign ? 1u << 2 : 1u << 5;
		return v.sign ? 1u << 1 : 1u << 6;
	}
}

/*
 * Convert to an integer of `width` bits, rounding per rm and saturating as
 * RISC-V specifies. The result is returned in a uint64_t holding the two's
 * complement bits; NV replaces NX when the value does not fit.
 */
static uint64_t fpu_to_int(const struct fpu_format *fmt, uint64_t bits, int width, bool is_signed,
			   int rm, unsigned *flags)
{
	struct fpu_value v = fpu_unpack(fmt, bits);
	uint64_t max = is_signed ? (1ull << (width - 1)) - 1 : ~0ull >> (64 - width);
	uint64_t min = is_signed ? -(1ull << (width - 1)) : 0;
	uint64_t mag;
	bool inexact = false;

	switch (v.cls) {
	case FPU_CLASS_ZERO:
		return 0;
	case FPU_CLASS_QNAN:
	case FPU_CLASS_SNAN:
		*flags |= FPU_FLAG_NV;
		return max;
	case FPU_CLASS_INF:
		*flags |= FPU_FLAG_NV;
		return v.sign ? min : max;
	default:
		break;
	}
	if (v.exp >= 64)
		goto overflow;
	if (v.exp >= FPU_SIG_TOP) {
		mag = v.sig << (v.exp - FPU_SIG_TOP);
	} else {
		int shift = FPU_SIG_TOP - v.exp;
		uint64_t sig = v.sig;

		if (shift > 63) {
			sig = 1;
			shift = 63;
		}
		mag = fpu_round_bits(sig, shift, rm, v.sign, &inexact);
	}
	if (v.sign) {
		if (mag == 0)
			goto done;
		if (!is_signed || mag > (1ull << (width - 1)))
			goto overflow;
		mag = -mag;
	} else if (mag > max) {
		goto overflow;
	}
done:
	if (inexact)
		*flags |= FPU_FLAG_NX;
	return mag;
overflow:
	*flags |= FPU_FLAG_NV;
	return v.sign ? min : max;
}

static uint64_t fpu_from_int(const struct fpu_format *fmt, bool sign, uint64_t mag, int rm,
			     unsigned *flags)
{
	if (mag == 0)
		return 0;
	return fpu_round_pack128(fmt, sign, 0, mag, rm, flags);
}

/* Re-round a value of one format into another (f32 <-> f64). */
static uint64_t fpu_convert(const struct fpu_format *to, const struct fpu_format *from,
			    uint64_t bits, int rm, unsigned *flags)
{
	struct fpu_value v = fpu_unpack(from, bits);

	switch (v.cls) {
	case FPU_CLASS_QNAN:
	case FPU_CLASS_SNAN:
		return fpu_nan_result(to, &v, NULL, NULL, flags);
	case FPU_CLASS_INF:
		return fpu_pack_inf(to, v.sign);
	case FPU_CLASS_ZERO:
		return fpu_pack_zero(to, v.sign);
	default:
		return fpu_round_pack(to, v.sign, v.exp, v.sig, rm, flags);
	}
}

/* binary32 entry points: see fpu.h. */

uint32_t f32_add(uint32_t a, uint32_t b, int rm, unsigned *flags)
{
	return (uint32_t)fpu_add(&fpu_f32, a, b, false, rm, flags);
}

uint32_t f32_sub(uint32_t a, uint32_t b, int rm, unsigned *flags)
{
	return (uint32_t)fpu_add(&fpu_f32, a, b, true, rm, flags);
}

uint32_t f32_mul(uint32_t a, uint32_t b, int rm, unsigned *flags)
{
	return (uint32_t)fpu_mul(&fpu_f32, a, b, rm, flags);
}

uint32_t f32_div(uint32_t a, uint32_t b, int rm, unsigned *flags)
{
	return (uint32_t)fpu_div(&fpu_f32, a, b, rm, flags);
}

uint32_t f32_sqrt(uint32_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_sqrt(&fpu_f32, a, rm, flags);
}

uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, int rm, unsigned *flags)
{
	return (uint32_t)fpu_fma(&fpu_f32, a, b, c, rm, flags);
}

uint32_t f32_min(uint32_t a, uint32_t b, unsigned *flags)
{
	return (uint32_t)fpu_min_max(&fpu_f32, a, b, false, flags);
}

uint32_t f32_max(uint32_t a, uint32_t b, unsigned *flags)
{
	return (uint32_t)fpu_min_max(&fpu_f32, a, b, true, flags);
}

int f32_eq(uint32_t a, uint32_t b, unsigned *flags)
{
	return fpu_compare_eq(&fpu_f32, a, b, flags);
}

int f32_lt(uint32_t a, uint32_t b, unsigned *flags)
{
	return fpu_compare_lt(&fpu_f32, a, b, false, true, flags);
}

int f32_le(uint32_t a, uint32_t b, unsigned *flags)
{
	return fpu_compare_lt(&fpu_f32, a, b, true, true, flags);
}

uint64_t f32_classify(uint32_t a)
{
	return fpu_classify(&fpu_f32, a);
}

/* binary64 entry points: see fpu.h. */

uint64_t f64_add(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return fpu_add(&fpu_f64, a, b, false, rm, flags);
}

uint64_t f64_sub(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return fpu_add(&fpu_f64, a, b, true, rm, flags);
}

uint64_t f64_mul(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return fpu_mul(&fpu_f64, a, b, rm, flags);
}

uint64_t f64_div(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return fpu_div(&fpu_f64, a, b, rm, flags);
}

uint64_t f64_sqrt(uint64_t a, int rm, unsigned *flags)
{
	return fpu_sqrt(&fpu_f64, a, rm, flags);
}

uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, int rm, unsigned *flags)
{
	return fpu_fma(&fpu_f64, a, b, c, rm, flags);
}

uint64_t f64_min(uint64_t a, uint64_t b, unsigned *flags)
{
	return fpu_min_max(&fpu_f64, a, b, false, flags);
}

uint64_t f64_max(uint64_t a, uint64_t b, unsigned *flags)
{
	return fpu_min_max(&fpu_f64, a, b, true, flags);
}

int f64_eq(uint64_t a, uint64_t b, unsigned *flags)
{
	return fpu_compare_eq(&fpu_f64, a, b, flags);
}

int f64_lt(uint64_t a, uint64_t b, unsigned *flags)
{
	return fpu_compare_lt(&fpu_f64, a, b, false, true, flags);
}

int f64_le(uint64_t a, uint64_t b, unsigned *flags)
{
	return fpu_compare_lt(&fpu_f64, a, b, true, true, flags);
}

uint64_t f64_classify(uint64_t a)
{
	return fpu_classify(&fpu_f64, a);
}

/* Float to integer conversions: see fpu.h. */

int32_t f32_to_i32(uint32_t a, int rm, unsigned *flags)
{
	return (int32_t)fpu_to_int(&fpu_f32, a, 32, true, rm, flags);
}

uint32_t f32_to_u32(uint32_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_to_int(&fpu_f32, a, 32, false, rm, flags);
}

int64_t f32_to_i64(uint32_t a, int rm, unsigned *flags)
{
	return (int64_t)fpu_to_int(&fpu_f32, a, 64, true, rm, flags);
}

uint64_t f32_to_u64(uint32_t a, int rm, unsigned *flags)
{
	return fpu_to_int(&fpu_f32, a, 64, false, rm, flags);
}

int32_t f64_to_i32(uint64_t a, int rm, unsigned *flags)
{
	return (int32_t)fpu_to_int(&fpu_f64, a, 32, true, rm, flags);
}

uint32_t f64_to_u32(uint64_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_to_int(&fpu_f64, a, 32, false, rm, flags);
}

int64_t f64_to_i64(uint64_t a, int rm, unsigned *flags)
{
	return (int64_t)fpu_to_int(&fpu_f64, a, 64, true, rm, flags);
}

uint64_t f64_to_u64(uint64_t a, int rm, unsigned *flags)
{
	return fpu_to_int(&fpu_f64, a, 64, false, rm, flags);
}

/* Integer to float conversions: see fpu.h. */

static inline uint64_t fpu_magnitude(int64_t a)
{
	return a < 0 ? -(uint64_t)a : (uint64_t)a;
}

uint32_t i32_to_f32(int32_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_from_int(&fpu_f32, a < 0, fpu_magnitude(a), rm, flags);
}

uint32_t u32_to_f32(uint32_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_from_int(&fpu_f32, false, a, rm, flags);
}

uint32_t i64_to_f32(int64_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_from_int(&fpu_f32, a < 0, fpu_magnitude(a), rm, flags);
}

uint32_t u64_to_f32(uint64_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_from_int(&fpu_f32, false, a, rm, flags);
}

uint64_t i32_to_f64(int32_t a, int rm, unsigned *flags)
{
	return fpu_from_int(&fpu_f64, a < 0, fpu_magnitude(a), rm, flags);
}

uint64_t u32_to_f64(uint32_t a, int rm, unsigned *flags)
{
	return fpu_from_int(&fpu_f64, false, a, rm, flags);
}

uint64_t i64_to_f64(int64_t a, int rm, unsigned *flags)
{
	return fpu_from_int(&fpu_f64, a < 0, fpu_magnitude(a), rm, flags);
}

uint64_t u64_to_f64(uint64_t a, int rm, unsigned *flags)
{
	return fpu_from_int(&fpu_f64, false, a, rm, flags);
}

/* Format conversions: see fpu.h. f32 -> f64 is always exact. */

uint64_t f32_to_f64(uint32_t a, unsigned *flags)
{
	return fpu_convert(&fpu_f64, &fpu_f32, a, FPU_RNE, flags);
}

uint32_t f64_to_f32(uint64_t a, int rm, unsigned *flags)
{
	return (uint32_t)fpu_convert(&fpu_f32, &fpu_f64, a, rm, flags);
}
