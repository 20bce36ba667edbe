package semantic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/tables"
)

// Errors of the --user blend.
var (
	// ErrUnknownUser: the user has no rating in ratings.parquet (the
	// caller's doing).
	ErrUnknownUser = errors.New("unknown user")
	// ErrNoModel: the model file to blend with does not exist yet.
	ErrNoModel = errors.New("model file not found")
)

// RatedMovies returns every movie userID rated, in any split (train,
// validation or test), from a ratings.parquet file: the movies a blended
// search never returns. A user without ratings is an error wrapping
// ErrUnknownUser.
func RatedMovies(ratingsPath string, userID int32) (map[int32]bool, error) {
	rows, err := tables.Read[tables.Rating](ratingsPath)
	if err != nil {
		return nil, err
	}
	rated := map[int32]bool{}
	for _, r := range rows {
		if r.UserID == userID {
			rated[r.MovieID] = true
		}
	}
	if len(rated) == 0 {
		return nil, fmt.Errorf("%w %d: no ratings in %s", ErrUnknownUser, userID, ratingsPath)
	}
	return rated, nil
}

// PersonalScores opens the model file by its kind (pkg/recommend: the
// model package must be linked in, e.g. pkg/bert4rec) and returns its
// score of every movie for userID. A missing file is an error wrapping
// ErrNoModel that says how to build it.
func PersonalScores(modelPath string, paths recommend.Paths, userID int32) (map[int32]float32, error) {
	if err := CheckModel(modelPath); err != nil {
		return nil, err
	}
	kind, err := modelfile.Kind(modelPath)
	if err != nil {
		return nil, err
	}
	rec, err := recommend.Open(kind, modelPath, paths)
	if err != nil {
		return nil, err
	}
	scores, _, err := rec.Scores(recommend.Query{UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("%s model %s: %w", kind, modelPath, err)
	}
	return scores, nil
}

// CheckModel returns an error wrapping ErrNoModel when modelPath does not
// exist, so that a command can say so before reading anything else.
func CheckModel(modelPath string) error {
	if _, err := os.Stat(modelPath); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist; --user needs a trained model: build it with `make models/bert4rec.bin` (or give another with --model)", ErrNoModel, modelPath)
	}
	return nil
}
