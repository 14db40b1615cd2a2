//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package index

const canAdvise = false

func adviseRandom([]byte) {}
