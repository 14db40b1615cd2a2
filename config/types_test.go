package config

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    Size
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "1048576", want: MiB},
		{in: " 42 ", want: 42},
		{in: "1B", want: 1},
		{in: "10MiB", want: 10 * MiB},
		{in: "20 MiB", want: 20 * MiB},
		{in: "20mib", want: 20 * MiB},
		{in: "512KB", want: 512000},
		{in: "512kb", want: 512000},
		{in: "3 KiB", want: 3 * KiB},
		{in: "2GB", want: 2_000_000_000},
		{in: "1GiB", want: GiB},
		{in: "7MB", want: 7_000_000},
		{in: "1.5GB", want: 1_500_000_000},
		{in: "1.5KiB", want: 1536},
		{in: "8589934591GiB", want: 8589934591 * GiB}, // just fits in int64
		{in: "", wantErr: true},
		{in: "MiB", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "10XB", wantErr: true},
		{in: "10 M", wantErr: true},
		{in: "1.2.3MB", wantErr: true},
		{in: ".5MB", wantErr: true},
		{in: "5.MB", wantErr: true},
		{in: "0.5B", wantErr: true},
		{in: "1e3", wantErr: true},
		{in: "8589934592GiB", wantErr: true}, // 2^63: one past int64
		{in: "10 MiB extra", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseSize(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSize_String(t *testing.T) {
	tests := []struct {
		in   Size
		want string
	}{
		{0, "0B"},
		{1, "1B"},
		{10 * MiB, "10MiB"},
		{20 * MiB, "20MiB"},
		{1536, "1536B"},
		{3 * KiB, "3KiB"},
		{512000, "512KB"},
		{1024 * MiB, "1GiB"},
		{2_000_000_000, "2GB"},
		{1_500_000_000, "1500MB"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Size(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
		back, err := ParseSize(tt.want)
		if err != nil || back != tt.in {
			t.Errorf("ParseSize(%q) = %d, %v; want %d back", tt.want, back, err, int64(tt.in))
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "20s", want: 20 * time.Second},
		{in: "15m", want: 15 * time.Minute},
		{in: "168h", want: 168 * time.Hour},
		{in: "0s", want: 0},
		{in: "0", want: 0},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "-1s", want: -time.Second},
		{in: "15x", wantErr: true},
		{in: "20", wantErr: true},
		{in: "1d", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDuration(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got.D() != tt.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got.D(), tt.want)
		}
	}
	if _, err := ParseDuration("15x"); err == nil || err.Error() != `invalid duration "15x"` {
		t.Errorf("error = %v, want invalid duration \"15x\"", err)
	}
}

func TestDuration_String(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{20 * time.Second, "20s"},
		{15 * time.Minute, "15m"},
		{90 * time.Second, "1m30s"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{168 * time.Hour, "168h"},
		{500 * time.Millisecond, "500ms"},
		{-5 * time.Minute, "-5m"},
	}
	for _, tt := range tests {
		if got := Duration(tt.in).String(); got != tt.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseDuration(tt.want)
		if err != nil || back.D() != tt.in {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v back", tt.want, back.D(), err, tt.in)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr bool
	}{
		{spec: "*/15 * * * *"},
		{spec: "0 */5 * * * *"},
		{spec: "@every 5m"},
		{spec: "@hourly"},
		{spec: "CRON_TZ=Asia/Phnom_Penh 0 6 * * *"},
		{spec: "TZ=UTC @daily"},
		{spec: "", wantErr: true},
		{spec: "CRON_TZ=UTC", wantErr: true},
		{spec: "TZ=", wantErr: true},
		{spec: "61 * * * *", wantErr: true},
		{spec: "* * * * * * *", wantErr: true},
		{spec: "@fortnightly", wantErr: true},
	}
	for _, tt := range tests {
		_, err := ParseSchedule(tt.spec)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSchedule(%q) error = %v, wantErr %v", tt.spec, err, tt.wantErr)
		}
	}
}
