package websocket

import (
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps the wait a server's Retry-After asks for: a header
// that says "come back tomorrow" must not park a game for a day.
const maxRetryAfter = 5 * time.Minute

// serverRetryAfter returns how long a refused upgrade asks the client to
// wait: the Retry-After header of a 429 (Too Many Requests) or 503
// (Service Unavailable) answer, in seconds or as an HTTP date, at most
// maxRetryAfter; 0 when there is none. Browsers hide the answer to a
// refused upgrade, so there it is always 0.
func serverRetryAfter(hs *HandshakeResponse, now time.Time) time.Duration {
	if hs == nil || hs.Status != 429 && hs.Status != 503 || hs.Headers == nil {
		return 0
	}
	d, ok := parseRetryAfter(hs.Headers.Get("Retry-After"), now)
	if !ok || d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// httpDates are the three forms RFC 9110 section 5.6.7 lets an HTTP date
// take: the preferred IMF-fixdate, then the obsolete RFC 850 and asctime
// forms.
var httpDates = [...]string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// parseRetryAfter reads a Retry-After value: a number of seconds, or an
// HTTP date (then the wait is the time until it).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" { // delay-seconds
		n, err := strconv.ParseUint(v, 10, 63)
		if err != nil || n > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true // too many digits to parse: far too long anyway
		}
		return time.Duration(n) * time.Second, true
	}
	for _, layout := range httpDates {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Sub(now), true
		}
	}
	return 0, false
}
