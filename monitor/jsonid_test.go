package monitor

import (
	"encoding/json"
	"testing"
)

func TestJSONID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{`"109876543210"`, "109876543210", false},
		{`109876543210`, "109876543210", false},
		{`12345678901234567890123`, "12345678901234567890123", false}, // past int64: kept as written
		{`null`, "", false},
		{`"123_456"`, "123_456", false},
		{`true`, "", true},
		{`{"id":1}`, "", true},
	} {
		var got struct{ ID JSONID }
		err := json.Unmarshal([]byte(`{"ID":`+tc.in+`}`), &got)
		if (err != nil) != tc.err || string(got.ID) != tc.want {
			t.Errorf("%s: %q, %v; want %q, error %v", tc.in, got.ID, err, tc.want, tc.err)
		}
	}
}
