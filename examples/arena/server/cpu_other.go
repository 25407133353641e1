//go:build !unix

package main

import (
	"runtime"
	"time"
)

// cpuTime is not measured on this platform.
func cpuTime() time.Duration { return 0 }

func numGoroutine() int { return runtime.NumGoroutine() }
