-- Actors and sources mirror the config; rows stay when the config drops
-- them, so old evidence keeps its actor.
CREATE TABLE actors (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sources (
    id                   TEXT PRIMARY KEY,
    actor_id             TEXT NOT NULL REFERENCES actors(id),
    platform             TEXT NOT NULL,
    url                  TEXT NOT NULL,
    schedule             TEXT NOT NULL,
    vantage              TEXT NOT NULL DEFAULT 'direct',
    active               INTEGER NOT NULL DEFAULT 1,
    status               TEXT NOT NULL DEFAULT 'new',
    last_attempt         TEXT,
    last_success         TEXT,
    last_error           TEXT,
    last_error_at        TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    cursor               TEXT NOT NULL DEFAULT ''
);

-- One fetch of a URL. A fetch that got no HTTP answer has no WARC record:
-- status 0 and the error.
CREATE TABLE captures (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    source_id      TEXT REFERENCES sources(id),
    at             TEXT NOT NULL,
    status         INTEGER NOT NULL,
    content_type   TEXT NOT NULL DEFAULT '',
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    payload_digest TEXT NOT NULL DEFAULT '',
    block_digest   TEXT NOT NULL DEFAULT '',
    record_type    TEXT NOT NULL DEFAULT '',
    record_id      TEXT NOT NULL DEFAULT '',
    warc_file      TEXT NOT NULL DEFAULT '',
    warc_offset    INTEGER NOT NULL DEFAULT 0,
    warc_length    INTEGER NOT NULL DEFAULT 0,
    request_offset INTEGER NOT NULL DEFAULT 0,
    request_length INTEGER NOT NULL DEFAULT 0,
    truncated      INTEGER NOT NULL DEFAULT 0,
    vantage        TEXT NOT NULL DEFAULT 'direct',
    error          TEXT NOT NULL DEFAULT '',
    revisit_of     INTEGER REFERENCES captures(id)
);
CREATE INDEX captures_url_at ON captures(url, at);
CREATE INDEX captures_file ON captures(warc_file, warc_offset);

CREATE TABLE posts (
    id                 TEXT PRIMARY KEY,
    platform           TEXT NOT NULL,
    platform_id        TEXT NOT NULL,
    source_id          TEXT NOT NULL REFERENCES sources(id),
    post_url           TEXT NOT NULL,
    canonical_url      TEXT NOT NULL,
    published          TEXT,
    first_seen         TEXT NOT NULL,
    last_seen_live     TEXT,
    state              TEXT NOT NULL DEFAULT 'live',
    reason             TEXT,
    detail             TEXT,
    first_seen_missing TEXT,
    likely_correction  INTEGER NOT NULL DEFAULT 0,
    imported           INTEGER NOT NULL DEFAULT 0,
    current_version    INTEGER,
    next_check_at      TEXT,
    check_step         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, platform_id)
);
CREATE INDEX posts_source ON posts(source_id, published);
CREATE INDEX posts_canonical ON posts(canonical_url);
CREATE INDEX posts_next_check ON posts(next_check_at);

-- One distinct normalized content of a post.
CREATE TABLE versions (
    id         INTEGER PRIMARY KEY,
    post_id    TEXT NOT NULL REFERENCES posts(id),
    digest     TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    media      TEXT NOT NULL DEFAULT '[]',
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id)
);
CREATE INDEX versions_post ON versions(post_id, id);

CREATE TABLE version_media (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    PRIMARY KEY (version_id, capture_id)
);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    type               TEXT NOT NULL,
    at                 TEXT NOT NULL,
    post_id            TEXT REFERENCES posts(id),
    source_id          TEXT REFERENCES sources(id),
    reason             TEXT,
    detail             TEXT,
    likely_correction  INTEGER NOT NULL DEFAULT 0,
    last_seen_live     TEXT,
    first_seen_missing TEXT,
    diff               TEXT,
    metric_name        TEXT,
    metric_from        REAL,
    metric_to          REAL,
    parent_id          INTEGER REFERENCES events(id)
);
CREATE INDEX events_post ON events(post_id, id);
CREATE INDEX events_at ON events(at);

CREATE TABLE event_evidence (
    event_id   INTEGER NOT NULL REFERENCES events(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    PRIMARY KEY (event_id, capture_id)
);

CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    channel      TEXT NOT NULL,
    channel_id   TEXT NOT NULL DEFAULT '',
    reporter     TEXT NOT NULL DEFAULT '',
    filed_at     TEXT,
    kind         TEXT NOT NULL DEFAULT 'other',
    legal_basis  TEXT NOT NULL DEFAULT '',
    jurisdiction TEXT NOT NULL DEFAULT '',
    source_url   TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL,
    capture_id   INTEGER REFERENCES captures(id),
    raw          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE report_targets (
    report_id     TEXT NOT NULL REFERENCES reports(id),
    url           TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    post_id       TEXT REFERENCES posts(id),
    PRIMARY KEY (report_id, url)
);
CREATE INDEX report_targets_post ON report_targets(post_id);
CREATE INDEX report_targets_canonical ON report_targets(canonical_url);

CREATE TABLE metrics (
    source_id  TEXT NOT NULL REFERENCES sources(id),
    at         TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      REAL NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    PRIMARY KEY (source_id, name, at)
);
