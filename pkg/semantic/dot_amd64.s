//go:build amd64 && !purego

#include "textflag.h"

// REDUCE leaves in the low float of X(acc) the sum of its eight lanes in
// dotRows' order: t = lo + hi (lane i + lane i+4), u = t[0:2] + t[2:4],
// then u0 + u1. X(tmp) is clobbered.
#define REDUCE(acc, xacc, xtmp) \
	VEXTRACTF128 $1, acc, xtmp; \
	VADDPS       xtmp, xacc, xacc; \
	VMOVHLPS     xacc, xacc, xtmp; \
	VADDPS       xtmp, xacc, xacc; \
	VMOVSHDUP    xacc, xtmp; \
	VADDSS       xtmp, xacc, xacc

// func dot4AVX2(q, m *float32, n, stride int, out *float32)
TEXT ·dot4AVX2(SB), NOSPLIT, $0-40
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ stride+24(FP), DX
	MOVQ out+32(FP), R8
	SHLQ $2, CX               // bytes
	SHLQ $2, DX
	LEAQ (DI)(DX*1), R9       // row 1
	LEAQ (R9)(DX*1), R10      // row 2
	LEAQ (R10)(DX*1), R11     // row 3
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ AX, AX
loop4:
	VMOVUPS (SI)(AX*1), Y4
	VMULPS  (DI)(AX*1), Y4, Y5
	VADDPS  Y5, Y0, Y0
	VMULPS  (R9)(AX*1), Y4, Y6
	VADDPS  Y6, Y1, Y1
	VMULPS  (R10)(AX*1), Y4, Y7
	VADDPS  Y7, Y2, Y2
	VMULPS  (R11)(AX*1), Y4, Y8
	VADDPS  Y8, Y3, Y3
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  loop4
	REDUCE(Y0, X0, X4)
	REDUCE(Y1, X1, X5)
	REDUCE(Y2, X2, X6)
	REDUCE(Y3, X3, X7)
	VMOVSS X0, (R8)
	VMOVSS X1, 4(R8)
	VMOVSS X2, 8(R8)
	VMOVSS X3, 12(R8)
	VZEROUPPER
	RET

// func dot1AVX2(q, m *float32, n int, out *float32)
TEXT ·dot1AVX2(SB), NOSPLIT, $0-32
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ out+24(FP), R8
	SHLQ $2, CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
loop1:
	VMOVUPS (SI)(AX*1), Y4
	VMULPS  (DI)(AX*1), Y4, Y5
	VADDPS  Y5, Y0, Y0
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  loop1
	REDUCE(Y0, X0, X4)
	VMOVSS X0, (R8)
	VZEROUPPER
	RET
