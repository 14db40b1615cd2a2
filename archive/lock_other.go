//go:build !unix

package archive

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

// lockFile falls back to an exclusive create where flock is missing; a
// lock left by a crash must then be removed by hand, as the error says.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if errors.Is(err, os.ErrExist) {
		holder, _ := os.ReadFile(path)
		return nil, &LockedError{Path: path, PID: string(holder), Stale: true}
	}
	if err != nil {
		return nil, fmt.Errorf("archive: lock %s: %w", path, err)
	}
	_, _ = f.WriteString(strconv.Itoa(os.Getpid()))
	return f, nil
}

// lockHeld reports whether path's lock file is there: without flock a
// crashed writer's lock cannot be told from a running one's.
func lockHeld(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func unlockFile(f *os.File) error {
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
