package main
import (
 _ "github.com/xitongsys/parquet-go/writer"
 _ "github.com/mattn/go-sqlite3"
 _ "github.com/urfave/cli/v2"
 _ "gonum.org/v1/gonum/mat"
 _ "gonum.org/v1/plot"
 _ "gopkg.in/yaml.v3"
 _ "github.com/apache/arrow-go/v18/parquet/file"
)

import (
 _ "github.com/apache/arrow-go/v18/parquet/pqarrow"
 _ "github.com/apache/arrow-go/v18/arrow/array"
)

func main(){}
