//go:build ignore

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/semantic"
)

func main() {
	t0 := time.Now()
	in, err := semantic.ReadInputs("/tmp/semdev/processed", "/tmp/semdev/features")
	if err != nil {
		panic(err)
	}
	t1 := time.Now()
	ix, err := semantic.Build(in, semantic.DefaultConfig())
	if err != nil {
		panic(err)
	}
	t2 := time.Now()
	if err := ix.Save("/tmp/semdev/semantic.bin"); err != nil {
		panic(err)
	}
	t3 := time.Now()
	ix, err = semantic.Load("/tmp/semdev/semantic.bin")
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "read %v build %v save %v load %v %+v\n", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3), ix.Stats())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		q := sc.Text()
		t := time.Now()
		r, err := ix.Search(q, semantic.DefaultConfig(), semantic.Options{K: 10})
		if err != nil {
			fmt.Println(q, "ERR", err)
			continue
		}
		fmt.Printf("== %q mode=%s genres=%v era=%v like=%v (%v)\n", q, r.Mode, r.Genres, r.Era, r.Like, time.Since(t))
		for i, x := range r.Results {
			fmt.Printf("%2d %5d %-40.40s %d %-36.36s %.3f %v\n", i+1, x.MovieID, x.Title, x.Year, strings.Join(x.Genres, "|"), x.Score, fmtParts(x.Parts))
		}
	}
}

func fmtParts(p map[string]float64) string {
	s := ""
	for _, k := range []string{"lexical", "embedding", "genre", "era", "popularity", "cooccurrence", "content"} {
		if v, ok := p[k]; ok {
			s += fmt.Sprintf("%s=%.2f ", k[:3], v)
		}
	}
	return s
}
