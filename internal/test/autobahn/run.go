//go:build !js

package autobahn

import "time"

// Run runs cases one after the other against the echo client (natively, in
// this process) and returns their verdicts, in order. progress, when not
// nil, gets each result as it comes. patience is Start's.
func Run(cases []*Case, mistake Mistake, patience float64, progress func(*Result)) ([]*Result, error) {
	s, err := Start(cases, patience)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	for i := range cases {
		Echo(s.CaseURL(i+1), mistake, 3*time.Minute)
		// The verdict follows the client's DISCONNECTED at once, unless the
		// client never reached the server.
		if r := s.Await(i+1, time.Minute); r != nil && progress != nil {
			progress(r)
		}
	}
	return s.Results(), nil
}
