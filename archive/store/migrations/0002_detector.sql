-- What the detector needs to confirm a removal across cycles: the pending
-- answer class, how many answers counted, when the last one counted, its
-- detail and the captures they rest on; and transient answers in a row for
-- the backoff. Sources get the same for account-level answers.
ALTER TABLE posts ADD COLUMN pending_class TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN pending_at TEXT;
ALTER TABLE posts ADD COLUMN pending_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN pending_evidence TEXT NOT NULL DEFAULT '[]';
ALTER TABLE posts ADD COLUMN transients INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN removal_event INTEGER REFERENCES events(id);

ALTER TABLE sources ADD COLUMN pending_class TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN pending_at TEXT;
ALTER TABLE sources ADD COLUMN pending_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN pending_evidence TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sources ADD COLUMN gone_at TEXT;
ALTER TABLE sources ADD COLUMN gone_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_seen_live TEXT;
ALTER TABLE sources ADD COLUMN missing_since TEXT;

CREATE INDEX posts_state_due ON posts(state, next_check_at);

CREATE INDEX posts_url ON posts(post_url);
