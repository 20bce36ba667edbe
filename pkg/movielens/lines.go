package movielens

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LineError is a problem on one line of an input file. Line is 1-based; 0
// means the problem concerns the whole file (an empty file, say).
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func lineErr(file string, line int, format string, args ...any) error {
	return &LineError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// eachLine calls fn for every non-blank line of text with its 1-based
// number, without the line terminator ("\n" or "\r\n"). Blank lines are
// accepted only at the end of the file; a file without any non-blank line
// is an error, and so is a last line without a newline (the usual mark of
// a truncated file: MovieLens files end with one).
func eachLine(file, text string, fn func(n int, line string) error) error {
	n, blank, seen := 0, 0, false
	for len(text) > 0 {
		n++
		var line string
		terminated := true
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text, terminated = text, "", false
		}
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			if blank == 0 {
				blank = n
			}
			continue
		}
		if blank != 0 {
			return lineErr(file, blank, "blank line inside the file")
		}
		seen = true
		if !terminated {
			return lineErr(file, n, "last line %q has no newline at its end (truncated file?)", clip(line))
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if !seen {
		return lineErr(file, 0, "empty file")
	}
	return nil
}

// splitFields splits line at sep into exactly want fields, or reports the
// count it found (with a hint when another delimiter looks likely).
func splitFields(file string, n int, line string, sep byte, sepName string, want int, names string) ([]string, error) {
	got := strings.Count(line, string(sep)) + 1
	if got != want {
		hint := ""
		for _, d := range []struct {
			c    string
			name string
		}{{",", "commas"}, {";", "semicolons"}, {"\t", "tabs"}, {"|", "pipes"}} {
			if d.c != string(sep) && strings.Count(line, d.c) >= want-1 {
				hint = fmt.Sprintf(" (separated by %s?)", d.name)
				break
			}
		}
		return nil, lineErr(file, n, "want %d %s-separated fields (%s), got %d%s", want, sepName, names, got, hint)
	}
	return strings.Split(line, string(sep)), nil
}

// parseID parses a positive int32 identifier.
func parseID(file string, n int, what, s string) (int32, error) {
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, lineErr(file, n, "%s %q: not an integer", what, clip(s))
	}
	if v <= 0 {
		return 0, lineErr(file, n, "%s %d: want a positive integer", what, v)
	}
	return int32(v), nil
}

// checkText rejects text that is not valid UTF-8 (files other than u.item
// are plain ASCII in MovieLens) or that holds control characters.
func checkText(file string, n int, line string) error {
	if !utf8.ValidString(line) {
		return lineErr(file, n, "not valid UTF-8 text (garbled line?)")
	}
	for _, r := range line {
		if r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 {
			return lineErr(file, n, "control character %U in line (garbled line?)", r)
		}
	}
	return nil
}

// clip shortens s for a message.
func clip(s string) string {
	const limit = 40
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
