//go:build !js

// The JavaScript package (issue 15): the ES module websocket.js under a
// strict Content-Security-Policy, load()'s errors, npm pack, the types.

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// strictCSP is the least a page that runs WebAssembly must allow.
const strictCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"

// underCSP makes an evaluation obey the page's Content-Security-Policy,
// and so every call it makes, Go's included: by default DevTools lifts the
// 'unsafe-eval' ban for what it evaluates.
func underCSP(p *runtime.EvaluateParams) {
	no := false
	p.AllowUnsafeEvalBlockedByCSP = &no
}

// serveStrict serves dir with the header Content-Security-Policy: csp
// (none if ""), and the shared test endpoints (/echo, ...) to WebSocket
// upgrades on the same origin, so that 'self' covers them.
func serveStrict(t *testing.T, dir, csp string) string {
	ws := testserver.Handler()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ws.ServeHTTP(w, r)
			return
		}
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// copyInto copies files into dir: each from its folder, under its own name.
func copyInto(t *testing.T, dir string, from string, names ...string) {
	t.Helper()
	for _, n := range names {
		copyFile(t, filepath.Join(from, n), filepath.Join(dir, n))
	}
}

// wantEcho checks the events of hybridwsTest.echo.
func wantEcho(t *testing.T, events []string) {
	t.Helper()
	want := []string{"CONNECTED 101 chat", "MESSAGE text héllo ✓", "MESSAGE binary 1,2,0,255",
		"STATS open connects=1 in=2/14 out=2/14", "DISCONNECTED 4001 bye ✓", "STATS closed connects=1 in=2/14 out=2/14 queued=0 rtt=0"}
	if !slices.Equal(events, want) {
		t.Errorf("echo events:\n  got  %q\n  want %q", events, want)
	}
}

func TestModuleUnderStrictCSP(t *testing.T) {
	root := repoRoot(t)
	b := build(t, root)
	dir := t.TempDir()
	copyInto(t, dir, b.dir, "websocket.js", "websocket.wasm", "wasm_exec.js", "hello.wasm")
	copyInto(t, dir, "testdata", "module.html", "module.js", "echo.js", "plain.html", "plain.js")
	if err := os.WriteFile(filepath.Join(dir, "corrupt.wasm"), []byte("\x00asm but not really a module"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := serveStrict(t, dir, strictCSP)
	eachEngine(t, func(t *testing.T, engine string) {
		// The plain page at the end is meant to cause a violation.
		pg := openTab(t, engine, "404 (Not Found)", "Content Security Policy", "Content-Security-Policy")
		pg.navigate(base + "/module.html")
		if err := pg.poll(`typeof hybridwsTest === "object"`, 20*time.Second); err != nil {
			t.Fatalf("the page's module did not run: %v; console %q", err, pg.console())
		}
		// Each call runs in a task of the page's own, so that it obeys the
		// page's Content-Security-Policy, and so does every call it makes,
		// Go's included: a driver's evaluation may be exempt.
		eval := func(expr string) []string {
			t.Helper()
			var v []string
			pg.must(`new Promise((ok, fail) => setTimeout(() => { try { Promise.resolve(`+expr+`).then(ok, fail); } catch (e) { fail(e); } }))`, &v)
			return v
		}

		// Failed loads first: a load that succeeded is kept for good.
		got := eval(`hybridwsTest.loads(42, null, "", {}, "missing.wasm", "corrupt.wasm", "module.js", "hello.wasm")`)
		for i, want := range []string{
			"rejected: TypeError: websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got a number",
			"rejected: TypeError: websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got null",
			"rejected: TypeError: websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got an empty string",
			"rejected: TypeError: websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got an object",
			"rejected: Error: websocket.js: cannot load " + base + "/missing.wasm: HTTP 404 Not Found",
			"rejected: Error: websocket.js: cannot load " + base + "/corrupt.wasm: it is not a WebAssembly module this Go runtime can run (CompileError: ",
			"rejected: Error: websocket.js: cannot load " + base + "/module.js: it is not a WebAssembly module this Go runtime can run (CompileError: ",
			"rejected: Error: websocket.js: cannot load " + base + "/hello.wasm: the Go program exited before it installed the API (the console may say why)",
		} {
			if i >= len(got) || !strings.HasPrefix(got[i], want) {
				t.Errorf("load %d: got %q, want it to start with %q", i, at(got, i), want)
			}
		}

		// Then loads that work: one API object, whatever the later calls say.
		var same bool
		pg.must(`new Promise((ok) => setTimeout(() => ok(hybridwsTest.same())))`, &same)
		if !same {
			t.Errorf("load() twice: not the same frozen object as globalThis.websocket")
		}
		got = eval(`hybridwsTest.loads(undefined, "missing.wasm", new URL("/other.wasm", location.href), 42)`)
		if want := []string{"resolved: globalThis.websocket", "resolved: globalThis.websocket", "resolved: globalThis.websocket",
			"rejected: TypeError: websocket.js: load(wasmURL): wasmURL must be a URL or a non-empty string, or left out, got a number"}; !slices.Equal(got, want) {
			t.Errorf("loads after the first success:\n  got  %q\n  want %q", got, want)
		}
		// The module leaves no global behind but websocket, and the Go
		// program's output still reaches the console (through wasm_exec.js's
		// fs stub, there only while a program starts).
		if g := pg.text(`["Go", "__hybridws", "fs", "process", "path"].map((n) => typeof globalThis[n]).join(" ")`); g != "undefined undefined undefined undefined undefined" {
			t.Errorf("globals Go, __hybridws, fs, process, path left by the module: %q, want all undefined", g)
		}
		if c := pg.console(); !slices.ContainsFunc(c, func(s string) bool { return strings.Contains(s, "hello from a Go program that is not the shim") }) {
			t.Errorf("hello.wasm's output is not in the console %q", c)
		}

		// The API works: text and binary echo, stats, disconnect with a code.
		host := strings.TrimPrefix(base, "http://")
		wantEcho(t, eval(`hybridwsTest.echo("ws://`+host+`/echo")`))
		pg.screenshot(root, "module-csp.png")

		// No violation: neither the page's listener nor the console saw one.
		if v := eval(`hybridwsTest.violations`); len(v) != 0 {
			t.Errorf("Content-Security-Policy violations: %q", v)
		}
		cspMessage := func(c string) bool {
			return strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Content-Security-Policy") || strings.Contains(c, "unsafe-eval")
		}
		for _, c := range pg.console() {
			if cspMessage(c) {
				t.Errorf("console: %s", c)
			}
		}

		// The control: the plain way compiles with the Function constructor,
		// and this page and console do see that violation (WebKit's console
		// is not readable for the browser's own messages).
		pg.navigate(base + "/plain.html")
		if err := pg.poll(`globalThis.plainViolations?.length > 0`, 20*time.Second); err != nil {
			t.Fatalf("the control page saw no violation: %v; console %q", err, pg.console())
		}
		if v := eval(`plainViolations`); !strings.HasPrefix(v[0], "script-src") {
			t.Errorf("the control's violations %q, want script-src", v)
		}
		if engine != "webkit" && !slices.ContainsFunc(pg.console(), cspMessage) {
			t.Errorf("the console did not report the control's violation: %q", pg.console())
		}
	})
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}

// TestNpmPack packs js/ as `npm pack` does on a fresh clone (its prepack
// runs make js-package), installs the tarball into a scratch project, and
// checks it there: Node resolves its exports, tsc its types, and each
// browser engine loads it through `import { load } from "@hybridws/websocket"`.
func TestNpmPack(t *testing.T) {
	root := repoRoot(t)
	tsc := tscPath(t)
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found: run the tests with `make test-e2e`, which installs it")
	}
	packs := t.TempDir()
	out := runOut(t, filepath.Join(root, "js"), npm, "pack", "--pack-destination", packs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tarball := filepath.Join(packs, strings.TrimSpace(lines[len(lines)-1]))
	list := strings.Fields(runOut(t, packs, "tar", "tzf", tarball))
	slices.Sort(list)
	if want := []string{"package/LICENSE", "package/README.md", "package/package.json", "package/websocket.d.ts", "package/websocket.js", "package/websocket.wasm"}; !slices.Equal(list, want) {
		t.Errorf("tarball files %q, want %q", list, want)
	}
	if lic := runOut(t, packs, "tar", "xzOf", tarball, "package/package.json"); !strings.Contains(lic, `"license": "MIT"`) {
		t.Errorf("package.json in the tarball names no MIT license")
	}

	scratch := t.TempDir()
	if err := os.WriteFile(filepath.Join(scratch, "package.json"), []byte(`{"name": "scratch", "private": true, "type": "module"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runOut(t, scratch, npm, "install", "--offline", "--no-audit", "--no-fund", tarball)

	// Node: the exports resolve, and importing runs nothing but definitions.
	got := runOut(t, scratch, "node", "--input-type=module", "-e", `
const m = await import("@hybridws/websocket");
const wasm = import.meta.resolve("@hybridws/websocket/websocket.wasm");
console.log(Object.keys(m).join(","), typeof m.load, wasm.endsWith("/node_modules/@hybridws/websocket/websocket.wasm"), typeof globalThis.Go, typeof globalThis.websocket);`)
	if want := "load function true undefined undefined"; strings.TrimSpace(got) != want {
		t.Errorf("node import: %q, want %q", got, want)
	}

	// tsc: the types come through the package's exports.
	copyFile(t, filepath.Join("testdata", "check.ts"), filepath.Join(scratch, "check.ts"))
	runOut(t, scratch, tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", "check.ts")

	// Each engine: a page that imports the package by name (an import map).
	copyInto(t, scratch, "testdata", "package.html", "package.js", "echo.js")
	base := serveStrict(t, scratch, "")
	eachEngine(t, func(t *testing.T, engine string) {
		pg := openTab(t, engine)
		pg.navigate(base + "/package.html")
		if err := pg.poll(`typeof hybridwsTest === "object"`, 20*time.Second); err != nil {
			t.Fatalf("the page's module did not run: %v; console %q", err, pg.console())
		}
		var events []string
		pg.must(`hybridwsTest.echo("ws://`+strings.TrimPrefix(base, "http://")+`/echo")`, &events)
		wantEcho(t, events)
	})
}

// TestTypes type-checks testdata/usage.ts against js/websocket.d.ts with
// tsc --strict; its @ts-expect-error lines must each fail.
func TestTypes(t *testing.T) {
	root := repoRoot(t)
	tsc := tscPath(t)
	dir := t.TempDir()
	copyFile(t, filepath.Join(root, "js", "websocket.d.ts"), filepath.Join(dir, "websocket.d.ts"))
	copyFile(t, filepath.Join("testdata", "usage.ts"), filepath.Join(dir, "usage.ts"))
	runOut(t, dir, tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2022,dom", "usage.ts")

	// And the checker does fail: usage.ts with its directives taken out.
	src, err := os.ReadFile(filepath.Join(dir, "usage.ts"))
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(src), "// @ts-expect-error")
	if err := os.WriteFile(filepath.Join(dir, "usage.ts"), []byte(strings.ReplaceAll(string(src), "// @ts-expect-error", "// expected:")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2022,dom", "usage.ts")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if errs := strings.Count(string(out), "error TS"); err == nil || errs < n {
		t.Errorf("without the directives tsc reported %d errors (%v), want at least %d:\n%s", errs, err, n, out)
	}
}

// tscPath returns the TypeScript compiler `make test-e2e` installed.
func tscPath(t *testing.T) string {
	t.Helper()
	tsc := os.Getenv("TSC")
	if tsc == "" {
		t.Fatal("TSC is not set: run the tests with `make test-e2e`, which installs typescript into .cache/node")
	}
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("TSC: %v", err)
	}
	return tsc
}

// runOut runs name in dir and returns its standard output; it fails t
// with everything it printed if it fails.
func runOut(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}
