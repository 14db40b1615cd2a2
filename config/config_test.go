package config

import (
	"slices"
	"testing"
)

func TestConfig_Hosts(t *testing.T) {
	c := &Config{
		Sources: []Source{
			{URL: "https://Party.example/feed"}, {URL: "http://127.0.0.2:8080/x", APIBase: "http://127.0.0.2:9090/api"},
			{URL: "https://bsky.app/profile/x", PDSBase: "https://pds.example"}, {URL: "not a url at all"},
		},
		ReportChannels: []ReportChannel{{URL: "https://moi.gov.example/reports"}},
	}
	want := []string{"party.example:443", "127.0.0.2:8080", "127.0.0.2:9090", "bsky.app:443", "pds.example:443", "moi.gov.example:443"}
	if got := c.Hosts(); !slices.Equal(got, want) {
		t.Errorf("Hosts() = %v, want %v", got, want)
	}
}
