package drive

import (
	"os"
	"path/filepath"
	"strings"
)

// Flag is one Chromium command-line flag: --Name, or --Name=Value. Value
// is true for a flag without a value, as chromedp.Flag takes it.
type Flag struct {
	Name  string
	Value any
}

// ChromiumFlags returns the flags every harness passes to Chromium, read
// from tools/chromium.flags under the repository root: one place for what
// keeps it quiet and on loopback.
func ChromiumFlags(root string) ([]Flag, error) {
	b, err := os.ReadFile(filepath.Join(root, "tools", "chromium.flags"))
	if err != nil {
		return nil, err
	}
	var flags []Flag
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, value, ok := strings.Cut(strings.TrimPrefix(l, "--"), "=")
		if ok {
			flags = append(flags, Flag{name, value})
		} else {
			flags = append(flags, Flag{name, true})
		}
	}
	return flags, nil
}
