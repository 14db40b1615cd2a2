-- Posts whose search documents must be (re)written: the indexer reads the
-- log after the index's watermark, so the index can be behind the metadata
-- but never ahead. Triggers write it in the same transaction as the change
-- itself, and only for changes the index shows (a new version, state,
-- reason, removal time, reports): seeing a post again changes nothing.
CREATE TABLE index_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id TEXT NOT NULL
);

CREATE TRIGGER index_log_post_insert AFTER INSERT ON posts
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.id);
END;

CREATE TRIGGER index_log_post_update AFTER UPDATE OF state, reason, first_seen_missing, current_version, published ON posts
WHEN old.state IS NOT new.state OR old.reason IS NOT new.reason OR old.current_version IS NOT new.current_version
    OR old.published IS NOT new.published
    OR (new.state = 'removed' AND old.first_seen_missing IS NOT new.first_seen_missing)
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.id);
END;

CREATE TRIGGER index_log_report AFTER INSERT ON report_targets
WHEN new.post_id IS NOT NULL
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.post_id);
END;

CREATE TRIGGER index_log_report_match AFTER UPDATE OF post_id ON report_targets
WHEN new.post_id IS NOT NULL AND new.post_id IS NOT old.post_id
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.post_id);
END;

-- Every post archived before the index existed is due once.
INSERT INTO index_log (post_id) SELECT id FROM posts ORDER BY first_seen;
