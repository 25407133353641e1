//go:build !js

package autobahn

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// categoryNames are Autobahn's.
var categoryNames = map[string]string{
	"1": "Framing", "2": "Pings/Pongs", "3": "Reserved Bits", "4": "Opcodes",
	"5": "Fragmentation", "6": "UTF-8 Handling", "7": "Close Handling",
	"9": "Limits/Performance", "10": "Misc", "12": "Compression (payloads)",
	"13": "Compression (parameters)",
}

func codes(list []int) string {
	s := make([]string, len(list))
	for i, c := range list {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

// Row is one category's line of the table.
type Row struct {
	Category, Name string
	Cases, OK      int
	NonStrict      int
	Informational  int
	WrongCode      int
	Unclean        int
	Failed         int
	Time           time.Duration
}

// Tally counts the results by category and verdict (Result.Verdict).
func Tally(results []*Result) []Row {
	rows := map[string]*Row{}
	for _, r := range results {
		cat, _, _ := strings.Cut(r.ID, ".")
		row := rows[cat]
		if row == nil {
			row = &Row{Category: cat, Name: categoryNames[cat]}
			rows[cat] = row
		}
		row.Cases++
		row.Time += r.Duration
		switch r.Verdict() {
		case OK:
			row.OK++
		case NonStrict:
			row.NonStrict++
		case Informational:
			row.Informational++
		case WrongCode:
			row.WrongCode++
		case Unclean:
			row.Unclean++
		default:
			row.Failed++
		}
	}
	var out []Row
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i].Category)
		b, _ := strconv.Atoi(out[j].Category)
		return a < b
	})
	return out
}

// Table formats the tally as text (markdown false) or a Markdown table.
func Table(results []*Result, markdown bool) string {
	var b strings.Builder
	line := func(name string, r Row) {
		if markdown {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d |\n", name, r.Cases, r.OK, r.NonStrict, r.Informational, r.WrongCode, r.Unclean, r.Failed)
		} else {
			fmt.Fprintf(&b, "%-26s %5d %5d %10d %13d %10d %7d %6d %8s\n", name, r.Cases, r.OK, r.NonStrict, r.Informational, r.WrongCode, r.Unclean, r.Failed, r.Time.Round(time.Millisecond))
		}
	}
	if markdown {
		b.WriteString("| category | cases | OK | NON-STRICT | INFORMATIONAL | WRONG CODE | UNCLEAN | FAILED |\n|---|--:|--:|--:|--:|--:|--:|--:|\n")
	} else {
		fmt.Fprintf(&b, "%-26s %5s %5s %10s %13s %10s %7s %6s %8s\n", "category", "cases", "OK", "NON-STRICT", "INFORMATIONAL", "WRONG CODE", "UNCLEAN", "FAILED", "time")
	}
	var total Row
	for _, r := range Tally(results) {
		line(r.Category+" "+r.Name, r)
		total.Cases += r.Cases
		total.OK += r.OK
		total.NonStrict += r.NonStrict
		total.Informational += r.Informational
		total.WrongCode += r.WrongCode
		total.Unclean += r.Unclean
		total.Failed += r.Failed
		total.Time += r.Time
	}
	name := "all"
	if markdown {
		name = "**all**"
	}
	line(name, total)
	return b.String()
}

// NotOK returns one line per case whose verdict is not OK: what it got,
// and what the client did on the wire.
func NotOK(results []*Result) []string {
	var out []string
	for _, r := range results {
		if r.Behavior == OK && r.BehaviorClose == OK {
			continue
		}
		out = append(out, fmt.Sprintf("%-8s %s", r.ID, r.Summary()))
	}
	return out
}
