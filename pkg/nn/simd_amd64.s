//go:build amd64 && !purego

#include "textflag.h"

// Constants, each repeated in all 8 lanes of a ymm register.
DATA expHi<>+0(SB)/4, $0x42b00000
DATA expHi<>+4(SB)/4, $0x42b00000
DATA expHi<>+8(SB)/4, $0x42b00000
DATA expHi<>+12(SB)/4, $0x42b00000
DATA expHi<>+16(SB)/4, $0x42b00000
DATA expHi<>+20(SB)/4, $0x42b00000
DATA expHi<>+24(SB)/4, $0x42b00000
DATA expHi<>+28(SB)/4, $0x42b00000
GLOBL expHi<>(SB), RODATA|NOPTR, $32

DATA expLo<>+0(SB)/4, $0xc2aeac4f
DATA expLo<>+4(SB)/4, $0xc2aeac4f
DATA expLo<>+8(SB)/4, $0xc2aeac4f
DATA expLo<>+12(SB)/4, $0xc2aeac4f
DATA expLo<>+16(SB)/4, $0xc2aeac4f
DATA expLo<>+20(SB)/4, $0xc2aeac4f
DATA expLo<>+24(SB)/4, $0xc2aeac4f
DATA expLo<>+28(SB)/4, $0xc2aeac4f
GLOBL expLo<>(SB), RODATA|NOPTR, $32

DATA log2e<>+0(SB)/4, $0x3fb8aa3b
DATA log2e<>+4(SB)/4, $0x3fb8aa3b
DATA log2e<>+8(SB)/4, $0x3fb8aa3b
DATA log2e<>+12(SB)/4, $0x3fb8aa3b
DATA log2e<>+16(SB)/4, $0x3fb8aa3b
DATA log2e<>+20(SB)/4, $0x3fb8aa3b
DATA log2e<>+24(SB)/4, $0x3fb8aa3b
DATA log2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL log2e<>(SB), RODATA|NOPTR, $32

DATA ln2hi<>+0(SB)/4, $0x3f317200
DATA ln2hi<>+4(SB)/4, $0x3f317200
DATA ln2hi<>+8(SB)/4, $0x3f317200
DATA ln2hi<>+12(SB)/4, $0x3f317200
DATA ln2hi<>+16(SB)/4, $0x3f317200
DATA ln2hi<>+20(SB)/4, $0x3f317200
DATA ln2hi<>+24(SB)/4, $0x3f317200
DATA ln2hi<>+28(SB)/4, $0x3f317200
GLOBL ln2hi<>(SB), RODATA|NOPTR, $32

DATA ln2lo<>+0(SB)/4, $0x35bfbe8e
DATA ln2lo<>+4(SB)/4, $0x35bfbe8e
DATA ln2lo<>+8(SB)/4, $0x35bfbe8e
DATA ln2lo<>+12(SB)/4, $0x35bfbe8e
DATA ln2lo<>+16(SB)/4, $0x35bfbe8e
DATA ln2lo<>+20(SB)/4, $0x35bfbe8e
DATA ln2lo<>+24(SB)/4, $0x35bfbe8e
DATA ln2lo<>+28(SB)/4, $0x35bfbe8e
GLOBL ln2lo<>(SB), RODATA|NOPTR, $32

DATA one<>+0(SB)/4, $0x3f800000
DATA one<>+4(SB)/4, $0x3f800000
DATA one<>+8(SB)/4, $0x3f800000
DATA one<>+12(SB)/4, $0x3f800000
DATA one<>+16(SB)/4, $0x3f800000
DATA one<>+20(SB)/4, $0x3f800000
DATA one<>+24(SB)/4, $0x3f800000
DATA one<>+28(SB)/4, $0x3f800000
GLOBL one<>(SB), RODATA|NOPTR, $32

DATA half<>+0(SB)/4, $0x3f000000
DATA half<>+4(SB)/4, $0x3f000000
DATA half<>+8(SB)/4, $0x3f000000
DATA half<>+12(SB)/4, $0x3f000000
DATA half<>+16(SB)/4, $0x3f000000
DATA half<>+20(SB)/4, $0x3f000000
DATA half<>+24(SB)/4, $0x3f000000
DATA half<>+28(SB)/4, $0x3f000000
GLOBL half<>(SB), RODATA|NOPTR, $32

DATA c3<>+0(SB)/4, $0x3e2aaaab
DATA c3<>+4(SB)/4, $0x3e2aaaab
DATA c3<>+8(SB)/4, $0x3e2aaaab
DATA c3<>+12(SB)/4, $0x3e2aaaab
DATA c3<>+16(SB)/4, $0x3e2aaaab
DATA c3<>+20(SB)/4, $0x3e2aaaab
DATA c3<>+24(SB)/4, $0x3e2aaaab
DATA c3<>+28(SB)/4, $0x3e2aaaab
GLOBL c3<>(SB), RODATA|NOPTR, $32

DATA c4<>+0(SB)/4, $0x3d2aaaab
DATA c4<>+4(SB)/4, $0x3d2aaaab
DATA c4<>+8(SB)/4, $0x3d2aaaab
DATA c4<>+12(SB)/4, $0x3d2aaaab
DATA c4<>+16(SB)/4, $0x3d2aaaab
DATA c4<>+20(SB)/4, $0x3d2aaaab
DATA c4<>+24(SB)/4, $0x3d2aaaab
DATA c4<>+28(SB)/4, $0x3d2aaaab
GLOBL c4<>(SB), RODATA|NOPTR, $32

DATA c5<>+0(SB)/4, $0x3c088889
DATA c5<>+4(SB)/4, $0x3c088889
DATA c5<>+8(SB)/4, $0x3c088889
DATA c5<>+12(SB)/4, $0x3c088889
DATA c5<>+16(SB)/4, $0x3c088889
DATA c5<>+20(SB)/4, $0x3c088889
DATA c5<>+24(SB)/4, $0x3c088889
DATA c5<>+28(SB)/4, $0x3c088889
GLOBL c5<>(SB), RODATA|NOPTR, $32

DATA c6<>+0(SB)/4, $0x3ab60b61
DATA c6<>+4(SB)/4, $0x3ab60b61
DATA c6<>+8(SB)/4, $0x3ab60b61
DATA c6<>+12(SB)/4, $0x3ab60b61
DATA c6<>+16(SB)/4, $0x3ab60b61
DATA c6<>+20(SB)/4, $0x3ab60b61
DATA c6<>+24(SB)/4, $0x3ab60b61
DATA c6<>+28(SB)/4, $0x3ab60b61
GLOBL c6<>(SB), RODATA|NOPTR, $32

DATA c7<>+0(SB)/4, $0x39500d01
DATA c7<>+4(SB)/4, $0x39500d01
DATA c7<>+8(SB)/4, $0x39500d01
DATA c7<>+12(SB)/4, $0x39500d01
DATA c7<>+16(SB)/4, $0x39500d01
DATA c7<>+20(SB)/4, $0x39500d01
DATA c7<>+24(SB)/4, $0x39500d01
DATA c7<>+28(SB)/4, $0x39500d01
GLOBL c7<>(SB), RODATA|NOPTR, $32

DATA gelu2s<>+0(SB)/4, $0x3fcc422a
DATA gelu2s<>+4(SB)/4, $0x3fcc422a
DATA gelu2s<>+8(SB)/4, $0x3fcc422a
DATA gelu2s<>+12(SB)/4, $0x3fcc422a
DATA gelu2s<>+16(SB)/4, $0x3fcc422a
DATA gelu2s<>+20(SB)/4, $0x3fcc422a
DATA gelu2s<>+24(SB)/4, $0x3fcc422a
DATA gelu2s<>+28(SB)/4, $0x3fcc422a
GLOBL gelu2s<>(SB), RODATA|NOPTR, $32

DATA gelu2sc<>+0(SB)/4, $0x3d922279
DATA gelu2sc<>+4(SB)/4, $0x3d922279
DATA gelu2sc<>+8(SB)/4, $0x3d922279
DATA gelu2sc<>+12(SB)/4, $0x3d922279
DATA gelu2sc<>+16(SB)/4, $0x3d922279
DATA gelu2sc<>+20(SB)/4, $0x3d922279
DATA gelu2sc<>+24(SB)/4, $0x3d922279
DATA gelu2sc<>+28(SB)/4, $0x3d922279
GLOBL gelu2sc<>(SB), RODATA|NOPTR, $32

DATA geluS<>+0(SB)/4, $0x3f4c422a
DATA geluS<>+4(SB)/4, $0x3f4c422a
DATA geluS<>+8(SB)/4, $0x3f4c422a
DATA geluS<>+12(SB)/4, $0x3f4c422a
DATA geluS<>+16(SB)/4, $0x3f4c422a
DATA geluS<>+20(SB)/4, $0x3f4c422a
DATA geluS<>+24(SB)/4, $0x3f4c422a
DATA geluS<>+28(SB)/4, $0x3f4c422a
GLOBL geluS<>(SB), RODATA|NOPTR, $32

DATA gelu3cs<>+0(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+4(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+8(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+12(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+16(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+20(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+24(SB)/4, $0x3ddb33b6
DATA gelu3cs<>+28(SB)/4, $0x3ddb33b6
GLOBL gelu3cs<>(SB), RODATA|NOPTR, $32

DATA i127<>+0(SB)/4, $127
DATA i127<>+4(SB)/4, $127
DATA i127<>+8(SB)/4, $127
DATA i127<>+12(SB)/4, $127
DATA i127<>+16(SB)/4, $127
DATA i127<>+20(SB)/4, $127
DATA i127<>+24(SB)/4, $127
DATA i127<>+28(SB)/4, $127
GLOBL i127<>(SB), RODATA|NOPTR, $32

// LOADEXP loads the constants EXP keeps in registers.
#define LOADEXP \
	VMOVUPS expHi<>(SB), Y15; \
	VMOVUPS expLo<>(SB), Y14; \
	VMOVUPS log2e<>(SB), Y13; \
	VMOVUPS ln2hi<>(SB), Y12; \
	VMOVUPS ln2lo<>(SB), Y11; \
	VMOVUPS one<>(SB), Y10;   \
	VMOVUPS half<>(SB), Y9

// EXP(X, T1, T2) sets X = e^X lane-wise, the same method as expSliceGo:
// clamp to [lo, hi] (NaN passes through: the NaN operand is the second
// source of MAXPS/MINPS), k = round(x·log2e), r = x − k·ln2 (two parts),
// p = Taylor polynomial of degree 7 (Horner with FMA), result p·2^k.
#define EXP(X, T1, T2) \
	VMAXPS       X, Y14, X;         \
	VMINPS       X, Y15, X;         \
	VMULPS       Y13, X, T1;        \
	VCVTPS2DQ    T1, T1;            \
	VCVTDQ2PS    T1, T2;            \
	VFNMADD231PS Y12, T2, X;        \
	VFNMADD231PS Y11, T2, X;        \
	VMOVUPS      c7<>(SB), T2;      \
	VFMADD213PS  c6<>(SB), X, T2;   \
	VFMADD213PS  c5<>(SB), X, T2;   \
	VFMADD213PS  c4<>(SB), X, T2;   \
	VFMADD213PS  c3<>(SB), X, T2;   \
	VFMADD213PS  Y9, X, T2;         \
	VFMADD213PS  Y10, X, T2;        \
	VFMADD213PS  Y10, X, T2;        \
	VPADDD       i127<>(SB), T1, T1; \
	VPSLLD       $23, T1, T1;       \
	VMULPS       T1, T2, X

// func expAVX2(x *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   expdone
	LOADEXP

exploop:
	VMOVUPS (DI), Y0
	EXP(Y0, Y1, Y2)
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     exploop

expdone:
	VZEROUPPER
	RET

// GELU pre-activation into Y0 from x in Y4: Y0 = 2y = x·(2s + 2sc·x²),
// leaving x² in Y5. Needs Y8 = 2sc.
#define GELU2Y \
	VMULPS      Y4, Y4, Y5;            \
	VMOVAPS     Y5, Y0;                \
	VFMADD213PS gelu2s<>(SB), Y8, Y0;  \
	VMULPS      Y4, Y0, Y0

// func geluFwdAVX2(out, in *float32, n int)
TEXT ·geluFwdAVX2(SB), NOSPLIT, $0-24
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   gfdone
	LOADEXP
	VMOVUPS gelu2sc<>(SB), Y8

gfloop:
	VMOVUPS (SI), Y4
	GELU2Y
	EXP(Y0, Y1, Y2)
	VADDPS  Y10, Y0, Y1  // e+1
	VDIVPS  Y1, Y0, Y0   // σ = e/(e+1)
	VMULPS  Y4, Y0, Y0   // x·σ
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     gfloop

gfdone:
	VZEROUPPER
	RET

// func geluBwdAVX2(din, in, dout *float32, n int)
TEXT ·geluBwdAVX2(SB), NOSPLIT, $0-32
	MOVQ din+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ dout+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ   gbdone
	LOADEXP
	VMOVUPS gelu2sc<>(SB), Y8
	VMOVUPS gelu3cs<>(SB), Y7

gbloop:
	VMOVUPS     (SI), Y4
	GELU2Y
	EXP(Y0, Y1, Y2)
	VADDPS      Y10, Y0, Y1         // e+1
	VDIVPS      Y1, Y0, Y0          // σ
	VFMADD213PS geluS<>(SB), Y7, Y5 // a = s + 3cs·x²
	VSUBPS      Y0, Y10, Y1         // 1−σ
	VMULPS      Y0, Y1, Y1          // σ(1−σ)
	VMULPS      Y4, Y1, Y1          // ·x
	VMULPS      Y5, Y1, Y1          // ·a
	VADDPS      Y1, Y1, Y1          // ·2
	VADDPS      Y0, Y1, Y1          // GELU'(x) = σ + 2x·σ(1−σ)·a
	VMOVUPS     (DX), Y2
	VMOVUPS     (DI), Y3
	VFMADD231PS Y2, Y1, Y3          // din += GELU'(x)·dout
	VMOVUPS     Y3, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, DI
	DECQ        CX
	JNZ         gbloop

gbdone:
	VZEROUPPER
	RET
