package nn

import (
	"fmt"
	"math"
	"testing"
)

// refAttention is a float64 transcription of the attention definition.
func refAttention(qkv []float32, mask []uint8, B, T, C, NH int) []float64 {
	hs := C / NH
	out := make([]float64, B*T*C)
	at := func(b, t, c int) float64 { return float64(qkv[(b*T+t)*3*C+c]) }
	for b := 0; b < B; b++ {
		for h := 0; h < NH; h++ {
			for i := 0; i < T; i++ {
				s := make([]float64, T)
				mx := math.Inf(-1)
				for j := 0; j < T; j++ {
					if mask[b*T+j] == 0 {
						continue
					}
					for c := 0; c < hs; c++ {
						s[j] += at(b, i, h*hs+c) * at(b, j, C+h*hs+c)
					}
					s[j] /= math.Sqrt(float64(hs))
					mx = max(mx, s[j])
				}
				var z float64
				for j := 0; j < T; j++ {
					if mask[b*T+j] != 0 {
						s[j] = math.Exp(s[j] - mx)
						z += s[j]
					}
				}
				for j := 0; j < T; j++ {
					if mask[b*T+j] == 0 {
						continue
					}
					for c := 0; c < hs; c++ {
						out[(b*T+i)*C+h*hs+c] += s[j] / z * at(b, j, 2*C+h*hs+c)
					}
				}
			}
		}
	}
	return out
}

func TestAttention(t *testing.T) {
	const B, T, C, NH = 3, 6, 8, 2
	mask := []uint8{
		1, 1, 1, 1, 1, 1, // full sequence
		0, 1, 1, 0, 1, 0, // padded keys in the middle and at the end
		0, 0, 0, 0, 0, 0, // no real token at all
	}
	defer func(old bool) { attentionSgemm = old }(attentionSgemm)
	for _, useSgemm := range []bool{true, false} {
		t.Run(fmt.Sprintf("sgemm=%v", useSgemm), func(t *testing.T) {
			attentionSgemm = useSgemm
			rng := newRNG(8)
			qkv := randVec(rng, B*T*3*C, 1.5)
			out, att := make([]float32, B*T*C), make([]float32, B*NH*T*T)
			AttentionForward(out, att, qkv, mask, B, T, C, NH)
			if d := maxAbsDiff(out, refAttention(qkv, mask, B, T, C, NH)); !(d <= 1e-5) {
				t.Errorf("forward differs from float64 reference by %.3g", d)
			}
			for b := 0; b < B; b++ {
				for h := 0; h < NH; h++ {
					for i := 0; i < T; i++ {
						for j := 0; j < T; j++ {
							if p := att[((b*NH+h)*T+i)*T+j]; mask[b*T+j] == 0 && p != 0 {
								t.Fatalf("att[%d,%d,%d,%d] = %v for a padded key, want 0", b, h, i, j, p)
							}
						}
					}
				}
			}
			r := randVec(rng, B*T*C, 1)
			dqkv, delta := withGarbage(rng, B*T*3*C)
			AttentionBackward(dqkv, r, qkv, att, mask, B, T, C, NH)
			g := delta()
			checkGrad(t, "attention qkv", qkv, g, func() float64 {
				AttentionForward(out, att, qkv, mask, B, T, C, NH)
				return dot64(r, out)
			})
			for b := 0; b < B; b++ {
				for tt := 0; tt < T; tt++ {
					row := g[(b*T+tt)*3*C : (b*T+tt+1)*3*C]
					if mask[b*T+tt] == 0 {
						for c := C; c < 3*C; c++ { // k and v channels of a padded key
							if row[c] != 0 {
								t.Fatalf("padded key (b %d, t %d): dqkv[%d] = %v, want exactly 0", b, tt, c, row[c])
							}
						}
					}
					if b == 2 {
						for c := 0; c < C; c++ {
							if row[c] != 0 || out[(b*T+tt)*C+c] != 0 {
								t.Fatalf("sequence without real tokens: out %v, dq %v; want exactly 0", out[(b*T+tt)*C+c], row[c])
							}
						}
					}
				}
			}
		})
	}
}

// TestAttentionPathsAgree checks the loop path against the Sgemm path at a
// realistic block size.
func TestAttentionPathsAgree(t *testing.T) {
	const B, T, C, NH = 2, 50, 64, 2
	rng := newRNG(9)
	qkv := randVec(rng, B*T*3*C, 1)
	mask := make([]uint8, B*T)
	for i := range mask {
		mask[i] = uint8(min(1, i%7))
	}
	dout := randVec(rng, B*T*C, 1)
	run := func(useSgemm bool) ([]float32, []float32) {
		defer func(old bool) { attentionSgemm = old }(attentionSgemm)
		attentionSgemm = useSgemm
		out, att, dqkv := make([]float32, B*T*C), make([]float32, B*NH*T*T), make([]float32, B*T*3*C)
		AttentionForward(out, att, qkv, mask, B, T, C, NH)
		AttentionBackward(dqkv, dout, qkv, att, mask, B, T, C, NH)
		return out, dqkv
	}
	o1, d1 := run(true)
	o2, d2 := run(false)
	for i := range o1 {
		if !(math.Abs(float64(o1[i]-o2[i])) <= 1e-5) {
			t.Fatalf("out[%d]: sgemm %v, loops %v", i, o1[i], o2[i])
		}
	}
	for i := range d1 {
		if !(math.Abs(float64(d1[i]-d2[i])) <= 1e-4) {
			t.Fatalf("dqkv[%d]: sgemm %v, loops %v", i, d1[i], d2[i])
		}
	}
}
