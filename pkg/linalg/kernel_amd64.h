// Shared by the micro-kernels kernel6x16 (kernel_amd64.s) and
// kernel6x16avx512 (kernel512_amd64.s), whose arguments are
// (k int, a *float32, ars, acs int, b *float32, brs int, c *float32, ldc int, alpha, beta float32).

// KERNEL_ARGS loads them: CX = k, SI = a, DI = b, DX = c; the strides in
// bytes: R9 = ars (rows of A; R10 = 3*R9, R11 = 5*R9), R12 = acs,
// R13 = brs, R8 = ldc. Then BX = k/4 and CX = k%4 for the unrolled loop.
#define KERNEL_ARGS \
	MOVQ k+0(FP), CX;        \
	MOVQ a+8(FP), SI;        \
	MOVQ ars+16(FP), R9;     \
	SHLQ $2, R9;             \
	LEAQ (R9)(R9*2), R10;    \
	LEAQ (R9)(R9*4), R11;    \
	MOVQ acs+24(FP), R12;    \
	SHLQ $2, R12;            \
	MOVQ b+32(FP), DI;       \
	MOVQ brs+40(FP), R13;    \
	SHLQ $2, R13;            \
	MOVQ c+48(FP), DX;       \
	MOVQ ldc+56(FP), R8;     \
	SHLQ $2, R8;             \
	MOVQ CX, BX;             \
	SHRQ $2, BX;             \
	ANDQ $3, CX
