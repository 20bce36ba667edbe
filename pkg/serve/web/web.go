// Package web is the application's page, embedded in the binary: plain
// HTML, CSS and JavaScript with no build step and nothing fetched from the
// internet, so it works offline. It talks to the JSON API only.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS returns the page's files, index.html at the root.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return sub
}
