package atomicfile

import (
	"fmt"
	"io"
	"os"
)

// Copy copies src to dst the way every output is written: through a
// temporary file renamed into place, so a reader of dst (a server that
// hot-reloads it, say) sees the old file or the whole new one.
func Copy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	}); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}
