package twotower

import "fmt"

// Users are the user-side inputs of the model, by user_idx (0..U-1).
type Users struct {
	UserIDs    []int32 // MovieLens user id of each user_idx
	Gender     []int32 // gender_idx
	AgeBucket  []int32 // age_bucket
	Occupation []int32 // occupation_idx
	ZipRegion  []int32 // zip_region_idx
	// Affinity is [U, G]: the share of the user's train+validation
	// interactions in each genre (user_features.parquet genre_affinity).
	Affinity []float32
}

// Len is U.
func (u *Users) Len() int { return len(u.UserIDs) }

// Check reports an input that does not fit sz (lengths, category ranges,
// finite affinities).
func (u *Users) Check(sz Sizes) error {
	U, G := len(u.UserIDs), sz.Genres
	if U != sz.Users {
		return fmt.Errorf("users: %d, want %d", U, sz.Users)
	}
	for _, c := range []struct {
		name string
		v    []int32
		n    int
	}{{"gender_idx", u.Gender, sz.Genders}, {"age_bucket", u.AgeBucket, sz.AgeBuckets},
		{"occupation_idx", u.Occupation, sz.Occupations}, {"zip_region_idx", u.ZipRegion, sz.ZipRegions}} {
		if len(c.v) != U {
			return fmt.Errorf("users: %d %s values for %d users", len(c.v), c.name, U)
		}
		if sz.NoDemographics { // kept in the file, never read
			continue
		}
		for i, x := range c.v {
			if x < 0 || int(x) >= c.n {
				return fmt.Errorf("user %d (user_idx %d): %s = %d outside 0..%d", u.UserIDs[i], i, c.name, x, c.n-1)
			}
		}
	}
	if len(u.Affinity) != U*G {
		return fmt.Errorf("users: %d genre-affinity values, want %d users × %d genres", len(u.Affinity), U, G)
	}
	for i, x := range u.Affinity {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("user %d (user_idx %d): genre affinity %v outside [0, 1]", u.UserIDs[i/G], i/G, x)
		}
	}
	return nil
}

// MeanAffinity is the mean genre affinity over all users [G]: what a
// cold-start user, whose history is unknown, is shown.
func (u *Users) MeanAffinity(G int) []float32 {
	out := make([]float32, G)
	U := u.Len()
	if U == 0 {
		return out
	}
	sum := make([]float64, G)
	for i := 0; i < U; i++ {
		for g, x := range u.Affinity[i*G : (i+1)*G] {
			sum[g] += float64(x)
		}
	}
	for g := range out {
		out[g] = float32(sum[g] / float64(U))
	}
	return out
}

// Shares returns the share of each category 0..n-1 among vals.
func Shares(vals []int32, n int) []float32 {
	out := make([]float32, n)
	for _, v := range vals {
		out[v]++
	}
	for i := range out {
		out[i] /= float32(max(1, len(vals)))
	}
	return out
}

// Movies are the movie-side inputs of the model, by movie_idx-1 (0..N-1).
type Movies struct {
	MovieIDs []int32   // MovieLens movie id of movie_idx n+1
	Genres   []float32 // [N, G] multi-hot
	Decade   []int32   // decade_idx
	Text     []float32 // [N, T] text embedding
}

// Len is N.
func (mv *Movies) Len() int { return len(mv.MovieIDs) }

// Check reports an input that does not fit sz.
func (mv *Movies) Check(sz Sizes) error {
	N, G, T := len(mv.MovieIDs), sz.Genres, sz.TextWidth
	if N != sz.Movies {
		return fmt.Errorf("movies: %d, want %d", N, sz.Movies)
	}
	if len(mv.Genres) != N*G {
		return fmt.Errorf("movies: %d genre values, want %d movies × %d genres", len(mv.Genres), N, G)
	}
	for i, x := range mv.Genres {
		if x != 0 && x != 1 {
			return fmt.Errorf("movie %d: genre multi-hot value %v, want 0 or 1", mv.MovieIDs[i/G], x)
		}
	}
	if len(mv.Decade) != N {
		return fmt.Errorf("movies: %d decade values for %d movies", len(mv.Decade), N)
	}
	for i, d := range mv.Decade {
		if d < 0 || int(d) >= sz.Decades {
			return fmt.Errorf("movie %d: decade_idx %d outside 0..%d", mv.MovieIDs[i], d, sz.Decades-1)
		}
	}
	if len(mv.Text) != N*T {
		return fmt.Errorf("movies: %d text-embedding values, want %d movies × %d", len(mv.Text), N, T)
	}
	for i, x := range mv.Text {
		if x != x || x > 1e30 || x < -1e30 {
			return fmt.Errorf("movie %d: text embedding value %v is not finite", mv.MovieIDs[i/T], x)
		}
	}
	return nil
}

// UserRow is one row of the user tower's input: the id row (a user_idx,
// or Model.UnknownUser for a cold-start user), the categorical features
// (ZipRegion < 0: no zip code given) and the genre affinity [G].
type UserRow struct {
	ID, Gender, AgeBucket, Occupation, ZipRegion int32
	Affinity                                     []float32
}

// userBatch is the user tower's input for B rows.
type userBatch struct {
	id, gender, age, occ, zip []int32
	aff                       []float32 // [B, G]
}

func (b *userBatch) reset(B, G int) {
	b.id, b.gender, b.age, b.occ, b.zip = grow32(b.id, B), grow32(b.gender, B), grow32(b.age, B), grow32(b.occ, B), grow32(b.zip, B)
	b.aff = growF(b.aff, B*G)
}

func (b *userBatch) set(i, G int, r UserRow) {
	b.id[i], b.gender[i], b.age[i], b.occ[i], b.zip[i] = r.ID, r.Gender, r.AgeBucket, r.Occupation, r.ZipRegion
	copy(b.aff[i*G:(i+1)*G], r.Affinity)
}

// userRow returns user_idx i's input row; cold replaces the id with the
// unknown user and the affinity with meanAff.
func (m *Model) userRow(us *Users, i int, cold bool, meanAff []float32) UserRow {
	G := m.Sizes.Genres
	r := UserRow{ID: int32(i), Gender: us.Gender[i], AgeBucket: us.AgeBucket[i], Occupation: us.Occupation[i],
		ZipRegion: us.ZipRegion[i], Affinity: us.Affinity[i*G : (i+1)*G]}
	if cold {
		r.ID, r.Affinity = m.UnknownUser(), meanAff
	}
	return r
}

func grow32(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

func growF(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func growU8(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n)
	}
	return b[:n]
}
