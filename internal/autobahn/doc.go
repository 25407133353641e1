// Package autobahn ports the client test cases of the Autobahn|Testsuite
// (github.com/crossbario/autobahn-testsuite) to Go: a fuzzing server that
// runs each case over raw TCP, with its own upgrade, frame writer and frame
// reader, and judges the client by Autobahn's rules from what it sends on the
// wire; and an echo client that uses only the library's public API.
//
// The facts (payloads, frame sequences, expected outcomes and verdict
// rules) are Autobahn's; the code is this project's. Categories 1 to 7, 9
// and 10 are ported. Compression (12 and 13) is left for when the library
// negotiates permessage-deflate: a case then only needs an Extensions answer
// in the upgrade (see Case.Extensions).
//
// It is test-only code: nothing in the library imports it.
package autobahn
