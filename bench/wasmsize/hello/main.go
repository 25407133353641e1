// Command hello prints one line and nothing more: the Go runtime alone,
// the floor of every Go program in a browser. make bench builds it for
// js/wasm for the size table in BENCHMARKS.md (size.go).
package main

func main() {
	println("hello")
}
