package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A memory cgroup for one engine's child process (-memlimit): the kernel
// then keeps the child's resident set, the pages of its mapped index files
// included, under the limit by reclaiming file pages, and kills it if its
// own memory (heap) does not fit. cgroup v2 and v1 are both handled; the
// bench needs to be allowed to create groups (root in a container, or a
// delegated subtree).
type memGroup struct {
	dir string
	v2  bool
}

// newMemGroup creates a cgroup named name with a memory limit of limit bytes.
func newMemGroup(name string, limit int64) (*memGroup, error) {
	g := &memGroup{dir: filepath.Join("/sys/fs/cgroup/memory", name)}
	limitFile := "memory.limit_in_bytes"
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		base := "/sys/fs/cgroup"
		if self, err := os.ReadFile("/proc/self/cgroup"); err == nil {
			// "0::/path" on a pure v2 system: create beside ourselves
			for _, l := range strings.Split(strings.TrimSpace(string(self)), "\n") {
				if p, ok := strings.CutPrefix(l, "0::"); ok {
					base = filepath.Join(base, filepath.Dir(p))
				}
			}
		}
		g = &memGroup{dir: filepath.Join(base, name), v2: true}
		limitFile = "memory.max"
	}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, fmt.Errorf("memory cgroup: %w", err)
	}
	if err := os.WriteFile(filepath.Join(g.dir, limitFile), []byte(strconv.FormatInt(limit, 10)), 0o644); err != nil {
		g.remove()
		return nil, fmt.Errorf("memory cgroup: limit: %w", err)
	}
	return g, nil
}

// peak is the most memory the group was charged (resident pages and page
// cache), where the kernel tells it.
func (g *memGroup) peak() int64 {
	name := "memory.max_usage_in_bytes"
	if g.v2 {
		name = "memory.peak"
	}
	b, err := os.ReadFile(filepath.Join(g.dir, name))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

func (g *memGroup) remove() error {
	return os.Remove(g.dir)
}

// joinMemGroup moves this process into the cgroup directory dir.
func joinMemGroup(dir string) error {
	if dir == "" {
		return nil
	}
	err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	if err != nil {
		return fmt.Errorf("join memory cgroup: %w", err)
	}
	return nil
}
