package main

import (
	"os"
	"testing"

	"github.com/moviegenie/pipeline/pkg/process/processtest"
)

func writeRaw(t *testing.T, override map[string]string) string {
	return processtest.WriteRaw(t, override)
}

func TestMain(m *testing.M) { os.Exit(bin.Run(m)) }
