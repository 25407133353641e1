//go:build !js

package work

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used so far, user and
// system: on a loaded machine it says more about a client's own cost than
// the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
