// Command wasmrun runs a js/wasm program, a test binary above all, in
// Firefox or WebKitGTK, as `go test -exec` does with wasmbrowsertest in
// Chromium:
//
//	GOOS=js GOARCH=wasm go test -exec 'wasmrun -engine firefox' ./...
//
// It serves the program, the toolchain's wasm_exec.js and a runner page on
// 127.0.0.1, opens the page in the browser (package drive), streams what
// the program writes to stdout and stderr as it comes, and exits with the
// program's exit code. The program's arguments and environment reach it
// as os.Args and os.Environ, as natively.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

func main() {
	engine := flag.String("engine", os.Getenv("WASMRUN_ENGINE"), "the browser: "+strings.Join(drive.Engines, " or ")+" (default $WASMRUN_ENGINE)")
	verbose := flag.Bool("browserlog", false, "copy the browser's own output to stderr")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmrun -engine firefox|webkit program.wasm [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *engine == "" {
		flag.Usage()
		os.Exit(2)
	}
	code, err := run(*engine, flag.Arg(0), flag.Args()[1:], *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmrun:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(engine, program string, args []string, verbose bool) (int, error) {
	wasm, err := os.ReadFile(program)
	if err != nil {
		return 1, err
	}
	wasmExec, err := readWasmExec()
	if err != nil {
		return 1, err
	}
	// go test passes -test.timeout; the program then ends itself with a
	// goroutine dump when it runs too long. This bound only catches a page
	// that stopped answering altogether, before the go command's own (a
	// minute past the timeout), which would kill this process and leave
	// the browser behind. A signal ends the run as well, browser included.
	limit := 30 * time.Minute
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "-test.timeout="); ok {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				limit = d + 30*time.Second
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGQUIT)
	defer stop()

	srv, err := serve(&page{
		wasm:     wasm,
		wasmExec: wasmExec,
		argv:     append([]string{filepath.Base(program)}, args...),
		env:      os.Environ(),
		out:      os.Stdout,
	})
	if err != nil {
		return 1, err
	}
	defer srv.close()

	o := drive.Options{}
	if verbose {
		o.Log = os.Stderr
	}
	b, err := drive.Start(ctx, engine, o)
	if err != nil {
		return 1, err
	}
	defer b.Close()
	if err := b.Navigate(ctx, srv.url); err != nil {
		return 1, err
	}
	select {
	case code := <-srv.exit:
		if code != 0 {
			printConsole(b)
		}
		return code, nil
	case <-ctx.Done():
		printConsole(b)
		if errors.Is(ctx.Err(), context.Canceled) {
			return 1, fmt.Errorf("%s: stopped by a signal", engine)
		}
		return 1, fmt.Errorf("%s: the program neither exited nor timed out by itself within %v", engine, limit)
	}
}

// maxConsole is how many console entries printConsole prints at most.
const maxConsole = 40

// printConsole writes the page's console to stderr: the program's own
// output is not there, so what is there (an exception, a warning from the
// browser) may explain a failure.
func printConsole(b *drive.Browser) {
	c := b.Console()
	if len(c) == 0 {
		return
	}
	fmt.Fprintf(os.Stderr, "wasmrun: the page's console in %s", b.Engine())
	if len(c) > maxConsole {
		fmt.Fprintf(os.Stderr, " (the last %d of %d entries)", maxConsole, len(c))
		c = c[len(c)-maxConsole:]
	}
	fmt.Fprintln(os.Stderr, ":")
	for _, l := range c {
		if len(l) > 300 {
			l = l[:300] + "..."
		}
		fmt.Fprintln(os.Stderr, "  "+l)
	}
}

// readWasmExec returns the toolchain's wasm_exec.js, which must match the
// Go that built the program: $GOROOT/lib/wasm (misc/wasm before Go 1.24).
func readWasmExec() ([]byte, error) {
	goroot := os.Getenv("GOROOT")
	if goroot == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			return nil, fmt.Errorf("go env GOROOT: %v", err)
		}
		goroot = strings.TrimSpace(string(out))
	}
	var err error
	for _, dir := range []string{"lib/wasm", "misc/wasm"} {
		var b []byte
		if b, err = os.ReadFile(filepath.Join(goroot, dir, "wasm_exec.js")); err == nil {
			return b, nil
		}
	}
	return nil, err
}
