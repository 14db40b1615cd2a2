package config

import (
	"errors"
	"testing"
)

func TestDefault_Validate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

// A config built in code has no positions: errors name the key alone, and
// empty schedules and vantages stand for their defaults.
func TestConfig_Validate_inCode(t *testing.T) {
	cfg := Default()
	cfg.Actors = []Actor{
		{ID: "a", Name: "A", Affiliation: "media"},
		{ID: "a", Name: "B", Affiliation: "media"},
	}
	cfg.Sources = []Source{
		{ID: "s", Actor: "a", Platform: "feed", URL: "https://example.org/feed.xml"},
	}
	err := cfg.Validate()
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Validate() = %v, want an ErrorList", err)
	}
	want := `<config>: actors[1].id: duplicate id "a" (first at actors[0].id)`
	if err.Error() != want {
		t.Errorf("Validate() = %q, want %q", err, want)
	}

	cfg.Actors = cfg.Actors[:1]
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
	cfg.ApplyDefaults()
	if s := cfg.Sources[0]; s.Schedule != cfg.DefaultSchedule || s.Vantage != Direct {
		t.Errorf("after ApplyDefaults: schedule %q vantage %q", s.Schedule, s.Vantage)
	}
}

func TestFieldError_Error(t *testing.T) {
	tests := []struct {
		e    FieldError
		want string
	}{
		{FieldError{File: "tw.yaml", Line: 12, Col: 5, Key: "sources[1].schedule", Msg: "bad"}, "tw.yaml:12:5: sources[1].schedule: bad"},
		{FieldError{File: "tw.yaml", Key: "data_dir", Msg: "required"}, "tw.yaml: data_dir: required"},
		{FieldError{Key: "data_dir", Msg: "required"}, "<config>: data_dir: required"},
		{FieldError{File: "tw.yaml", Line: 3, Col: 1, Msg: "syntax error: x"}, "tw.yaml:3:1: syntax error: x"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestErrorList_As(t *testing.T) {
	var err error = ErrorList{{File: "f", Line: 1, Col: 2, Key: "k", Msg: "m"}, {File: "f", Key: "j", Msg: "n"}}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Key != "k" {
		t.Errorf("errors.As to *FieldError: %v", fe)
	}
	if got, want := err.Error(), "f:1:2: k: m\nf: j: n"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
