// Package semantic is natural-language movie search: the index that the
// semantic stage builds and the queries it answers.
package semantic
