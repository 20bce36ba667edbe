//go:build ignore

package main

import (
	"fmt"
	"os"

	"github.com/moviegenie/pipeline/pkg/features"
)

func main() {
	in, err := features.ReadInputs(os.Args[1])
	if err != nil {
		panic(err)
	}
	out, err := features.Build(in, features.Config{EmbeddingDim: 512, MaxSequenceLength: 50, Seed: 42, SVDOversampling: 10, SVDPowerIterations: 3, TitleWeight: 1})
	if err != nil {
		panic(err)
	}
	if err := out.Write(os.Args[2]); err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", out.Stats)
}
