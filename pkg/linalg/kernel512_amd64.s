//go:build amd64 && !purego

#include "textflag.h"
#include "kernel_amd64.h"

// kernel6x16avx512 is kernel6x16 (kernel_amd64.s) with one 16-float zmm
// register per row of the tile instead of two ymm: the same fused
// multiply-adds in the same order for every element of C, so the same
// bits, in half the instructions. Accumulators Z0..Z5 (row r in Zr); b in
// Z6; broadcast a in Z7, Z8. Registers as in kernel6x16.
#define STEP512 \
	VMOVUPS      (DI), Z6;           \
	VBROADCASTSS (SI), Z7;           \
	VBROADCASTSS (SI)(R9*1), Z8;     \
	VFMADD231PS  Z6, Z7, Z0;         \
	VFMADD231PS  Z6, Z8, Z1;         \
	VBROADCASTSS (SI)(R9*2), Z7;     \
	VBROADCASTSS (SI)(R10*1), Z8;    \
	VFMADD231PS  Z6, Z7, Z2;         \
	VFMADD231PS  Z6, Z8, Z3;         \
	VBROADCASTSS (SI)(R9*4), Z7;     \
	VBROADCASTSS (SI)(R11*1), Z8;    \
	VFMADD231PS  Z6, Z7, Z4;         \
	VFMADD231PS  Z6, Z8, Z5;         \
	ADDQ         R12, SI;            \
	ADDQ         R13, DI

// Row r of C: c = acc + beta*c (Z7 holds beta), then store.
#define ROWBETA512(acc) \
	VFMADD231PS (DX), Z7, acc; \
	VMOVUPS     acc, (DX);     \
	ADDQ        R8, DX

// Row r of C: c = acc.
#define ROWSTORE512(acc) \
	VMOVUPS acc, (DX); \
	ADDQ    R8, DX

// func kernel6x16avx512(k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16avx512(SB), NOSPLIT, $0-72
	KERNEL_ARGS

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5

	TESTQ BX, BX
	JZ    tail

loop4:
	STEP512
	STEP512
	STEP512
	STEP512
	DECQ BX
	JNZ  loop4

tail:
	TESTQ CX, CX
	JZ    done

loop1:
	STEP512
	DECQ CX
	JNZ  loop1

done:
	VBROADCASTSS alpha+64(FP), Z6
	VMULPS       Z6, Z0, Z0
	VMULPS       Z6, Z1, Z1
	VMULPS       Z6, Z2, Z2
	VMULPS       Z6, Z3, Z3
	VMULPS       Z6, Z4, Z4
	VMULPS       Z6, Z5, Z5

	// beta == 0 (either sign): overwrite C without reading it.
	MOVL beta+68(FP), AX
	ANDL $0x7fffffff, AX
	JZ   store

	VBROADCASTSS beta+68(FP), Z7
	ROWBETA512(Z0)
	ROWBETA512(Z1)
	ROWBETA512(Z2)
	ROWBETA512(Z3)
	ROWBETA512(Z4)
	ROWBETA512(Z5)
	VZEROUPPER
	RET

store:
	ROWSTORE512(Z0)
	ROWSTORE512(Z1)
	ROWSTORE512(Z2)
	ROWSTORE512(Z3)
	ROWSTORE512(Z4)
	ROWSTORE512(Z5)
	VZEROUPPER
	RET
