package main

import "sync/atomic"

// visibility is what a browser's page-visibility callback and its
// hidden-page timer share with the game's loop: atomics only, so the loop
// reads it every frame without a lock.
type visibility struct {
	since  atomic.Int64 // when the page was hidden (Unix ns); 0 while it shows
	checks atomic.Int64 // rounds of the hidden-page timer so far
}

func (v *visibility) hidden() bool { return v.since.Load() != 0 }
