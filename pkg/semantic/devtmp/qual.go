//go:build ignore

package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/moviegenie/pipeline/pkg/semantic"
)

func main() {
	ix, err := semantic.Load("/tmp/semdev/semantic.bin")
	if err != nil {
		panic(err)
	}
	q, err := semantic.Evaluate(ix, semantic.DefaultConfig())
	if err != nil {
		panic(err)
	}
	b, _ := json.MarshalIndent(q, "", " ")
	os.Stdout.Write(b)
	fmt.Println()
}
