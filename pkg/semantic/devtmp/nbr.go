//go:build ignore

package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/moviegenie/pipeline/pkg/semantic"
)

func main() {
	in, err := semantic.ReadInputs("/tmp/semdev/processed", "/tmp/semdev/features")
	if err != nil {
		panic(err)
	}
	for _, b := range os.Args[1:] {
		cfg := semantic.DefaultConfig()
		cfg.CooccurrencePopularityExponent, _ = strconv.ParseFloat(b, 64)
		ix, err := semantic.Build(in, cfg)
		if err != nil {
			panic(err)
		}
		fmt.Println("beta", b)
		for _, id := range []int32{127, 50, 1, 56, 98, 64, 483} {
			m, _ := ix.Movie(id)
			ids, _ := ix.Neighbours(id)
			fmt.Printf("  %s:", m.CleanTitle)
			for _, n := range ids[:10] {
				x, _ := ix.Movie(n)
				fmt.Printf(" %s |", x.CleanTitle)
			}
			fmt.Println()
		}
	}
}
