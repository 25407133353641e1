package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The download size of this library's js/wasm builds: raw, gzip -9 and
// brotli -q 11 (what a server sends compressed), for the size table of
// BENCHMARKS.md. make bench measures it after the benchmarks; `bench
// sizes` measures it alone and rewrites only that section.

// sizeBuild is one wasm of the table: a package built in dir with tags.
type sizeBuild struct {
	name, dir, pkg, tags string
}

var sizeBuilds = []sizeBuild{
	{"empty program (`println` only: the Go runtime; bench/wasmsize/hello)", ".", "./wasmsize/hello", ""},
	{"minimal program (Connect, Send, Disconnect; bench/wasmsize/minimal)", ".", "./wasmsize/minimal", ""},
	{"minimal program (Connect, Send, Disconnect; bench/wasmsize/minimal)", ".", "./wasmsize/minimal", "hybridws_lean"},
	{"JavaScript package: js/websocket.wasm (./shim), as make js-package builds it", "..", "./shim", "hybridws_lean"},
	{"./shim without the tag", "..", "./shim", ""},
	{"the arena (examples/arena)", "../examples", "./arena", ""},
	{"the arena (examples/arena)", "../examples", "./arena", "hybridws_lean"},
}

// sizeBuildFlags are make js-package's.
var sizeBuildFlags = []string{"-trimpath", "-ldflags=-s -w"}

type sizeResult struct {
	Name, Tags        string
	Raw, Gzip, Brotli int64 // bytes; Brotli -1 when brotli is not installed
	Err               string
}

// sizeRun is one measurement of every sizeBuild.
type sizeRun struct {
	When time.Time
	Go   string
	Rows []sizeResult
}

func measureSizes() *sizeRun {
	sr := &sizeRun{When: time.Now(), Go: runtime.Version()}
	dir, err := os.MkdirTemp("", "hybridws-bench-size-")
	if err != nil {
		sr.Rows = append(sr.Rows, sizeResult{Name: "all", Err: err.Error()})
		return sr
	}
	defer os.RemoveAll(dir)
	sr.Rows = make([]sizeResult, len(sizeBuilds))
	outs := make([]string, len(sizeBuilds))
	for i, b := range sizeBuilds {
		sr.Rows[i] = sizeResult{Name: b.name, Tags: b.tags}
		outs[i] = filepath.Join(dir, fmt.Sprintf("%d.wasm", i))
		args := append([]string{"build", "-tags", b.tags}, sizeBuildFlags...)
		cmd := exec.Command("go", append(args, "-o", outs[i], b.pkg)...)
		cmd.Dir = b.dir
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			sr.Rows[i].Err = fmt.Sprintf("go build %s: %v %s", b.pkg, err, bytes.TrimSpace(msg))
		}
	}
	// brotli -q 11 takes about a second per MB: one file per core at once.
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.NumCPU())
	for i := range sr.Rows {
		if sr.Rows[i].Err != "" {
			continue
		}
		wg.Add(1)
		go func(r *sizeResult, path string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var err error
			if r.Raw, r.Gzip, r.Brotli, err = compressedSizes(path); err != nil {
				r.Err = err.Error()
			}
		}(&sr.Rows[i], outs[i])
	}
	wg.Wait()
	for _, r := range sr.Rows {
		fmt.Fprintf(os.Stderr, "size %-60.60s %-13s %s\n", r.Name, r.Tags, fmtSizes(r))
	}
	return sr
}

// compressedSizes returns the file's size, and what gzip -9 and brotli
// -q 11 make of it (brotli -1 when it is not installed).
func compressedSizes(path string) (raw, gz, br int64, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, 0, 0, err
	}
	count := func(name string, args ...string) (int64, error) {
		out, err := exec.Command(name, append(args, "-c", path)...).Output()
		if err != nil {
			return 0, fmt.Errorf("%s: %v", name, err)
		}
		return int64(len(out)), nil
	}
	if gz, err = count("gzip", "-9"); err != nil {
		return 0, 0, 0, err
	}
	br = -1
	if _, lerr := exec.LookPath("brotli"); lerr == nil {
		if br, err = count("brotli", "-q", "11"); err != nil {
			return 0, 0, 0, err
		}
	}
	return st.Size(), gz, br, nil
}

func fmtSizes(r sizeResult) string {
	if r.Err != "" {
		return "FAILED: " + r.Err
	}
	return fmt.Sprintf("raw %s, gzip %s, brotli %s", fmtMB(r.Raw), fmtMB(r.Gzip), fmtMB(r.Brotli))
}

// fmtMB writes bytes in MB (10^6 bytes), to the kB.
func fmtMB(n int64) string {
	if n < 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f MB", float64(n)/1e6)
}

const (
	sizeStart = "<!-- bench-sizes"
	sizeEnd   = "<!-- /bench-sizes -->"
)

// writeSizes writes the size section, markers included.
func writeSizes(b *strings.Builder, sr *sizeRun) {
	fmt.Fprintf(b, "%s: written by `make bench`, or alone by `cd bench && go run . sizes` -->\n", sizeStart)
	fmt.Fprintf(b, "## Download size (js/wasm)\n\n")
	fmt.Fprintf(b, "What a page downloads: each program built with `GOOS=js GOARCH=wasm go build %s` (as `make js-package` builds the JavaScript package), %s, on %s. ",
		`-trimpath -ldflags="-s -w"`, sr.Go, sr.When.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(b, "gzip -9 and brotli -q 11 are what a server sends compressed. `hybridws_lean` is the build tag that gives `Params.TLSConfig` and `HandshakeResponse.Headers` types of the library's own, so that crypto/tls and net/http are not linked (README, \"Browser\"); the JavaScript package is always built with it")
	if budget := wasmBudget(); budget > 0 {
		fmt.Fprintf(b, ", and `make test` fails when its gzip size passes %s (`WASM_BUDGET` in the Makefile)", fmtMB(budget))
	}
	b.WriteString(".\n\n| wasm | tags | raw | gzip -9 | brotli -q 11 |\n| --- | --- | ---: | ---: | ---: |\n")
	for _, r := range sr.Rows {
		tags := "—"
		if r.Tags != "" {
			tags = "`" + r.Tags + "`"
		}
		if r.Err != "" {
			fmt.Fprintf(b, "| %s | %s | FAILED: %s | | |\n", r.Name, tags, strings.ReplaceAll(r.Err, "\n", " "))
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", r.Name, tags, fmtMB(r.Raw), fmtMB(r.Gzip), fmtMB(r.Brotli))
	}
	fmt.Fprintf(b, "\n%s\n\n", sizeEnd)
}

// wasmBudget is the Makefile's WASM_BUDGET, 0 if it has none.
func wasmBudget() int64 {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^WASM_BUDGET\s*\??=\s*(\d+)`).FindSubmatch(mk)
	if m == nil {
		return 0
	}
	var n int64
	fmt.Sscan(string(m[1]), &n)
	return n
}

// sizeSection returns the size section of a report, "" if it has none.
func sizeSection(report string) string {
	i := strings.Index(report, sizeStart)
	if i < 0 {
		return ""
	}
	j := strings.Index(report[i:], sizeEnd)
	if j < 0 {
		return ""
	}
	return report[i:i+j+len(sizeEnd)] + "\n\n"
}

// sizesMain measures the sizes alone and puts the section in place of the
// report's, or before its targets.
func sizesMain(args []string) error {
	fs := flag.NewFlagSet("sizes", flag.ExitOnError)
	out := fs.String("out", "../BENCHMARKS.md", "report whose size section to write")
	fs.Parse(args)
	old, err := os.ReadFile(*out)
	if err != nil {
		return err
	}
	sr := measureSizes()
	var b strings.Builder
	writeSizes(&b, sr)
	s := string(old)
	switch cur := sizeSection(s); {
	case cur != "":
		s = strings.Replace(s, cur, b.String(), 1)
	case strings.Contains(s, "## Targets"):
		s = strings.Replace(s, "## Targets", b.String()+"## Targets", 1)
	default:
		return errors.New(*out + " has neither a size section nor a targets section to put one before")
	}
	if err := os.WriteFile(*out, []byte(s), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote the size section of %s\n", *out)
	return nil
}
