package websocket

import (
	"testing"
	"time"
)

// Retry-After in seconds or as an HTTP date (its three forms), read only
// on 429 and 503, capped at 5 minutes; anything else asks for nothing.
func TestServerRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status int
		value  string
		want   time.Duration
	}{
		{429, "2", 2 * time.Second},
		{503, " 7 ", 7 * time.Second},
		{429, "0", 0},
		{503, "3600", maxRetryAfter},
		{503, "99999999999999999999", maxRetryAfter},
		{429, "Sun, 06 Dec 2026 12:00:30 GMT", 30 * time.Second},
		{503, "Sunday, 06-Dec-26 12:01:00 GMT", time.Minute},
		{503, "Sun Dec  6 12:00:10 2026", 10 * time.Second},
		{503, "Sun, 06 Dec 2026 11:00:00 GMT", 0}, // in the past
		{503, "Sun, 06 Dec 2027 12:00:00 GMT", maxRetryAfter},
		{429, "-5", 0},
		{429, "1.5", 0},
		{429, "soon", 0},
		{429, "", 0},
		{502, "5", 0},
		{403, "5", 0},
	} {
		hs := &HandshakeResponse{Status: c.status, Headers: Header{}}
		if c.value != "" {
			hs.Headers["Retry-After"] = []string{c.value}
		}
		if got := serverRetryAfter(hs, now); got != c.want {
			t.Errorf("%d with Retry-After %q: %v, want %v", c.status, c.value, got, c.want)
		}
	}
	if got := serverRetryAfter(nil, now); got != 0 {
		t.Errorf("no response: %v", got)
	}
	if got := serverRetryAfter(&HandshakeResponse{Status: 429}, now); got != 0 {
		t.Errorf("no headers: %v", got)
	}
}
