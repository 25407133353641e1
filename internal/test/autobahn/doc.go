// Package autobahn ports the client test cases of the Autobahn|Testsuite
// (github.com/crossbario/autobahn-testsuite) to Go: a fuzzing server that
// runs each case over raw TCP, with its own upgrade, frame writer and frame
// reader, and judges the client by Autobahn's rules from what it does on
// the wire; and an echo client that uses only the library's public API.
//
// The facts (payloads, frame sequences, expected outcomes and verdict
// rules) are Autobahn's; the code is this project's. Categories 1 to 7,
// 9, 10, 12 and 13 are ported: all 517 client cases. Where Autobahn waits
// a fixed time for something that a correct client ends sooner (an echo, a
// close), the fuzzer moves on as soon as it happens, so a passing run is
// fast; the waits that must pass in silence (6.4.x) keep Autobahn's
// length.
//
// Compression (12.x, 13.x: cases_compression.go, deflate.go) is
// permessage-deflate as autobahn-python 0.10.9, the version the suite
// pins, runs it as a server: the client's offer parsed as it parses it,
// answered by the case's accept function, the fuzzer's messages
// compressed at zlib's default level (compress/flate level 6), the
// client's inflated by internal/test/inflate, which refuses a match past
// the window the answer allowed, as zlib does. Each case echoes 1,000
// messages cut from one of Autobahn's own test files (testdata/, see its
// NOTICE), about 11 GB each way for the 216 cases.
//
// It is test-only code: nothing in the library imports it.
package autobahn
