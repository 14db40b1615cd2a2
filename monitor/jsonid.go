package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSONID is a platform id read from JSON: a string in the platforms' own
// APIs, a number in some servers, captures and proxies that imitate them;
// null reads as "".
type JSONID string

// UnmarshalJSON accepts a string, a number or null.
func (i *JSONID) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*i = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*i = JSONID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id %s is neither a string nor a number", b)
	}
	*i = JSONID(n.String())
	return nil
}
