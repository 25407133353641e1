//go:build linux || android || darwin || ios || freebsd || netbsd || openbsd || dragonfly

package neterr

import (
	"syscall"
	"testing"
)

// The table for the OS these tests run on agrees with its syscall package.
func TestTableMatchesSyscall(t *testing.T) {
	for errno, want := range map[syscall.Errno]Cause{
		syscall.ECONNREFUSED: Refused,
		syscall.ECONNRESET:   Reset,
		syscall.ECONNABORTED: Reset,
		syscall.EPIPE:        Reset,
		syscall.ETIMEDOUT:    TimedOut,
		syscall.EHOSTUNREACH: Unreachable,
		syscall.ENETUNREACH:  Unreachable,
	} {
		if got := Classify(errno); got != want {
			t.Errorf("Classify(%v [%d]) = %v, want %v", errno, uintptr(errno), got, want)
		}
	}
}
