package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/moviegenie/pipeline/pkg/recommend"
	"github.com/moviegenie/pipeline/pkg/twotower"
)

// Two-Tower: importing the package registers the "twotower" kind with
// pkg/recommend. Besides --user and --history it serves a cold-start user
// given by demographics only (--age, --gender, --occupation, --zip; any
// subset, a demographic left out gets the average over the known users),
// and demographics may accompany --history.
var (
	ageFlag        = &cli.IntFlag{Name: "age", Usage: "cold start (twotower): the user's `AGE` in years"}
	genderFlag     = &cli.StringFlag{Name: "gender", Usage: "cold start (twotower): `M` or F"}
	occupationFlag = &cli.StringFlag{Name: "occupation", Usage: "cold start (twotower): a MovieLens `OCCUPATION` (u.occupation), e.g. writer"}
	zipFlag        = &cli.StringFlag{Name: "zip", Usage: "cold start (twotower): the user's `ZIP` code (optional)"}
)

func init() {
	extensions = append(extensions, extension{
		flags: []cli.Flag{ageFlag, genderFlag, occupationFlag, zipFlag},
		fill:  fillDemographics,
		form:  "--age/--gender/--occupation[/--zip] (twotower)",
		usageErrors: []error{twotower.ErrUnknownUser, twotower.ErrUnknownMovie, twotower.ErrUnknownGender,
			twotower.ErrUnknownOccupation, twotower.ErrBadAge, twotower.ErrBadQuery, twotower.ErrBadK, twotower.ErrNoDemographics},
	})
}

// fillDemographics copies the demographic flags into the query. The age
// is checked here; gender and occupation by the model, which knows its
// vocabulary.
func fillDemographics(c *cli.Context, q *recommend.Query) (bool, error) {
	given := false
	if c.IsSet(ageFlag.Name) {
		q.Age, given = c.Int(ageFlag.Name), true
		if q.Age < 1 || q.Age > 120 {
			return false, fmt.Errorf("--age %d: want an age in years, 1..120", q.Age)
		}
	}
	if c.IsSet(genderFlag.Name) {
		q.Gender, given = c.String(genderFlag.Name), true
	}
	if c.IsSet(occupationFlag.Name) {
		q.Occupation, given = c.String(occupationFlag.Name), true
	}
	if c.IsSet(zipFlag.Name) {
		q.ZipCode, given = c.String(zipFlag.Name), true
	}
	return given, nil
}
