//go:build !js

package autobahn

import (
	"sync"
	"testing"
	"time"
)

// runParallel runs cases at the same time against the echo client with
// mistake, and returns the verdicts by case ID.
func runParallel(t *testing.T, cases []*Case, mistake Mistake) map[string]*Result {
	t.Helper()
	// Patience 4: under the race detector on a loaded machine a correct
	// echo must not miss Autobahn's 1 s; the planted mistakes cost 4 s.
	s, err := Start(cases, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for i := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Echo(s.CaseURL(i+1), mistake, time.Minute)
		}()
	}
	wg.Wait()
	out := map[string]*Result{}
	for i, c := range cases {
		r := s.Await(i+1, time.Minute)
		if r == nil {
			t.Fatalf("case %s: no verdict", c.ID)
		}
		out[c.ID] = r
	}
	return out
}

// TestPlantedMistakes builds the echo client with a planted mistake and
// checks that the cases that should catch it report FAILED, while the
// cases it cannot affect stay OK; the same cases pass without the mistake.
func TestPlantedMistakes(t *testing.T) {
	all := []string{"1.1.1", "1.1.5", "1.2.1", "1.2.5", "2.1", "2.9", "5.3", "5.6", "6.2.1", "6.3.1", "7.3.3", "9.1.1", "9.7.1", "9.8.1"}
	// Without an echo, 9.x would wait 10 s and more before it gives up:
	// the cases of 1 to 6 catch that mistake without such patience.
	quick := all[:len(all)-3]
	tests := []struct {
		name    string
		mistake Mistake
		ids     []string
		failed  []string // the cases that must report FAILED; the others OK
	}{
		{"no mistake", NoMistake, all, nil},
		{"text echoed as binary", TextAsBinary, all, []string{"1.1.1", "1.1.5", "5.3", "5.6", "6.2.1", "9.1.1", "9.7.1"}},
		{"never echo", NeverEcho, quick, []string{"1.1.1", "1.1.5", "1.2.1", "1.2.5", "5.3", "5.6", "6.2.1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cases := Select(Cases(), tc.ids)
			if len(cases) != len(tc.ids) {
				t.Fatalf("selected %d cases, want %d", len(cases), len(tc.ids))
			}
			got := runParallel(t, cases, tc.mistake)
			for _, id := range tc.ids {
				want := OK
				for _, f := range tc.failed {
					if f == id {
						want = Failed
					}
				}
				if r := got[id]; r.Verdict() != want {
					t.Errorf("case %s: verdict %s, want %s (%s)", id, r.Verdict(), want, r.Summary())
				}
			}
		})
	}
}

// TestCaseCounts checks that the port has Autobahn's cases, category by
// category (6 counts every generated UTF-8 vector).
func TestCaseCounts(t *testing.T) {
	want := map[string]int{"1": 16, "2": 11, "3": 7, "4": 10, "5": 20, "6": 145, "7": 37, "9": 54, "10": 1, "12": 90, "13": 126}
	got := map[string]int{}
	seen := map[string]bool{}
	for _, c := range Cases() {
		if seen[c.ID] {
			t.Errorf("case %s twice", c.ID)
		}
		seen[c.ID] = true
		got[c.Category()]++
	}
	for cat, n := range want {
		if got[cat] != n {
			t.Errorf("category %s: %d cases, want %d", cat, got[cat], n)
		}
	}
	if n := len(Cases()); n != 517 {
		t.Errorf("%d cases, want 517", n)
	}
}
