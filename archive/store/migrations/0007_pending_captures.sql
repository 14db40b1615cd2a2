-- A listing answer fetched conditionally stays pending until the posts read
-- from it are committed: only then may its validators make the next request
-- conditional. A process stopped between the two (killed, out of disk space,
-- past its drain) had left a committed capture whose ETag earned a 304, and
-- the posts it held were never read.
ALTER TABLE captures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
-- Listing answers archived before this are pending: the first cycle after
-- the upgrade reads each listing whole once, and so finds the posts such a
-- stop had left unread (one full download per source, once).
UPDATE captures SET pending = 1 WHERE kind = 'listing';
-- A source's newest listing answer, looked up at each collection (one left
-- pending by a stop is read again from the archive).
CREATE INDEX captures_listings ON captures(source_id, at) WHERE kind = 'listing';
