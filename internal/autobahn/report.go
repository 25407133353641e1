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
	Category, Name                              string
	Cases, OK, NonStrict, Informational, Failed int
	Time                                        time.Duration
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
	head := []string{"category", "cases", "OK", "NON-STRICT", "INFORMATIONAL", "FAILED"}
	if markdown {
		b.WriteString("| " + strings.Join(head, " | ") + " |\n|---|--:|--:|--:|--:|--:|\n")
	} else {
		fmt.Fprintf(&b, "%-28s %6s %6s %11s %14s %7s %9s\n", head[0], head[1], head[2], head[3], head[4], head[5], "time")
	}
	var total Row
	for _, r := range Tally(results) {
		name := r.Category + " " + r.Name
		if markdown {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", name, r.Cases, r.OK, r.NonStrict, r.Informational, r.Failed)
		} else {
			fmt.Fprintf(&b, "%-28s %6d %6d %11d %14d %7d %9s\n", name, r.Cases, r.OK, r.NonStrict, r.Informational, r.Failed, r.Time.Round(time.Millisecond))
		}
		total.Cases += r.Cases
		total.OK += r.OK
		total.NonStrict += r.NonStrict
		total.Informational += r.Informational
		total.Failed += r.Failed
		total.Time += r.Time
	}
	if markdown {
		fmt.Fprintf(&b, "| **all** | %d | %d | %d | %d | %d |\n", total.Cases, total.OK, total.NonStrict, total.Informational, total.Failed)
	} else {
		fmt.Fprintf(&b, "%-28s %6d %6d %11d %14d %7d %9s\n", "all", total.Cases, total.OK, total.NonStrict, total.Informational, total.Failed, total.Time.Round(time.Millisecond))
	}
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
