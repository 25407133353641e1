// Command apilist lists the exported Go API of the library's packages, one
// line per name, the way Go's own api/*.txt files do, so that an exported
// change is always a visible line in review. `make api` writes api.txt;
// `make lint` runs it with -check and fails when the API differs from the
// committed listing.
//
//	go run ./internal/cmd/apilist [-o api.txt | -check api.txt]
//
// A name that exists only in a native or only in a browser build says so
// ("pkg P (js/wasm), ..."). Doc comments are not part of the listing:
// only names, types, signatures and constant values are.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

const module = "github.com/hybridws/websocket"

// builds are the platforms each package is listed for: its own, and for
// the root package both, since it is the one API of both backends.
var builds = []struct {
	dir, goos, goarch string
}{
	{".", "linux", "amd64"},
	{".", "js", "wasm"},
	{"native", "linux", "amd64"},
	{"wasm", "js", "wasm"},
}

func main() {
	out := flag.String("o", "", "write the listing to this file instead of standard output")
	check := flag.String("check", "", "compare the listing with this file and fail if they differ")
	flag.Parse()

	listing, err := list()
	if err != nil {
		fmt.Fprintln(os.Stderr, "apilist:", err)
		os.Exit(1)
	}
	switch {
	case *check != "":
		old, err := os.ReadFile(*check)
		if err != nil {
			fmt.Fprintln(os.Stderr, "apilist:", err)
			os.Exit(1)
		}
		if !bytes.Equal(old, listing) {
			fmt.Fprintf(os.Stderr, "apilist: the exported API differs from %s:\n%s\nIf the change is deliberate, run `make api` and commit %s.\n",
				*check, diff(string(old), string(listing)), *check)
			os.Exit(1)
		}
	case *out != "":
		if err := os.WriteFile(*out, listing, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "apilist:", err)
			os.Exit(1)
		}
	default:
		os.Stdout.Write(listing)
	}
}

// list returns the sorted listing of every build.
func list() ([]byte, error) {
	// Which builds each line appears in, per package.
	seen := map[string]map[string][]string{} // pkg -> line -> platforms
	platforms := map[string][]string{}       // pkg -> its platforms
	for _, b := range builds {
		path := module
		if b.dir != "." {
			path += "/" + b.dir
		}
		plat := b.goos + "/" + b.goarch
		lines, err := listPackage(b.dir, b.goos, b.goarch)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", path, plat, err)
		}
		if seen[path] == nil {
			seen[path] = map[string][]string{}
		}
		platforms[path] = append(platforms[path], plat)
		for _, l := range lines {
			seen[path][l] = append(seen[path][l], plat)
		}
	}
	var out []string
	for path, lines := range seen {
		for l, plats := range lines {
			prefix := "pkg " + path
			if len(plats) != len(platforms[path]) || len(platforms[path]) == 1 && plats[0] == "js/wasm" {
				prefix += " (" + strings.Join(plats, ", ") + ")"
			}
			out = append(out, prefix+", "+l)
		}
	}
	slices.Sort(out)
	return []byte(strings.Join(out, "\n") + "\n"), nil
}

// listPackage reads the package in dir as the compiler built it for
// goos/goarch (its export data, from go list -export: quick, and exactly
// what a user's code compiles against) and returns a line for each
// exported name, field and method.
func listPackage(dir, goos, goarch string) ([]string, error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", "./"+dir)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export: %w", err)
	}
	exports := map[string]string{}
	var path string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		p, file, _ := strings.Cut(l, "\t")
		exports[p], path = file, p // the package itself comes last
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(p string) (io.ReadCloser, error) {
		file, ok := exports[p]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", p)
		}
		return os.Open(file)
	})
	pkg, err := imp.Import(path)
	if err != nil {
		return nil, err
	}
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		if strings.Contains(p.Path(), ".") {
			return p.Path()
		}
		return p.Name()
	}
	var lines []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Const:
			lines = append(lines, "const "+name+" "+types.TypeString(o.Type(), qual)+" = "+o.Val().ExactString())
		case *types.Var:
			lines = append(lines, "var "+name+" "+types.TypeString(o.Type(), qual))
		case *types.Func:
			lines = append(lines, "func "+name+signature(o, qual))
		case *types.TypeName:
			lines = append(lines, typeLines(o, qual)...)
		}
	}
	return lines, nil
}

// typeLines lists a type: its kind, its exported fields or interface
// methods, and its exported methods.
func typeLines(o *types.TypeName, qual types.Qualifier) []string {
	name := o.Name()
	if o.IsAlias() {
		return []string{"type " + name + " = " + types.TypeString(types.Unalias(o.Type()), qual)}
	}
	var lines []string
	switch u := o.Type().Underlying().(type) {
	case *types.Struct:
		lines = append(lines, "type "+name+" struct")
		for i := range u.NumFields() {
			if f := u.Field(i); f.Exported() {
				lines = append(lines, "type "+name+" struct, "+f.Name()+" "+types.TypeString(f.Type(), qual))
			}
		}
	case *types.Interface:
		lines = append(lines, "type "+name+" interface")
		for i := range u.NumMethods() {
			if m := u.Method(i); m.Exported() {
				lines = append(lines, "type "+name+" interface, "+m.Name()+signature(m, qual))
			}
		}
	default:
		lines = append(lines, "type "+name+" "+types.TypeString(u, qual))
	}
	if _, ok := o.Type().Underlying().(*types.Interface); ok {
		return lines
	}
	// Methods: those of T with the value receiver, the rest of *T's with
	// the pointer receiver.
	values := types.NewMethodSet(o.Type())
	pointers := types.NewMethodSet(types.NewPointer(o.Type()))
	for i := range pointers.Len() {
		m := pointers.At(i).Obj()
		if !m.Exported() {
			continue
		}
		recv := "*" + name
		if values.Lookup(m.Pkg(), m.Name()) != nil {
			recv = name
		}
		lines = append(lines, "method ("+recv+") "+m.Name()+signature(m, qual))
	}
	return lines
}

// signature returns a function's signature without the word func.
func signature(f types.Object, qual types.Qualifier) string {
	return strings.TrimPrefix(types.TypeString(f.Type(), qual), "func")
}

// diff lists the lines only in a ("-") or only in b ("+").
func diff(a, b string) string {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range as {
		if l != "" && !slices.Contains(bs, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bs {
		if l != "" && !slices.Contains(as, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
