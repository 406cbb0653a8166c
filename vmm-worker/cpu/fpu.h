/*
 * fpu.h - IEEE 754 binary32 and binary64 arithmetic exactly as the RISC-V
 * F and D extensions specify it: the five rounding modes, the accrued
 * exception flags, canonical NaNs, saturating conversions, minimumNumber/
 * maximumNumber semantics for fmin/fmax, fused multiply-add with a single
 * rounding.
 *
 * Values are raw bit patterns (uint32_t for binary32, uint64_t for
 * binary64); NaN boxing is the caller's business. `rm` is a static rounding
 * mode 0..4 (FPU_RNE, FPU_RTZ, FPU_RDN, FPU_RUP, FPU_RMM): the caller
 * resolves DYN and rejects 5/6/7. Exception flags are OR-ed into *flags
 * in the fflags bit layout.
 */
#ifndef VMM_CPU_FPU_H
#define VMM_CPU_FPU_H

#include <stdint.h>

enum fpu_rounding {
	FPU_RNE = 0,
	FPU_RTZ = 1,
	FPU_RDN = 2,
	FPU_RUP = 3,
	FPU_RMM = 4,
};

#define FPU_FLAG_NX 0x01u
#define FPU_FLAG_UF 0x02u
#define FPU_FLAG_OF 0x04u
#define FPU_FLAG_DZ 0x08u
#define FPU_FLAG_NV 0x10u

#define FPU_F32_CANONICAL_NAN 0x7fc00000u
#define FPU_F64_CANONICAL_NAN 0x7ff8000000000000ull

uint32_t f32_add(uint32_t a, uint32_t b, int rm, unsigned *flags);
uint32_t f32_sub(uint32_t a, uint32_t b, int rm, unsigned *flags);
uint32_t f32_mul(uint32_t a, uint32_t b, int rm, unsigned *flags);
uint32_t f32_div(uint32_t a, uint32_t b, int rm, unsigned *flags);
uint32_t f32_sqrt(uint32_t a, int rm, unsigned *flags);
/* a*b + c with one rounding; fmsub/fnmsub/fnmadd flip signs before calling. */
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, int rm, unsigned *flags);
uint32_t f32_min(uint32_t a, uint32_t b, unsigned *flags);
uint32_t f32_max(uint32_t a, uint32_t b, unsigned *flags);
int f32_eq(uint32_t a, uint32_t b, unsigned *flags); /* quiet */
int f32_lt(uint32_t a, uint32_t b, unsigned *flags); /* signaling */
int f32_le(uint32_t a, uint32_t b, unsigned *flags); /* signaling */
uint64_t f32_classify(uint32_t a);		     /* fclass.s bit mask */

uint64_t f64_add(uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t f64_sub(uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t f64_mul(uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t f64_div(uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t f64_sqrt(uint64_t a, int rm, unsigned *flags);
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, int rm, unsigned *flags);
uint64_t f64_min(uint64_t a, uint64_t b, unsigned *flags);
uint64_t f64_max(uint64_t a, uint64_t b, unsigned *flags);
int f64_eq(uint64_t a, uint64_t b, unsigned *flags);
int f64_lt(uint64_t a, uint64_t b, unsigned *flags);
int f64_le(uint64_t a, uint64_t b, unsigned *flags);
uint64_t f64_classify(uint64_t a);

/* Float to integer, saturating as RISC-V specifies (NaN → max positive). */
int32_t f32_to_i32(uint32_t a, int rm, unsigned *flags);
uint32_t f32_to_u32(uint32_t a, int rm, unsigned *flags);
int64_t f32_to_i64(uint32_t a, int rm, unsigned *flags);
uint64_t f32_to_u64(uint32_t a, int rm, unsigned *flags);
int32_t f64_to_i32(uint64_t a, int rm, unsigned *flags);
uint32_t f64_to_u32(uint64_t a, int rm, unsigned *flags);
int64_t f64_to_i64(uint64_t a, int rm, unsigned *flags);
uint64_t f64_to_u64(uint64_t a, int rm, unsigned *flags);

uint32_t i32_to_f32(int32_t a, int rm, unsigned *flags);
uint32_t u32_to_f32(uint32_t a, int rm, unsigned *flags);
uint32_t i64_to_f32(int64_t a, int rm, unsigned *flags);
uint32_t u64_to_f32(uint64_t a, int rm, unsigned *flags);
uint64_t i32_to_f64(int32_t a, int rm, unsigned *flags);
uint64_t u32_to_f64(uint32_t a, int rm, unsigned *flags);
uint64_t i64_to_f64(int64_t a, int rm, unsigned *flags);
uint64_t u64_to_f64(uint64_t a, int rm, unsigned *flags);

uint64_t f32_to_f64(uint32_t a, unsigned *flags);
uint32_t f64_to_f32(uint64_t a, int rm, unsigned *flags);

#endif
