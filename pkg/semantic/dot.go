package semantic

// dotRows sets out[i] to the inner product of q with row i of the
// row-major matrix m (len(out) rows of len(q) floats). It is the hot loop
// of every search (a query against each movie's text embedding), so it
// runs an AVX2 kernel where the CPU has one (dot_amd64.s). Every path
// adds in the same order, so the same inputs give the same bits on any
// CPU: per row, eight lane sums (lane l adds the rounded products of the
// elements k with k mod 8 = l, in order), then (s0+s4)+(s2+s6) plus
// (s1+s5)+(s3+s7), then the elements past the last multiple of 8 one by
// one. No fused multiply-add: each product is rounded before its sum.
func dotRows(q, m []float32, out []float32) {
	d := len(q)
	if len(out) == 0 {
		return
	}
	m = m[:len(out)*d]
	body := d &^ 7
	if body > 0 {
		dotRowsBody(q[:body], m, d, out)
	} else {
		clear(out)
	}
	if body < d {
		for i := range out {
			s := out[i]
			row := m[i*d : (i+1)*d]
			for k := body; k < d; k++ {
				s += float32(q[k] * row[k])
			}
			out[i] = s
		}
	}
}

// dotRowsGo is the kernel's portable form: out[i] = lane-ordered sum over
// q (len a multiple of 8) and the first len(q) floats of row i, rows
// stride floats apart.
func dotRowsGo(q, m []float32, stride int, out []float32) {
	n := len(q)
	for i := range out {
		row := m[i*stride : i*stride+n]
		var s [8]float32
		for k := 0; k < n; k += 8 {
			a, b := q[k:k+8:k+8], row[k:k+8:k+8]
			s[0] += float32(a[0] * b[0])
			s[1] += float32(a[1] * b[1])
			s[2] += float32(a[2] * b[2])
			s[3] += float32(a[3] * b[3])
			s[4] += float32(a[4] * b[4])
			s[5] += float32(a[5] * b[5])
			s[6] += float32(a[6] * b[6])
			s[7] += float32(a[7] * b[7])
		}
		out[i] = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
	}
}
