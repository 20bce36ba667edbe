// Package cputime reads the CPU time (user plus system, all threads) this
// process has used. Stage metrics and benchmarks report it beside the wall
// time because, on cores shared with other processes, it measures the work
// done rather than the waiting.
package cputime
