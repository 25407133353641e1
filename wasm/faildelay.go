//go:build js && wasm

package wasm

import (
	"strings"
	"sync"
	"syscall/js"
	"time"
)

// Firefox delays a WebSocket to a host, port and path whose last attempt
// failed (RFC 6455 7.2.3; an attempt closed while connecting counts):
// 200-400ms after the first failure, 1.5 times longer after each further
// one, up to a minute; an open connection, or a minute past the delay
// without another failure, forgets them. While it waits, the socket holds Firefox's one handshake in
// progress per host address, so every other WebSocket to that host waits
// as well. Dial waits out that delay itself before it creates the socket,
// and DialDelay gives it to the reconnect backoff: Firefox then never has
// to wait, other sockets to the host are not held up, and a retry starts
// when the library says it does.
//
// The delay is modelled here with Firefox's upper bounds (it draws the
// first one at random), from the failures of this package's own sockets.
const (
	failFirstDelay  = 400 * time.Millisecond
	failMaxDelay    = 60 * time.Second
	failForgetAfter = 60 * time.Second // after the delay has passed
)

// delaysFailedDials is true in Firefox (and the browsers built on it).
var delaysFailedDials = strings.Contains(js.Global().Get("navigator").Get("userAgent").String(), "Firefox/")

type failKey struct{ hostPort, path string }

type failure struct {
	last  time.Time     // when the last attempt failed
	delay time.Duration // how long after last Firefox holds the next one
}

func (f *failure) forgotten(now time.Time) bool { return now.Sub(f.last) > f.delay+failForgetAfter }

var failures struct {
	sync.Mutex
	m map[failKey]*failure
}

// keyOf returns what Firefox keys its delays on: host, port and path (the
// query is not part of it). rawURL is one the root package has validated
// (ws:// or wss://, a host, no fragment), so a few cuts take it apart,
// without net/url, which the JavaScript API's download leaves out.
func keyOf(rawURL string) (failKey, bool) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return failKey{}, false
	}
	authority, path := rest, "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
		if p, _, _ := strings.Cut(rest[i:], "?"); p != "" {
			path = p
		}
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:]
	}
	host, port := authority, ""
	if i := strings.LastIndexByte(authority, ':'); i > strings.LastIndexByte(authority, ']') {
		host, port = authority[:i], authority[i+1:]
	}
	if host == "" {
		return failKey{}, false
	}
	if port == "" {
		port = map[string]string{"ws": "80", "wss": "443"}[strings.ToLower(scheme)]
	}
	return failKey{host + ":" + port, path}, true
}

// dialFailed records a failed attempt to rawURL.
func dialFailed(rawURL string) {
	k, ok := keyOf(rawURL)
	if !ok || !delaysFailedDials {
		return
	}
	now := time.Now()
	failures.Lock()
	defer failures.Unlock()
	if failures.m == nil {
		failures.m = map[failKey]*failure{}
	}
	for k, f := range failures.m {
		if f.forgotten(now) {
			delete(failures.m, k)
		}
	}
	if f := failures.m[k]; f != nil {
		f.last, f.delay = now, min(f.delay*3/2, failMaxDelay)
	} else {
		failures.m[k] = &failure{last: now, delay: failFirstDelay}
	}
}

// dialOpened forgets the failures of rawURL.
func dialOpened(rawURL string) {
	if k, ok := keyOf(rawURL); ok && delaysFailedDials {
		failures.Lock()
		delete(failures.m, k)
		failures.Unlock()
	}
}

// DialDelay returns how long the browser would hold a WebSocket to rawURL
// made now before it starts the handshake: the rest of Firefox's delay
// after failed attempts, 0 in other browsers. Dial waits that long before
// it creates the socket.
func DialDelay(rawURL string) time.Duration {
	k, ok := keyOf(rawURL)
	if !ok || !delaysFailedDials {
		return 0
	}
	failures.Lock()
	defer failures.Unlock()
	f := failures.m[k]
	if f == nil || f.forgotten(time.Now()) {
		return 0
	}
	return max(f.delay-time.Since(f.last), 0)
}
