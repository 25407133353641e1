package websocket

import (
	"strings"
	"testing"
)

// The URLs Connect takes, on both backends (url.go), with what it dials
// and what an error text names; natively FuzzParseURL also checks the
// parser against net/url.
func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		raw, url, hostPort string
	}{
		{"ws://127.0.0.1:8080/echo", "ws://127.0.0.1:8080/echo", "127.0.0.1:8080"},
		{"HTTPS://Example.COM/a?b=c&d", "wss://Example.COM/a?b=c&d", "Example.COM:443"},
		{"http://h", "ws://h", "h:80"},
		{"Ws://h:00443/", "ws://h:00443/", "h:00443"},
		{"wss://user:p%40ss@h/", "wss://user:p%40ss@h/", "h:443"},
		{"ws://a@b@h/", "ws://a@b@h/", "h:80"},
		{"ws://[::1]:9000/x", "ws://[::1]:9000/x", "[::1]:9000"},
		{"wss://[2001:db8::ffff:192.0.2.1]", "wss://[2001:db8::ffff:192.0.2.1]", "[2001:db8::ffff:192.0.2.1]:443"},
		{"ws://[fe80::1%25en0]/", "ws://[fe80::1%25en0]/", "[fe80::1%25en0]:80"},
		{"ws://bücher.example/", "ws://bücher.example/", "bücher.example:80"},
		{"ws://b%C3%BCcher.example/", "ws://b%C3%BCcher.example/", "b%C3%BCcher.example:80"},
		{"ws://my_host.local~1/p a/%2F?q=%zz&r=[x]", "ws://my_host.local~1/p a/%2F?q=%zz&r=[x]", "my_host.local~1:80"},
		{"ws://h?q", "ws://h?q", "h:80"},
	} {
		got, err := parseURL(tc.raw)
		if err != nil || got != tc.url {
			t.Errorf("parseURL(%q) = %q, %v; want %q", tc.raw, got, err, tc.url)
		}
		if hp := hostPort(tc.raw); hp != tc.hostPort {
			t.Errorf("hostPort(%q) = %q, want %q", tc.raw, hp, tc.hostPort)
		}
	}
	for _, tc := range []struct {
		raw  string
		want string // in the error text
	}{
		{"localhost:8080/echo", "missing scheme"},
		{"//h/echo", "missing scheme"},
		{"ws//h", "missing scheme"},
		{"ws://h/\x00", `control character '\x00' at byte 7`},
		{"ws://h/\x7f", "control character"},
		{"ws://h\n", "control character"},
		{"file:///etc/passwd", `unsupported scheme "file"`},
		{"ws://h/#", "#fragment"},
		{"ws://h/%zz", `path: invalid escape "%zz"`},
		{"ws://h/%4", `path: invalid escape "%4"`},
		{"ws://a b/", `invalid character ' ' in host "a b"`},
		{"ws://h:80:80/", `port "80:80"`},
		{"ws://h:-1/", `port "-1"`},
		{"ws://h:99999999999999999999/", "is not in 1-65535"},
		{"ws://%41/", `invalid escape "%41" in host`},
		{"ws://h%/", `invalid escape "%" in host`},
		{"ws://us er@h/", "invalid character ' ' in the user information"},
		{"ws://u%zz@h/", "user information: invalid escape"},
		{"ws://[::1/", "missing ']'"},
		{"ws://[::1]x/", `"x" after the IPv6 address`},
		{"ws://[::1]:/", "empty port"},
		{"ws://[1.2.3.4]/", `invalid IPv6 address "1.2.3.4"`},
		{"ws://[1:2:3:4:5:6:7:8:9]/", "invalid IPv6 address"},
		{"ws://[::1%25]/", "empty zone"},
		{"ws://[::1%25e/0]/", "missing ']'"},
		{"ws://[fe80::1%25e%20]/", "in the zone of IPv6 address"},
		{"ws://[]/", "invalid IPv6 address"},
		{"ws://x[::1]/", `invalid character '['`},
	} {
		_, err := parseURL(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseURL(%q): %v, want an error about %q", tc.raw, err, tc.want)
			continue
		}
		if e, ok := err.(*Error); !ok || e.Kind != ErrInvalidURL || e.URL != tc.raw {
			t.Errorf("parseURL(%q): %#v, want an *Error of kind ErrInvalidURL naming the URL", tc.raw, err)
		}
	}
}
