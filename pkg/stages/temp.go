package stages

import (
	"os"
	"path/filepath"
)

// StaleTemps lists the temporary files and directories that writers of the
// given paths leave when killed (pkg/atomicfile: ".<base>.tmp-*" beside the
// target; pkg/rawdata: ".<dir>.tmp-*" beside the target's directory). Only call RemoveTemps when no build is running in the folder.
func StaleTemps(paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		// The file's own temporary files, and those of its directory
		// when the directory is swapped in whole (pkg/rawdata).
		dir := filepath.Dir(p)
		matches, _ := filepath.Glob(filepath.Join(dir, "."+filepath.Base(p)+".tmp-*"))
		if dir != "." {
			more, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-*"))
			matches = append(matches, more...)
		}
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// RemoveTemps removes what StaleTemps lists and returns what it removed.
func RemoveTemps(paths []string) ([]string, error) {
	var removed []string
	for _, t := range StaleTemps(paths) {
		if err := os.RemoveAll(t); err != nil {
			return removed, err
		}
		removed = append(removed, t)
	}
	return removed, nil
}
