-- Exports and feeds count, for every event, the removals folded into it
-- (events whose parent it is). Without an index that count scans the whole
-- events table once per event: an export of a million events never ends.
-- Partial: only account_gone folding sets parent_id.
CREATE INDEX events_parent ON events(parent_id) WHERE parent_id IS NOT NULL;
