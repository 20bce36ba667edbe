package twotower

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/linalg"
)

// inferState holds the buffers of the inference functions.
type inferState struct {
	ws workspace
	B  int
}

func (m *Model) inferWS() *workspace {
	B := m.Cfg.BatchSize
	if m.infer == nil || m.infer.B != B {
		m.infer = &inferState{B: B}
		m.infer.ws.size(m, B, false)
	}
	return &m.infer.ws
}

// UserVectors runs the user tower (no dropout) on rows and writes the
// unit-length vectors to out [len(rows), D]. It panics if out is too short
// or a row's ids are out of range. Not safe for concurrent use on one
// Model.
func (m *Model) UserVectors(rows []UserRow, out []float32) {
	D, G := m.Cfg.D(), m.Sizes.Genres
	if len(out) < len(rows)*D {
		panic(fmt.Sprintf("twotower: UserVectors: out has %d floats, need %d", len(out), len(rows)*D))
	}
	ws := m.inferWS()
	B := m.infer.B
	for i0 := 0; i0 < len(rows); i0 += B {
		chunk := rows[i0:min(len(rows), i0+B)]
		for k, r := range chunk {
			if len(r.Affinity) != G {
				panic(fmt.Sprintf("twotower: UserVectors: row %d has %d genre affinities, want %d", i0+k, len(r.Affinity), G))
			}
			ws.ub.set(k, G, r)
		}
		m.userForward(&ws.user, &ws.ub, len(chunk), 0, 0)
		copy(out[i0*D:(i0+len(chunk))*D], ws.user.y[:len(chunk)*D])
	}
}

// KnownUserRows returns the tower input of every known user (user_idx
// order); cold replaces the id embedding and the genre affinity as for a
// cold-start user (demographics only).
func (m *Model) KnownUserRows(cold bool) []UserRow {
	mean := m.meanAffinity()
	rows := make([]UserRow, m.Users.Len())
	for i := range rows {
		rows[i] = m.userRow(m.Users, i, cold, mean)
	}
	return rows
}

// meanAffinity is the mean genre affinity of the known users.
func (m *Model) meanAffinity() []float32 {
	if m.meanAff == nil {
		m.meanAff = m.Users.MeanAffinity(m.Sizes.Genres)
	}
	return m.meanAff
}

// MovieVectors runs the movie tower (no dropout) on every movie and writes
// the unit-length vectors to out [N, D] (row n = movie_idx n+1). Not safe
// for concurrent use on one Model.
func (m *Model) MovieVectors(out []float32) {
	D, N := m.Cfg.D(), m.Sizes.Movies
	if len(out) < N*D {
		panic(fmt.Sprintf("twotower: MovieVectors: out has %d floats, need %d", len(out), N*D))
	}
	ws := m.inferWS()
	B := m.infer.B
	for i0 := 0; i0 < N; i0 += B {
		n := min(N, i0+B) - i0
		rows := ws.rows[:n]
		for k := range rows {
			rows[k] = int32(i0 + k)
		}
		m.itemForward(&ws.item, rows, ws.text, 0, 0)
		copy(out[i0*D:(i0+n)*D], ws.item.y[:n*D])
	}
}

// Bias returns the movies' learned biases [N] (nil without Config.ItemBias).
func (m *Model) Bias() []float32 {
	if m.itemBias == nil {
		return nil
	}
	return m.itemBias.W
}

// Score writes the model's scores of every movie for R users:
// out[r*N+n] = u_r·v_n/τ + b_n, from user vectors u [R, D] and movie
// vectors v [N, D] (UserVectors, MovieVectors).
func (m *Model) Score(out, u []float32, R int, v []float32) {
	D, N := m.Cfg.D(), m.Sizes.Movies
	if len(out) < R*N {
		panic(fmt.Sprintf("twotower: Score: out has %d floats, need %d", len(out), R*N))
	}
	if b := m.Bias(); b != nil {
		for r := 0; r < R; r++ {
			copy(out[r*N:(r+1)*N], b)
		}
		linalg.Sgemm(false, true, R, N, D, float32(1/m.Cfg.Temperature), u, D, v, D, 1, out, N)
		return
	}
	linalg.Sgemm(false, true, R, N, D, float32(1/m.Cfg.Temperature), u, D, v, D, 0, out, N)
}
