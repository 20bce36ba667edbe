package features

import "strings"

// AgeBucket maps an age to the MovieLens 1M age groups (see NumAgeBuckets):
// 0 under 18, 1 18-24, 2 25-34, 3 35-44, 4 45-49, 5 50-55, 6 56 and over.
func AgeBucket(age int32) int32 {
	switch {
	case age < 18:
		return 0
	case age < 25:
		return 1
	case age < 35:
		return 2
	case age < 45:
		return 3
	case age < 50:
		return 4
	case age < 56:
		return 5
	default:
		return 6
	}
}

// ZipRegion maps a zip code to its region (see NumZipRegions): the first
// digit of a US zip code (0 north-east ... 9 west coast), or 10 for a code
// that does not start with a digit (Canadian postal codes such as "L9G2B",
// or an empty code).
func ZipRegion(zip string) int32 {
	z := strings.TrimSpace(zip)
	if z != "" && z[0] >= '0' && z[0] <= '9' {
		return int32(z[0] - '0')
	}
	return NumZipRegions - 1
}

// GenderIdx maps "M" to 0, "F" to 1 and anything else to 2.
func GenderIdx(g string) int32 {
	switch strings.ToUpper(strings.TrimSpace(g)) {
	case "M":
		return 0
	case "F":
		return 1
	}
	return NumGenders - 1
}

// HasDemographics reports whether a user's features come from real
// demographics: a known gender or age. Only ML-100K and ML-1M have them;
// for the other releases (and csv data without a users table) every user
// has gender "other" and age 0, and the models leave demographics out.
func HasDemographics(u UserFeature) bool {
	return u.GenderIdx != NumGenders-1 || u.Age > 0
}
