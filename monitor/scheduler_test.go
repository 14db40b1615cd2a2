package monitor

import (
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// A failing archive is logged at error once, then at debug while it goes
// on, and its recovery once at info: a full disk had every job of every
// cycle log the same error.
func TestScheduler_ArchiveFailureLoggedOnce(t *testing.T) {
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	s := &Scheduler{log: logrus.NewEntry(log)}
	s.archiveWrites() // nothing failed: nothing to say
	for range 3 {
		s.archiveFailed(s.log, "archive failure while collecting")
	}
	s.archiveWrites()
	s.archiveWrites()
	var levels []logrus.Level
	for _, e := range hook.AllEntries() {
		levels = append(levels, e.Level)
	}
	want := []logrus.Level{logrus.ErrorLevel, logrus.DebugLevel, logrus.DebugLevel, logrus.InfoLevel}
	if len(levels) != len(want) {
		t.Fatalf("levels %v, want %v", levels, want)
	}
	for i := range want {
		if levels[i] != want[i] {
			t.Fatalf("levels %v, want %v", levels, want)
		}
	}
	if msg := hook.AllEntries()[3].Message; msg != "the archive writes again" {
		t.Errorf("recovery logged as %q", msg)
	}
}
