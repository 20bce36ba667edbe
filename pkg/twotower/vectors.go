package twotower

// MovieVector is one row of data/vectors/twotower_movies.parquet.
type MovieVector struct {
	MovieID int32     `parquet:"name=movie_id, type=INT32"`
	Vector  []float32 `parquet:"name=vector, type=LIST, valuetype=FLOAT"`
}

// UserVector is one row of data/vectors/twotower_users.parquet.
type UserVector struct {
	UserID int32     `parquet:"name=user_id, type=INT32"`
	Vector []float32 `parquet:"name=vector, type=LIST, valuetype=FLOAT"`
}

// VectorsNote says what the exported vectors are, for the metrics file.
const VectorsNote = "movie and user vectors are the towers' unit-length outputs (D wide); with item_bias they get one more " +
	"coordinate, τ·bias for a movie and 1 for a user, so that user·movie = τ·score in every case (the model's ranking)"

// ExportVectors turns the towers' outputs (movieVecs [N, D], userVecs
// [U, D], as MovieVectors and UserVectors write them for the known users)
// into the rows of the vectors files: see VectorsNote.
func ExportVectors(m *Model, movieVecs, userVecs []float32) ([]MovieVector, []UserVector) {
	D, N, U := m.Cfg.D(), m.Sizes.Movies, m.Sizes.Users
	bias := m.Bias()
	W := D
	if bias != nil {
		W++
	}
	tau := float32(m.Cfg.Temperature)
	mv := make([]MovieVector, N)
	for n := range mv {
		v := make([]float32, W)
		copy(v, movieVecs[n*D:(n+1)*D])
		if bias != nil {
			v[D] = tau * bias[n]
		}
		mv[n] = MovieVector{MovieID: m.Movies.MovieIDs[n], Vector: v}
	}
	uv := make([]UserVector, U)
	for u := range uv {
		v := make([]float32, W)
		copy(v, userVecs[u*D:(u+1)*D])
		if bias != nil {
			v[D] = 1
		}
		uv[u] = UserVector{UserID: m.Users.UserIDs[u], Vector: v}
	}
	return mv, uv
}
