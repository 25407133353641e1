package websocket

import (
	"testing"

	"github.com/hybridws/websocket/internal/wire"
)

// The exported numbers are written out (so that godoc shows them) and
// must be the ones the backends use, from internal/wire.
func TestNumbersMatchWire(t *testing.T) {
	for _, c := range []struct {
		name      string
		api, wire int
	}{
		{"DataTypeText", int(DataTypeText), wire.OpText},
		{"DataTypeBinary", int(DataTypeBinary), wire.OpBinary},
		{"CloseNormalClosure", CloseNormalClosure, wire.CloseNormalClosure},
		{"CloseGoingAway", CloseGoingAway, wire.CloseGoingAway},
		{"CloseProtocolError", CloseProtocolError, wire.CloseProtocolError},
		{"CloseUnsupportedData", CloseUnsupportedData, wire.CloseUnsupportedData},
		{"CloseNoStatusReceived", CloseNoStatusReceived, wire.CloseNoStatusReceived},
		{"CloseAbnormalClosure", CloseAbnormalClosure, wire.CloseAbnormalClosure},
		{"CloseInvalidFramePayloadData", CloseInvalidFramePayloadData, wire.CloseInvalidFramePayloadData},
		{"ClosePolicyViolation", ClosePolicyViolation, wire.ClosePolicyViolation},
		{"CloseMessageTooBig", CloseMessageTooBig, wire.CloseMessageTooBig},
		{"CloseMandatoryExtension", CloseMandatoryExtension, wire.CloseMandatoryExtension},
		{"CloseInternalServerErr", CloseInternalServerErr, wire.CloseInternalServerErr},
		{"CloseServiceRestart", CloseServiceRestart, wire.CloseServiceRestart},
		{"CloseTryAgainLater", CloseTryAgainLater, wire.CloseTryAgainLater},
		{"CloseTLSHandshake", CloseTLSHandshake, wire.CloseTLSHandshake},
	} {
		if c.api != c.wire {
			t.Errorf("%s = %d, internal/wire says %d", c.name, c.api, c.wire)
		}
	}
}
