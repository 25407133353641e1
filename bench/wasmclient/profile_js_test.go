//go:build js && wasm

package main

// A way to profile the Go clients inside Chromium:
//
//	BENCH_URL=ws://127.0.0.1:PORT/echo GOOS=js GOARCH=wasm go test -exec wasmbrowsertest \
//		-run TestProfile -cpuprofile cpu.prof ./wasmclient
//
// (wasmbrowsertest from tools/browser's tool line, headless_shell on
// PATH as make test-browser sets it up; BENCH_LIB, BENCH_WORK pick the
// client and the workload.)

import (
	"os"
	"testing"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
)

func TestProfile(t *testing.T) {
	url := os.Getenv("BENCH_URL")
	if url == "" {
		t.Skip("BENCH_URL not set")
	}
	lib, w := os.Getenv("BENCH_LIB"), os.Getenv("BENCH_WORK")
	if lib == "" {
		lib = "hybrid-wasm"
	}
	if w == "" {
		w = "rtt"
	}
	if lib == "raw-wasm" {
		n, secs, err := rawRun(w, url, 3*time.Second, 1024)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %s: %.1f %s (%d messages in %.2fs)", lib, w, work.Value(w, n, secs, 0), work.Units[w], n, secs)
		return
	}
	var dial work.Dial
	if lib == "coder-wasm" {
		dial = work.DialCoder
	}
	r := work.Run(lib, w, dial, work.Config{URL: url, Dur: 3 * time.Second, Window: 1024, RawWindow: true})
	if r.Err != "" {
		t.Fatal(r.Err)
	}
	t.Logf("%s %s: %.1f %s (%d messages in %.2fs)", lib, w, r.Value, work.Units[w], r.N, r.Secs)
}
