//go:build linux || darwin || freebsd || netbsd || openbsd

package index

import "golang.org/x/sys/unix"

const canAdvise = true

func adviseRandom(b []byte) {
	if len(b) > 0 {
		_ = unix.Madvise(b, unix.MADV_RANDOM)
	}
}
