//go:build js && wasm && hybridws_lean

package websocket

// With the build tag hybridws_lean, a js/wasm program gets these two types
// for Params.TLSConfig and HandshakeResponse.Headers instead of
// crypto/tls's Config and net/http's Header (nativetypes_full.go).
//
// Why: a field of type *tls.Config or http.Header makes every program that
// imports this package link crypto/tls and net/http, their package
// initialisers and the code those reach, although no browser path uses
// them (a page cannot choose TLS, and browsers expose no response
// headers). They are most of the JavaScript API's websocket.wasm, and of a
// small Go page. A build tag was chosen over a second, browser-only
// package: the default API stays exactly as it is for every program that
// sets TLSConfig or calls http.Header methods, natively and in browsers;
// there is one Params and one Connect to document, test and keep in step;
// and a page opts in with one flag. The tag changes nothing natively (the
// native transport needs crypto/tls and net/http anyway), so only js/wasm
// builds see these types. The JavaScript API (./shim) is always built with
// it; README's "Download size" section has the sizes.

// TLSConfig is empty in a lean build: browsers choose TLS themselves, so a
// page has nothing to configure and Params.TLSConfig is left nil.
type TLSConfig struct{}

// Header maps canonical header names ("Sec-Websocket-Protocol") to their
// values, as net/http's Header does. Browsers expose no response headers,
// so HandshakeResponse.Headers is always empty in a browser.
type Header map[string][]string

// Get returns the first value of the header named key (in any case), ""
// if there is none, as http.Header's Get does.
func (h Header) Get(key string) string {
	if v := h[canonicalKey(key)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Values returns every value of the header named key (in any case), as
// http.Header's Values does.
func (h Header) Values(key string) []string { return h[canonicalKey(key)] }
