-- Reports are stored once however many channels bring them (same
-- reporter, filing time and target set: the fingerprint). A report may
-- match many posts (a report naming an account), so matches get their own
-- table; report_targets keeps every URL a report named, matched or not.
ALTER TABLE reports ADD COLUMN fingerprint TEXT;
CREATE UNIQUE INDEX reports_fingerprint ON reports(fingerprint);
CREATE INDEX reports_filed ON reports(filed_at);

CREATE TABLE report_posts (
    report_id  TEXT NOT NULL REFERENCES reports(id),
    post_id    TEXT NOT NULL REFERENCES posts(id),
    target_url TEXT NOT NULL,
    matched_at TEXT NOT NULL,
    PRIMARY KEY (report_id, post_id)
);
CREATE INDEX report_posts_post ON report_posts(post_id);
INSERT INTO report_posts (report_id, post_id, target_url, matched_at)
    SELECT report_id, post_id, url, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM report_targets WHERE post_id IS NOT NULL;

DROP TRIGGER index_log_report;
DROP TRIGGER index_log_report_match;
CREATE TRIGGER index_log_report_post AFTER INSERT ON report_posts
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.post_id);
END;

-- Reported posts are re-checked on the faster schedule, from the report.
ALTER TABLE posts ADD COLUMN reported_at TEXT;

-- Small facts about the archive itself (e.g. the canonicalization version
-- its canonical URLs were computed with).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
