package rawusers

import (
	"fmt"
	"os"

	"github.com/moviegenie/pipeline/pkg/movielens"
)

// MaxID returns the largest user id in the raw folder dir of the named
// dataset (params data_processing.dataset). It reads the whole ratings
// file: a second for ML-1M, some seconds for the 25M-rating releases.
func MaxID(dir, dataset string) (int32, error) {
	f, err := movielens.Lookup(dataset)
	if err != nil {
		return 0, err
	}
	src, err := movielens.NewSource(dir, f)
	if err != nil {
		return 0, fmt.Errorf("raw data of %s: %w", dataset, err)
	}
	var top int32
	if src.Users != "" {
		meta, err := src.LoadMeta()
		if err != nil {
			return 0, err
		}
		for _, u := range meta.Users {
			top = max(top, u.UserID)
		}
	}
	r, err := os.Open(src.Ratings)
	if err != nil {
		return 0, fmt.Errorf("raw data of %s: %w", dataset, err)
	}
	defer r.Close()
	err = movielens.ScanRatings(src.Ratings, r, f, func(_ int, row movielens.RatingRow) error {
		top = max(top, row.User)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return top, nil
}
