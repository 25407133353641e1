//go:build js && wasm

package main

// go test -fuzz cannot run under GOOS=js, so the argument conversion of
// the JavaScript API gets a seeded random test instead: testdata/
// fuzz_driver.js generates JavaScript values of every kind (primitives,
// odd numbers and strings, symbols, bigints, arrays, objects with random
// fields, proxies, revoked proxies, functions, typed arrays and buffers
// of every sort, typed arrays of another realm, real handles in every
// state and look-alikes) for every argument of websocket.connect, send,
// disconnect and stats, makes the calls, and checks each against the rules
// of DESIGN.md. testdata/fuzz_seeds.txt, the seed corpus, runs first.
//
//	HYBRIDWS_FUZZ_SEED=n       another seed (default 1); "random" picks one and prints it
//	HYBRIDWS_FUZZ_N=n          calls per function (default 2000)
//	HYBRIDWS_FUZZ_VERBOSE=1    console.log every call (to find the one that crashes the program)
//
// for example
//
//	HYBRIDWS_FUZZ_SEED=random make test-browser BROWSER_TESTFLAGS="-run TestFuzz -v"

import (
	_ "embed"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall/js"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/live"
)

//go:embed testdata/fuzz_driver.js
var fuzzDriver string

//go:embed testdata/fuzz_seeds.txt
var fuzzSeeds string

func fuzzEnv(t *testing.T, name string, def uint64) (uint64, bool) {
	s := os.Getenv(name)
	if s == "" {
		return def, false
	}
	if name == "HYBRIDWS_FUZZ_SEED" && s == "random" {
		return uint64(uint32(time.Now().UnixNano())), true
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		t.Fatalf("%s=%q: want a number", name, s)
	}
	return n, false
}

// TestFuzzArguments: every call returns or throws a TypeError (or for a
// close code or reason out of range, a RangeError) naming the argument at
// fault, or a plain Error with the Go error text, never anything else and
// never a crash of the program; no event runs inside a call; stats answers
// every handle with counts that agree with the calls and events; every
// connection a call opened ends in exactly one DISCONNECTED after a legal
// sequence of events; nothing leaks; and the API still works afterwards.
func TestFuzzArguments(t *testing.T) {
	seed, random := fuzzEnv(t, "HYBRIDWS_FUZZ_SEED", 1)
	n, _ := fuzzEnv(t, "HYBRIDWS_FUZZ_N", 2000)
	if random {
		// Printed now: a crash of the program leaves no chance to later.
		fmt.Fprintf(os.Stderr, "TestFuzzArguments: HYBRIDWS_FUZZ_SEED=%d HYBRIDWS_FUZZ_N=%d\n", seed, n)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("to repeat: HYBRIDWS_FUZZ_SEED=%d HYBRIDWS_FUZZ_N=%d", seed, n)
		}
	})
	// Counted the way it is counted at the end, after a sleep: the test
	// then runs inside the runtime's handler of the timer event, whose
	// goroutine waits meanwhile and is no leak.
	time.Sleep(time.Millisecond)
	runtime.GC()
	goroutines := ourGoroutines()
	start := time.Now()

	// Callbacks that throw (on purpose) are reported with console.error:
	// count those reports instead of printing them.
	console := js.Global().Get("console")
	origError := console.Get("error")
	console.Set("error", jsEval(`() => () => {}`))
	defer console.Set("error", origError)

	env := js.Global().Get("Object").New()
	env.Set("ws", api())
	env.Set("host", serverAddr)
	env.Set("prefix", "/u/fuzz")
	env.Set("seed", seed)
	env.Set("verbose", os.Getenv("HYBRIDWS_FUZZ_VERBOSE") != "")
	d := js.Global().Get("Function").New("return (\n" + fuzzDriver + "\n)").Invoke().Invoke(env)

	// poll waits for cond, letting the page run events meanwhile.
	poll := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (seed %d)", what, seed)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	d.Call("prepare", 60) // at most ~60 connections opened by random calls
	poll("the prepared connections", func() bool { return d.Call("prepared").Bool() })

	cases := d.Call("corpus", fuzzSeeds)
	const batch = 60
	for done := 0; done < 3*int(n); done += batch {
		d.Call("run", min(batch, 3*int(n)-done))
		time.Sleep(time.Millisecond) // events, goroutines and microtasks run between batches
	}
	d.Call("finish")
	poll("DISCONNECTED of every connection", func() bool {
		return d.Call("pending").Length() == 0 && glue.Call("live").Int() == 0
	})
	time.Sleep(100 * time.Millisecond) // any event after DISCONNECTED shows up now
	d.Call("finalStats")
	v := d.Call("verify")
	for i := 0; i < v.Length(); i++ {
		t.Errorf("seed %d: %s", seed, v.Index(i).String())
	}
	t.Logf("seed %d: %d corpus cases, then %d random calls per function in %v: %s",
		seed, cases.Int(), n, time.Since(start).Round(time.Millisecond), d.Call("stats").String())

	// Nothing held: not the shim, not glue.js, not the wasm package.
	mu.Lock()
	held := len(conns)
	mu.Unlock()
	if held != 0 {
		t.Errorf("the shim still holds %d connections", held)
	}
	if n := glue.Call("live").Int(); n != 0 {
		t.Errorf("glue.js still holds %d connections", n)
	}
	if n := live.Funcs.Load(); n != 0 {
		t.Errorf("%d js.Funcs are still alive", n)
	}
	deadline := time.Now().Add(3 * time.Second)
	for ourGoroutines() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := ourGoroutines(); g > goroutines {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines afterwards, %d before:\n%s", g, goroutines, buf[:runtime.Stack(buf, true)])
	}

	// And the API still works as it should.
	console.Set("error", origError)
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), map[string]any{"protocol": "chat"})
	r.waitCount(evConnected, 1)
	api().Call("send", h, "still fine", map[string]any{"type": typeText})
	r.waitCount(evMessage, 1)
	api().Call("disconnect", h)
	if evs := r.waitDone(); kinds(evs) != "CONNECTED MESSAGE DISCONNECTED" || evs[1].text != "still fine" || evs[2].code != 1000 {
		t.Errorf("after the fuzzing: events %v", evs)
	}
}
