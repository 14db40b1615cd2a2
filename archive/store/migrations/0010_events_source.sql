-- The events of an actor, an affiliation or a source (their feeds and
-- pages, newest first) are found by their source: without an index every
-- event was read for a quiet actor's feed, about half a second at 300,000
-- events. An event without a source of its own takes its post's, which
-- is what the feeds have always counted it under.
UPDATE events SET source_id = (SELECT source_id FROM posts WHERE posts.id = events.post_id)
WHERE source_id IS NULL AND post_id IS NOT NULL;
CREATE INDEX events_source ON events(source_id, id);
