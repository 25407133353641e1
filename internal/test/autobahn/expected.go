//go:build !js

package autobahn

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// The expected-results file: one line per case, "id behavior close", in
// case order, after comment lines starting with #. The conformance command
// checks a run against it, so that a verdict that changes, for the worse
// or the better, is noticed.

const expectedHeader = `# The verdicts of the Autobahn client cases (internal/test/autobahn), natively:
# id, behavior, close behavior. make conformance and make conformance-full
# fail on any other verdict. After a change that is meant to change one:
#   go run ./internal/cmd/conformance -cases ... -expect internal/test/autobahn/expected.txt -update
`

func verdictLine(r *Result) string { return r.ID + " " + r.Behavior + " " + r.BehaviorClose }

// readExpected returns the file's verdict lines by case id.
func readExpected(path string) (map[string]string, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	lines := map[string]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Fields(l)
		if len(f) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: want \"id behavior close\", got %q", path, n, l)
		}
		if _, dup := lines[f[0]]; dup {
			return nil, nil, fmt.Errorf("%s:%d: case %s listed twice", path, n, f[0])
		}
		lines[f[0]] = strings.Join(f, " ")
		order = append(order, f[0])
	}
	return lines, order, sc.Err()
}

// CheckExpected compares results with the expected-results file: one line
// per case whose verdict differs or that the file lacks.
func CheckExpected(path string, results []*Result) ([]string, error) {
	want, _, err := readExpected(path)
	if err != nil {
		return nil, err
	}
	var diff []string
	for _, r := range results {
		got := verdictLine(r)
		switch w, ok := want[r.ID]; {
		case !ok:
			diff = append(diff, fmt.Sprintf("%-8s (not listed), %s", r.ID, got))
		case w != got:
			diff = append(diff, fmt.Sprintf("%-8s %s, %s; %s", r.ID, strings.TrimPrefix(w, r.ID+" "), strings.TrimPrefix(got, r.ID+" "), r.Summary()))
		}
	}
	return diff, nil
}

// WriteExpected writes results into the expected-results file, keeping
// the lines of cases that did not run, in the order of Cases.
func WriteExpected(path string, results []*Result) error {
	lines, _, err := readExpected(path)
	if os.IsNotExist(err) {
		lines, err = map[string]string{}, nil
	}
	if err != nil {
		return err
	}
	for _, r := range results {
		lines[r.ID] = verdictLine(r)
	}
	var b strings.Builder
	b.WriteString(expectedHeader)
	for _, c := range Cases() {
		if l, ok := lines[c.ID]; ok {
			b.WriteString(l + "\n")
			delete(lines, c.ID)
		}
	}
	if len(lines) > 0 {
		return fmt.Errorf("%s lists cases that do not exist: %v", path, lines)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// CompressionRatios returns, for each subcategory of 12.x and 13.x that
// ran, how the client's messages compressed: their bytes on the wire
// against their bytes inflated.
func CompressionRatios(results []*Result) []string {
	type sum struct{ app, wire int64 }
	sums := map[string]*sum{}
	var order []string
	for _, r := range results {
		if r.AppIn == 0 {
			continue
		}
		parts := strings.SplitN(r.ID, ".", 3)
		sub := parts[0] + "." + parts[1]
		if sums[sub] == nil {
			sums[sub] = &sum{}
			order = append(order, sub)
		}
		sums[sub].app += r.AppIn
		sums[sub].wire += r.WireIn
	}
	var out []string
	for _, sub := range order {
		s := sums[sub]
		out = append(out, fmt.Sprintf("%-5s %.3f (%d of %d bytes)", sub, float64(s.wire)/float64(s.app), s.wire, s.app))
	}
	return out
}
