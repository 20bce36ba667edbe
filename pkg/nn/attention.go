package nn

import (
	"fmt"
	"math"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// attentionSgemm selects how the per-(batch, head) products of attention are
// computed: through linalg.Sgemm (true) or with the plain loops below
// (false). Both are tested against each other; the benchmark
// BenchmarkAttention compares them.
var attentionSgemm = true

// AttentionForward is the core of bidirectional multi-head self-attention.
//
// qkv [B, T, 3C] holds the projected queries, keys and values (q|k|v in each
// row); head h uses channels h·hs..(h+1)·hs of each, hs = C/NH. keyMask
// [B, T] is 1 for a real token and 0 for padding: padded keys get zero
// probability, and a query whose sequence has no real key gets an all-zero
// attention row and output. att [B, NH, T, T] receives the probabilities
// softmax(q·kᵀ/sqrt(hs)) for the backward pass; out [B, T, C] receives
// att·v with the heads side by side. Padded query rows are computed like any
// other (the caller ignores them). It panics if NH does not divide C.
func AttentionForward(out, att, qkv []float32, keyMask []uint8, B, T, C, NH int) {
	hs := checkAttention("AttentionForward", qkv, keyMask, B, T, C, NH)
	need("AttentionForward", "out", out, B*T*C)
	need("AttentionForward", "att", att, B*NH*T*T)
	scale := float32(1 / math.Sqrt(float64(hs)))
	C3 := 3 * C
	parallelFor(B*NH, 1, func(lo, hi int) {
		for bh := lo; bh < hi; bh++ {
			b, h := bh/NH, bh%NH
			q := qkv[b*T*C3+h*hs:]
			k := q[C:]
			v := q[2*C:]
			a := att[bh*T*T : (bh+1)*T*T]
			o := out[b*T*C+h*hs:]
			mask := keyMask[b*T : (b+1)*T]
			if attentionSgemm {
				linalg.Sgemm(false, true, T, T, hs, scale, q, C3, k, C3, 0, a, T)
			} else {
				scoresLoop(a, q, k, T, hs, C3, scale)
			}
			anyKey := maskedSoftmaxRows(a, mask, T)
			if !anyKey {
				for t := 0; t < T; t++ {
					clear(o[t*C : t*C+hs])
				}
				continue
			}
			if attentionSgemm {
				linalg.Sgemm(false, false, T, hs, T, 1, a, T, v, C3, 0, o, C)
			} else {
				for t := 0; t < T; t++ {
					clear(o[t*C : t*C+hs])
				}
				mulAddLoop(o, C, a, v, C3, T, hs, 1)
			}
		}
	})
}

// maskedSoftmaxRows replaces each row of the T×T scores a by its softmax over
// the keys j with mask[j] != 0; masked entries become exactly 0. It returns
// false (and zeroes a) if no key is real.
func maskedSoftmaxRows(a []float32, mask []uint8, T int) bool {
	anyKey := false
	for _, m := range mask {
		if m != 0 {
			anyKey = true
			break
		}
	}
	if !anyKey {
		clear(a)
		return false
	}
	for t := 0; t < T; t++ {
		row := a[t*T : (t+1)*T]
		mx := float32(math.Inf(-1))
		for j, s := range row {
			if mask[j] != 0 && s > mx {
				mx = s
			}
		}
		for j := range row {
			row[j] -= mx
		}
		expSlice(row)
		var sum float32
		for j := range row {
			if mask[j] != 0 {
				sum += row[j]
			} else {
				row[j] = 0
			}
		}
		inv := 1 / sum
		for j := range row {
			row[j] *= inv
		}
	}
	return true
}

// AttentionBackward accumulates into dqkv [B, T, 3C] the gradient of
// AttentionForward given dout [B, T, C], the same qkv and keyMask, and the
// saved att. Padded keys receive exactly zero gradient in their k and v
// channels.
func AttentionBackward(dqkv, dout, qkv, att []float32, keyMask []uint8, B, T, C, NH int) {
	hs := checkAttention("AttentionBackward", qkv, keyMask, B, T, C, NH)
	need("AttentionBackward", "dqkv", dqkv, B*T*3*C)
	need("AttentionBackward", "dout", dout, B*T*C)
	need("AttentionBackward", "att", att, B*NH*T*T)
	scale := float32(1 / math.Sqrt(float64(hs)))
	C3 := 3 * C
	parallelFor(B*NH, 1, func(lo, hi int) {
		dap := getScratch(T * T)
		da := *dap
		for bh := lo; bh < hi; bh++ {
			b, h := bh/NH, bh%NH
			off := b*T*C3 + h*hs
			q, k, v := qkv[off:], qkv[off+C:], qkv[off+2*C:]
			dq, dk, dv := dqkv[off:], dqkv[off+C:], dqkv[off+2*C:]
			a := att[bh*T*T : (bh+1)*T*T]
			do := dout[b*T*C+h*hs:]
			// datt = dout·vᵀ ; dv += attᵀ·dout
			if attentionSgemm {
				linalg.Sgemm(false, true, T, T, hs, 1, do, C, v, C3, 0, da, T)
				linalg.Sgemm(true, false, T, hs, T, 1, a, T, do, C, 1, dv, C3)
			} else {
				scoresLoopStrided(da, do, C, v, C3, T, hs, 1)
				mulAddTransLoop(dv, C3, a, do, C, T, hs, 1)
			}
			// softmax backward: dpre = att ⊙ (datt − Σ_j att·datt), in place.
			for t := 0; t < T; t++ {
				ar, dr := a[t*T:(t+1)*T], da[t*T:(t+1)*T]
				var s float32
				for j, p := range ar {
					s += p * dr[j]
				}
				for j, p := range ar {
					dr[j] = p * (dr[j] - s)
				}
			}
			// dq += scale·dpre·k ; dk += scale·dpreᵀ·q
			if attentionSgemm {
				linalg.Sgemm(false, false, T, hs, T, scale, da, T, k, C3, 1, dq, C3)
				linalg.Sgemm(true, false, T, hs, T, scale, da, T, q, C3, 1, dk, C3)
			} else {
				mulAddLoop(dq, C3, da, k, C3, T, hs, scale)
				mulAddTransLoop(dk, C3, da, q, C3, T, hs, scale)
			}
		}
		putScratch(dap)
	})
}

func checkAttention(fn string, qkv []float32, keyMask []uint8, B, T, C, NH int) int {
	if NH <= 0 || C%NH != 0 {
		panic(fmt.Sprintf("nn: %s: NH = %d does not divide C = %d", fn, NH, C))
	}
	need(fn, "qkv", qkv, B*T*3*C)
	if len(keyMask) < B*T {
		panic(fmt.Sprintf("nn: %s: keyMask has length %d, need %d", fn, len(keyMask), B*T))
	}
	return C / NH
}

// scoresLoop sets a[i][j] = scale·q_i·k_j for T×T, rows of q and k strided by ld.
func scoresLoop(a, q, k []float32, T, hs, ld int, scale float32) {
	scoresLoopStrided(a, q, ld, k, ld, T, hs, scale)
}

// scoresLoopStrided sets a[i][j] = scale·x_i·y_j (x rows strided by ldx, y by ldy).
func scoresLoopStrided(a, x []float32, ldx int, y []float32, ldy, T, hs int, scale float32) {
	for i := 0; i < T; i++ {
		xi := x[i*ldx : i*ldx+hs]
		for j := 0; j < T; j++ {
			yj := y[j*ldy : j*ldy+hs]
			var s0, s1, s2, s3 float32
			p := 0
			for ; p+4 <= hs; p += 4 {
				s0 += xi[p] * yj[p]
				s1 += xi[p+1] * yj[p+1]
				s2 += xi[p+2] * yj[p+2]
				s3 += xi[p+3] * yj[p+3]
			}
			for ; p < hs; p++ {
				s0 += xi[p] * yj[p]
			}
			a[i*T+j] = scale * (s0 + s1 + s2 + s3)
		}
	}
}

// mulAddLoop computes dst[i] += alpha·Σ_j a[i][j]·y_j (T×T times T×hs).
func mulAddLoop(dst []float32, ldd int, a, y []float32, ldy, T, hs int, alpha float32) {
	for i := 0; i < T; i++ {
		di := dst[i*ldd : i*ldd+hs]
		for j := 0; j < T; j++ {
			c := alpha * a[i*T+j]
			if c == 0 {
				continue
			}
			yj := y[j*ldy : j*ldy+hs]
			for p, v := range yj {
				di[p] += c * v
			}
		}
	}
}

// mulAddTransLoop computes dst[j] += alpha·Σ_i a[i][j]·y_i (aᵀ times y).
func mulAddTransLoop(dst []float32, ldd int, a, y []float32, ldy, T, hs int, alpha float32) {
	for i := 0; i < T; i++ {
		yi := y[i*ldy : i*ldy+hs]
		for j := 0; j < T; j++ {
			c := alpha * a[i*T+j]
			if c == 0 {
				continue
			}
			dj := dst[j*ldd : j*ldd+hs]
			for p, v := range yi {
				dj[p] += c * v
			}
		}
	}
}
