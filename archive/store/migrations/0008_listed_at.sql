-- When a listing last showed a post, and when a source's listing was last
-- read whole (a 200). A 304 to the next conditional request says that
-- listing still stands: the posts it showed were live then too. Rather than
-- rewrite them on every 304 (the unchanged cycle, the common one), the
-- source's last_success is carried over to them when it matters: before a
-- listing, a check or an account's disappearance can end their live span
-- (Tx.CatchUpListed).
ALTER TABLE posts ADD COLUMN listed_at TEXT;
ALTER TABLE sources ADD COLUMN listed_at TEXT;
