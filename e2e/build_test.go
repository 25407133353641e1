//go:build !js

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// built is what the tests serve, built once for the whole run: the
// toolchain's wasm_exec.js, websocket.wasm from ./shim and websocket.js
// (the ES module), both as `make wasm` makes them, and hello.wasm
// (testdata/hello) in dir, and the dev server's binary.
type built struct {
	dir, web string
	err      error
}

var (
	buildOnce sync.Once
	buildOut  built
	buildTmp  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildTmp != "" {
		os.RemoveAll(buildTmp)
	}
	os.Exit(code)
}

// build builds the files once and fails t if that failed.
func build(t *testing.T, root string) built {
	t.Helper()
	buildOnce.Do(func() {
		buildOut.err = func() error {
			tmp, err := os.MkdirTemp("", "hybridws-e2e-")
			if err != nil {
				return err
			}
			buildTmp = tmp
			dir := filepath.Join(tmp, "site")
			if err := os.Mkdir(dir, 0o755); err != nil {
				return err
			}
			goroot, err := exec.Command("go", "env", "GOROOT").Output()
			if err != nil {
				return fmt.Errorf("go env GOROOT: %v", err)
			}
			wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), wasmExec, 0o644); err != nil {
				return err
			}
			web := filepath.Join(tmp, "web")
			wasm := []string{"GOOS=js", "GOARCH=wasm"}
			for _, c := range []struct {
				in   string // relative to the repo root
				env  []string
				args []string
			}{
				{".", wasm, []string{"build", "-tags", "hybridws_lean", "-o", filepath.Join(dir, "websocket.wasm"), "./shim"}}, // as make wasm builds it
				{".", nil, []string{"run", "./internal/cmd/jsmodule", "-o", filepath.Join(dir, "websocket.js")}},
				{".", nil, []string{"build", "-o", web, "./web"}},
				{"e2e", wasm, []string{"build", "-o", filepath.Join(dir, "hello.wasm"), "./testdata/hello"}},
			} {
				cmd := exec.Command("go", c.args...)
				cmd.Dir = filepath.Join(root, c.in)
				cmd.Env = append(os.Environ(), c.env...)
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("go %s: %v\n%s", strings.Join(c.args, " "), err, out)
				}
			}
			buildOut.dir, buildOut.web = dir, web
			return nil
		}()
	})
	if buildOut.err != nil {
		t.Fatal(buildOut.err)
	}
	return buildOut
}
