//go:build !js

// Command conformance runs the Autobahn client cases (internal/test/autobahn)
// against the library's echo client and prints a table per category and
// one line per case that is not OK. It exits 1 when a case is neither OK
// nor INFORMATIONAL.
//
//	go run ./internal/cmd/conformance [-cases 1,5,9.1] [-markdown]
//
// With -expect FILE the verdicts must also be exactly those the file
// lists (one line per case: id, behavior, close behavior); -update rewrites
// the file's lines for the cases run instead.
//
// With -serve it only runs the fuzzing server, runs a command with
// HYBRIDWS_AUTOBAHN set to the server's host:port and
// HYBRIDWS_AUTOBAHN_CASES to the number of cases, and judges what that
// command's client did (the browser run: `make conformance-browser`).
// -require lists the categories whose echo cases (those where the client
// only has to echo, and the fuzzer closes) must be OK there: a browser
// fails the connection itself on a protocol error, sometimes before the page
// could echo the message that came before it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hybridws/websocket/internal/test/autobahn"
)

func main() {
	casesFlag := flag.String("cases", "", "comma-separated cases or categories to run (default: all)")
	markdown := flag.Bool("markdown", false, "print the table in Markdown")
	serve := flag.Bool("serve", false, "serve the cases to the command given after the flags")
	require := flag.String("require", "", "with -serve: comma-separated categories whose echo cases must be OK; the rest only informs")
	verbose := flag.Bool("v", false, "print each case's verdict as it comes")
	patience := flag.Float64("patience", 1, "multiply every wait of the cases (1: Autobahn's)")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this long, with the verdicts so far (a broken client makes every case wait its full time)")
	expect := flag.String("expect", "", "a file of expected verdicts: any other verdict fails the run")
	update := flag.Bool("update", false, "with -expect: write this run's verdicts into the file instead of checking them")
	flag.Parse()

	var patterns []string
	if *casesFlag != "" {
		patterns = strings.Split(*casesFlag, ",")
	}
	cases := autobahn.Select(autobahn.Cases(), patterns)
	if len(cases) == 0 {
		fmt.Fprintln(os.Stderr, "conformance: no case matches", *casesFlag)
		os.Exit(2)
	}
	start := time.Now()
	var mu sync.Mutex
	var sofar []*autobahn.Result
	time.AfterFunc(*timeout, func() {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("conformance: timed out after %v; the verdicts so far:\n\n%s", *timeout, autobahn.Table(sofar, *markdown))
		for _, l := range autobahn.NotOK(sofar) {
			fmt.Println("  " + l)
		}
		os.Exit(1)
	})
	var results []*autobahn.Result
	if *serve {
		var err error
		results, err = serveTo(cases, *patience, flag.Args())
		if err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
		for _, r := range results {
			if *verbose {
				fmt.Printf("%-8s %s %s\n", r.ID, r.Verdict(), r.Duration.Round(time.Millisecond))
			}
		}
	} else {
		var err error
		results, err = autobahn.Run(cases, autobahn.NoMistake, *patience, func(r *autobahn.Result) {
			mu.Lock()
			sofar = append(sofar, r)
			mu.Unlock()
			if *verbose {
				fmt.Printf("%-8s %s %s\n", r.ID, r.Verdict(), r.Duration.Round(time.Millisecond))
			}
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
	}
	where := "natively"
	if *serve {
		where = "client run by: " + strings.Join(flag.Args(), " ")
	}
	fmt.Printf("Autobahn client cases, %s (%s)\n\n", where, time.Since(start).Round(100*time.Millisecond))
	fmt.Print(autobahn.Table(results, *markdown))
	if lines := autobahn.NotOK(results); len(lines) > 0 {
		fmt.Println("\nnot OK:")
		for _, l := range lines {
			fmt.Println("  " + l)
		}
	}
	if lines := autobahn.CompressionRatios(results); len(lines) > 0 {
		fmt.Println("\nthe client's messages on the wire / inflated, by subcategory:")
		for _, l := range lines {
			fmt.Println("  " + l)
		}
	}
	failed := false
	if bad := failures(results, *serve, *require); len(bad) > 0 {
		fmt.Printf("\n%d case(s) failed: %s\n", len(bad), strings.Join(bad, " "))
		failed = true
	}
	if *expect != "" {
		if *update {
			if err := autobahn.WriteExpected(*expect, results); err != nil {
				fmt.Fprintln(os.Stderr, "conformance:", err)
				os.Exit(1)
			}
			fmt.Printf("\nwrote the verdicts of %d cases into %s\n", len(results), *expect)
		} else if diff, err := autobahn.CheckExpected(*expect, results); err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		} else if len(diff) > 0 {
			fmt.Printf("\n%d verdict(s) differ from %s (expected, got):\n", len(diff), *expect)
			for _, l := range diff {
				fmt.Println("  " + l)
			}
			failed = true
		} else {
			fmt.Printf("\nall %d verdicts as %s expects\n", len(results), *expect)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// failures lists the cases that fail the run: natively every case must
// be OK or INFORMATIONAL; served to a browser, the echo cases of the
// required categories must be OK.
func failures(results []*autobahn.Result, served bool, require string) []string {
	req := map[string]bool{}
	for _, c := range strings.Split(require, ",") {
		if c = strings.TrimSpace(c); c != "" {
			req[c] = true
		}
	}
	var bad []string
	for _, r := range results {
		cat, _, _ := strings.Cut(r.ID, ".")
		switch {
		case !served && !r.Passed():
			bad = append(bad, r.ID)
		case served && req[cat] && r.EchoOnly && r.Verdict() != autobahn.OK:
			bad = append(bad, r.ID)
		}
	}
	return bad
}

// serveTo runs the fuzzing server while args runs, and returns the verdicts.
func serveTo(cases []*autobahn.Case, patience float64, args []string) ([]*autobahn.Result, error) {
	if len(args) == 0 {
		return nil, errors.New("-serve needs a command to run")
	}
	s, err := autobahn.Start(cases, patience)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(trimEnv(os.Environ()), "HYBRIDWS_AUTOBAHN="+s.Addr(), "HYBRIDWS_AUTOBAHN_CASES="+strconv.Itoa(len(cases)))
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return nil, err
		}
		fmt.Fprintln(os.Stderr, "conformance: the client command failed:", err)
	}
	// The last case's verdict may still be coming.
	s.Await(len(cases), 5*time.Second)
	return s.Results(), nil
}

// trimEnv keeps what the go command, the browser and the test need:
// wasmbrowsertest hands every variable to the wasm test, whose command line
// plus environment must stay under about 8 KB.
func trimEnv(env []string) []string {
	keep := map[string]bool{"PATH": true, "HOME": true, "USER": true, "TMPDIR": true, "LANG": true, "LC_ALL": true,
		"XDG_CACHE_HOME": true, "XDG_CONFIG_HOME": true, "CC": true}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if keep[k] || strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") || strings.HasPrefix(k, "HYBRIDWS_") {
			out = append(out, kv)
		}
	}
	return out
}
