// Package nn is the hand-written neural-network core the BERT4Rec and
// Two-Tower trainers run on: layers with explicit forward and backward
// passes, parameters in one flat buffer, AdamW, gradient clipping and a
// learning-rate schedule. There is no autograd: a model calls the forward
// functions in order and the backward functions in reverse order.
//
// # Conventions
//
// In the style of karpathy/llm.c: float32, row-major, shapes passed as plain
// ints, outputs first. The letters are
//
//	N  = rows (B*T)            B  = batch          T = time (sequence length)
//	C  = channels              OC = output channels
//	NH = attention heads       V  = vocabulary (items)    D = vector width
//
// and a shape [B, T, C] means a slice of B*T*C values, C varying fastest.
//
// Forward functions OVERWRITE their outputs (out, and the saved statistics
// such as mean, rstd, att, norm, mask). Backward functions ACCUMULATE (+=)
// into their gradient buffers, so a tensor used twice (a residual, the tied
// embedding and output matrix) simply receives both contributions; a nil
// gradient buffer means "not needed" and is skipped. Params.ZeroGrad clears
// all parameter gradients before a step; activation-gradient buffers are
// the caller's to clear.
//
// Buffers may be longer than a call needs; only the leading part is used. A
// buffer that is too short, an id or target out of range, or a head count
// that does not divide C is a programming error and panics with a message
// prefixed "nn: ". Data-dependent failures (Params.Load) return errors.
//
// # Speed
//
// Matrix products go through linalg.Sgemm: linear layers, the per-(batch,
// head) 50×32×50 products of attention (measured faster than plain loops,
// which stay in attention.go as the reference the tests compare against),
// and the logits and gradients of SoftmaxCrossEntropy, which works on
// chunks of rows so its memory stays bounded. Element-wise work (layer norm,
// GELU, softmax rows, attention blocks, AdamW, clipping) is split over
// goroutines with parallelFor when it is large enough to pay for them and
// runs serially when small. The exponential in softmax and GELU is a
// float32 polynomial (expSlice), with AVX2+FMA assembly on amd64
// (simd_amd64.s; build tag purego or a CPU without AVX2 selects the Go
// loops).
//
// Results do not depend on GOMAXPROCS: every output element is computed by
// one goroutine in a fixed order, partial sums across rows are kept per
// fixed block of rows (not per worker) and reduced in block order, and
// dropout draws come from a counter-based generator keyed by (seed,
// element index). TestBlockParallel checks it on
// a whole transformer block.
//
// # Correctness
//
// Every backward pass is checked against central finite differences of its
// forward pass (helpers_test.go explains the step and tolerance), every
// forward pass against a float64 transcription of its definition, and a
// tiny whole model (embedding, layer norm, attention block, GELU
// feed-forward, tied softmax cross-entropy) has each parameter gradient
// checked the same way, with exact zeros required for padding.
//
// The initialisers take a *rand.Rand from math/rand/v2.
package nn
