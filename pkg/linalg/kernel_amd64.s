//go:build amd64 && !purego

#include "textflag.h"
#include "kernel_amd64.h"

// One step of k: tile += a[0:6] (each broadcast) * b[0:16], then SI and
// DI move on to the next column of the A sliver and row of the B sliver.
// Accumulators: Y0..Y11 (row r in Y(2r), Y(2r+1)); b in Y12, Y13;
// broadcast a in Y14, Y15. Rows of A are R9 bytes apart (R10 = 3*R9,
// R11 = 5*R9); R12 and R13 are the byte steps of SI and DI.
#define STEP \
	VMOVUPS      (DI), Y12;          \
	VMOVUPS      32(DI), Y13;        \
	VBROADCASTSS (SI), Y14;          \
	VBROADCASTSS (SI)(R9*1), Y15;    \
	VFMADD231PS  Y12, Y14, Y0;       \
	VFMADD231PS  Y13, Y14, Y1;       \
	VFMADD231PS  Y12, Y15, Y2;       \
	VFMADD231PS  Y13, Y15, Y3;       \
	VBROADCASTSS (SI)(R9*2), Y14;    \
	VBROADCASTSS (SI)(R10*1), Y15;   \
	VFMADD231PS  Y12, Y14, Y4;       \
	VFMADD231PS  Y13, Y14, Y5;       \
	VFMADD231PS  Y12, Y15, Y6;       \
	VFMADD231PS  Y13, Y15, Y7;       \
	VBROADCASTSS (SI)(R9*4), Y14;    \
	VBROADCASTSS (SI)(R11*1), Y15;   \
	VFMADD231PS  Y12, Y14, Y8;       \
	VFMADD231PS  Y13, Y14, Y9;       \
	VFMADD231PS  Y12, Y15, Y10;      \
	VFMADD231PS  Y13, Y15, Y11;      \
	ADDQ         R12, SI;            \
	ADDQ         R13, DI

// Row r of C: c = acc + beta*c (Y13 holds beta), then store; DX advances
// by ldc.
#define ROWBETA(lo, hi) \
	VFMADD231PS (DX), Y13, lo;   \
	VFMADD231PS 32(DX), Y13, hi; \
	VMOVUPS     lo, (DX);        \
	VMOVUPS     hi, 32(DX);      \
	ADDQ        R8, DX

// Row r of C: c = acc.
#define ROWSTORE(lo, hi) \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, 32(DX);  \
	ADDQ    R8, DX

// func kernel6x16(k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-72
	KERNEL_ARGS

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	TESTQ BX, BX
	JZ    tail

loop4:
	STEP
	STEP
	STEP
	STEP
	DECQ BX
	JNZ  loop4

tail:
	TESTQ CX, CX
	JZ    done

loop1:
	STEP
	DECQ CX
	JNZ  loop1

done:
	VBROADCASTSS alpha+64(FP), Y12
	VMULPS       Y12, Y0, Y0
	VMULPS       Y12, Y1, Y1
	VMULPS       Y12, Y2, Y2
	VMULPS       Y12, Y3, Y3
	VMULPS       Y12, Y4, Y4
	VMULPS       Y12, Y5, Y5
	VMULPS       Y12, Y6, Y6
	VMULPS       Y12, Y7, Y7
	VMULPS       Y12, Y8, Y8
	VMULPS       Y12, Y9, Y9
	VMULPS       Y12, Y10, Y10
	VMULPS       Y12, Y11, Y11

	// beta == 0 (either sign): overwrite C without reading it.
	MOVL beta+68(FP), AX
	ANDL $0x7fffffff, AX
	JZ   store

	VBROADCASTSS beta+68(FP), Y13
	ROWBETA(Y0, Y1)
	ROWBETA(Y2, Y3)
	ROWBETA(Y4, Y5)
	ROWBETA(Y6, Y7)
	ROWBETA(Y8, Y9)
	ROWBETA(Y10, Y11)
	VZEROUPPER
	RET

store:
	ROWSTORE(Y0, Y1)
	ROWSTORE(Y2, Y3)
	ROWSTORE(Y4, Y5)
	ROWSTORE(Y6, Y7)
	ROWSTORE(Y8, Y9)
	ROWSTORE(Y10, Y11)
	VZEROUPPER
	RET
