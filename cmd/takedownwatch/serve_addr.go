package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// serveAddrFile, in the data directory, holds the URL a running serve
// answers on. The config's http.listen is not enough to find it: `serve
// --listen` overrides it, and the demo may listen on a port the kernel
// chose. Commands that must ask serve (reindex) read it.
const serveAddrFile = "serve.addr"

// writeServeAddr records the address serve listens on, and returns the
// function that removes the record when serve stops. The file is written
// beside and renamed into place, so a reader never sees half an address.
func writeServeAddr(dataDir, listenAddr string) (remove func(), err error) {
	path := filepath.Join(dataDir, serveAddrFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte("http://"+dialAddr(listenAddr)+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("record serve's address: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("record serve's address: %w", err)
	}
	return func() { os.Remove(path) }, nil
}

// readServeAddr returns the URL the serve holding dataDir recorded, or ""
// when none did (a serve of an older release, or a snapshot holding it).
func readServeAddr(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, serveAddrFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read serve's address: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
