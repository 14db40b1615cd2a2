-- Statistics (export stats, /stats) read every removal and count every
-- post. Measured on an archive of 645,161 posts and 1,000,000 events:
-- without these, the removals' query stepped through all events in post
-- order to keep one in eight, and the counts read every post's full row.
-- Partial: only removed and restricted events (an eighth there).
CREATE INDEX events_removals ON events(post_id, id) WHERE type IN ('removed', 'restricted');
-- Covering the counts: source, platform and the month's two times.
CREATE INDEX posts_stats ON posts(source_id, platform, published, first_seen);
