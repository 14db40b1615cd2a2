//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

var errLinuxOnly = errors.New("bench/cycle measures CPU and memory with getrusage and /proc: Linux only")

func selfUsage() (usage, error)           { return usage{}, errLinuxOnly }
func procUsage(int) (usage, error)        { return usage{}, errLinuxOnly }
func exitedUsage(*exec.Cmd) (usage, bool) { return usage{}, false }
func dieWithParent(*exec.Cmd)             {}
