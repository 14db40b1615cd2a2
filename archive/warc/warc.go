// Package warc writes and reads the archive's WARC 1.1 files: one gzip
// member per record, request/response pairs, revisits, size rotation,
// credentials redacted, and crash recovery of the file being written.
package warc

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// Suffixes of the files this package writes.
const (
	Ext        = ".warc.gz"
	OpenSuffix = ".open" // a file still being written; renamed when closed
)

// Digest algorithm of every block and payload digest, as written in records
// and stored in metadata ("sha256:" + lowercase hex).
const digestAlgorithm = "sha256"

// PayloadDigest returns the WARC payload digest of a body, in the form
// written to records.
func PayloadDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return digestAlgorithm + ":" + hex.EncodeToString(sum[:])
}

// Exchange is one HTTP request and the answer to it, as fetched.
type Exchange struct {
	Method        string // default GET
	URL           string
	RequestHeader http.Header
	Proto         string // e.g. "HTTP/1.1"; default HTTP/1.1
	StatusCode    int
	Status        string // e.g. "200 OK"; default from StatusCode
	Header        http.Header
	Body          []byte
	// Truncated says the body was cut at the size cap (WARC-Truncated: length).
	Truncated bool
	Date      time.Time
	IP        string
	// Vantage is the network path that fetched it (direct or a proxy name).
	Vantage string
}

// Previous is the last response record archived for the same URL: when the
// new payload digest equals it, the answer is written as a revisit.
type Previous struct {
	RecordID      string
	TargetURI     string
	Date          time.Time
	PayloadDigest string
}

// Position locates one record in the archive.
type Position struct {
	File     string // base name of the final file (without OpenSuffix)
	Offset   int64  // of the record's gzip member
	Length   int64  // compressed bytes of the member
	RecordID string // <urn:uuid:…>
}

// Written is what WriteExchange wrote.
type Written struct {
	Response      Position // the response or revisit record
	Request       Position
	Type          string // "response" or "revisit"
	Profile       string // revisit profile, when Type is revisit
	BlockDigest   string
	PayloadDigest string // of the body as archived (after redaction)
}

// Revisit profiles, as the records name them.
const (
	ProfileIdenticalPayload = gowarc.ProfileIdenticalPayloadDigestV1_1
	ProfileNotModified      = gowarc.ProfileServerNotModifiedV1_1
)

// libMu serializes the library's constructors: each one resets a global
// of github.com/google/uuid (EnableRandPool), a data race when records are
// built or read from several goroutines at once.
var libMu sync.Mutex

func newRecordBuilder(t gowarc.RecordType, opts ...gowarc.WarcRecordOption) gowarc.WarcRecordBuilder {
	libMu.Lock()
	defer libMu.Unlock()
	return gowarc.NewRecordBuilder(t, opts...)
}

func newFileReader(path string, offset int64, opts ...gowarc.WarcRecordOption) (*gowarc.WarcFileReader, error) {
	libMu.Lock()
	defer libMu.Unlock()
	return gowarc.NewWarcFileReader(path, offset, opts...)
}

func newStreamReader(r io.Reader, offset int64, opts ...gowarc.WarcRecordOption) (*gowarc.WarcFileReader, error) {
	libMu.Lock()
	defer libMu.Unlock()
	return gowarc.NewWarcFileReaderFromStream(r, offset, opts...)
}
