-- The platforms of each source's posts. A post's platform is usually its
-- source's, but not always (a CrowdTangle history of Facebook posts
-- imported under a page followed through a feed bridge): a platform's
-- feed finds its events through the sources that hold posts of it
-- (events_source) rather than by reading every event, and needs them
-- all. Entries are only added: one left by a post that moved on makes
-- the set larger, never wrong.
CREATE TABLE source_platforms (
    source_id TEXT NOT NULL,
    platform  TEXT NOT NULL,
    PRIMARY KEY (source_id, platform)
) WITHOUT ROWID;
INSERT OR IGNORE INTO source_platforms (source_id, platform) SELECT DISTINCT source_id, platform FROM posts;

CREATE TRIGGER source_platforms_post AFTER INSERT ON posts
BEGIN
    INSERT OR IGNORE INTO source_platforms (source_id, platform) VALUES (new.source_id, new.platform);
END;

CREATE TRIGGER source_platforms_move AFTER UPDATE OF source_id ON posts
WHEN old.source_id IS NOT new.source_id
BEGIN
    INSERT OR IGNORE INTO source_platforms (source_id, platform) VALUES (new.source_id, new.platform);
END;
