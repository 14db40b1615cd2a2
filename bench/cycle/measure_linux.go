package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// selfUsage is this process's CPU time and peak RSS so far.
func selfUsage() (usage, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}, fmt.Errorf("getrusage: %w", err)
	}
	return fromRusage(&ru), nil
}

func fromRusage(ru *syscall.Rusage) usage {
	return usage{
		user:   time.Duration(ru.Utime.Nano()),
		sys:    time.Duration(ru.Stime.Nano()),
		maxRSS: ru.Maxrss * 1024, // KiB on Linux
	}
}

// procUsage reads a running process's CPU time (/proc/PID/stat, in clock
// ticks) and peak RSS (VmHWM of /proc/PID/status).
func procUsage(pid int) (usage, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return usage{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return usage{}, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(stat[end+1:]))
	// After the name: field 3 (state) is f[0], so utime (14) is f[11], stime (15) f[12].
	if len(f) < 13 {
		return usage{}, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return usage{}, fmt.Errorf("/proc/%d/stat: bad CPU times", pid)
	}
	u := usage{
		user: time.Duration(ut) * time.Second / clockTicks,
		sys:  time.Duration(st) * time.Second / clockTicks,
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return usage{}, err
	}
	for l := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				u.maxRSS = kb * 1024
			}
		}
	}
	return u, nil
}

// exitedUsage is a waited-for child's whole CPU time and peak RSS.
func exitedUsage(cmd *exec.Cmd) (usage, bool) {
	if cmd.ProcessState == nil {
		return usage{}, false
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return usage{}, false
	}
	return fromRusage(ru), true
}

// dieWithParent makes the child get SIGTERM if this process dies first, so
// a crashed bench leaves no sandbox behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
