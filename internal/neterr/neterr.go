// Package neterr classifies the operating system's network errors by their
// value, the same way on every OS: error texts differ between Linux,
// macOS and Windows ("connection refused" against "No connection could be
// made because the target machine actively refused it"), and the syscall
// package's names do not cover Windows' socket errors (syscall.ECONNREFUSED
// is an invented value there that no socket call returns).
package neterr

import (
	"errors"
	"runtime"
	"syscall"
)

// Cause is what a network error says happened.
type Cause int

const (
	// Unknown: no errno, or one this package does not classify.
	Unknown Cause = iota
	// Refused: nothing listens at the address (a TCP reset answered the SYN).
	Refused
	// Reset: the peer reset or aborted an open connection, or it is gone.
	Reset
	// TimedOut: the operating system gave up waiting (connect or
	// retransmission timeout), as opposed to a deadline of ours.
	TimedOut
	// Unreachable: no route to the host or its network.
	Unreachable
)

// String returns the cause as a few words for an error text.
func (c Cause) String() string {
	switch c {
	case Refused:
		return "connection refused"
	case Reset:
		return "connection reset"
	case TimedOut:
		return "timed out"
	case Unreachable:
		return "host unreachable"
	}
	return "unknown"
}

// Classify returns what err, or the errno it wraps, says happened on this
// operating system.
func Classify(err error) Cause { return ClassifyOn(runtime.GOOS, err) }

// ClassifyOn is Classify for the errno values of goos, so that tests on one
// OS can check the others' tables with the values those OSes return.
func ClassifyOn(goos string, err error) Cause {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return Unknown
	}
	return errnos[family(goos)][uintptr(errno)]
}

func family(goos string) string {
	switch goos {
	case "linux", "android":
		return "linux"
	case "darwin", "ios", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "bsd"
	}
	return goos
}

// errnos maps each OS family's errno values to their cause. The numbers are
// the kernels' own (Linux's asm-generic/errno.h, BSD's sys/errno.h) and, for
// Windows, Winsock's WSAE* codes and the Win32 ERROR_* codes that Go's
// overlapped socket I/O reports (net/fd_windows.go, syscall/types_windows.go).
var errnos = map[string]map[uintptr]Cause{
	"linux": {
		111: Refused,     // ECONNREFUSED
		104: Reset,       // ECONNRESET
		103: Reset,       // ECONNABORTED
		32:  Reset,       // EPIPE
		110: TimedOut,    // ETIMEDOUT
		113: Unreachable, // EHOSTUNREACH
		101: Unreachable, // ENETUNREACH
	},
	"bsd": {
		61: Refused,     // ECONNREFUSED
		54: Reset,       // ECONNRESET
		53: Reset,       // ECONNABORTED
		32: Reset,       // EPIPE
		60: TimedOut,    // ETIMEDOUT
		65: Unreachable, // EHOSTUNREACH
		51: Unreachable, // ENETUNREACH
	},
	"windows": {
		10061: Refused,     // WSAECONNREFUSED: ConnectEx's "actively refused"
		1225:  Refused,     // ERROR_CONNECTION_REFUSED
		10054: Reset,       // WSAECONNRESET
		10053: Reset,       // WSAECONNABORTED
		64:    Reset,       // ERROR_NETNAME_DELETED: a reset seen by overlapped I/O
		1236:  Reset,       // ERROR_CONNECTION_ABORTED
		10060: TimedOut,    // WSAETIMEDOUT
		121:   TimedOut,    // ERROR_SEM_TIMEOUT
		10065: Unreachable, // WSAEHOSTUNREACH
		10051: Unreachable, // WSAENETUNREACH
		1232:  Unreachable, // ERROR_HOST_UNREACHABLE
		1231:  Unreachable, // ERROR_NETWORK_UNREACHABLE
	},
}
