-- A post's search documents carry its source, its actor and the actor's
-- affiliation. They change without a change to the post itself: a source
-- renamed or replaced in the config takes over its posts (source_id), a
-- source is given to another actor, an actor's affiliation is corrected.
-- Each rewrites the documents of the posts concerned, as a new state does.
DROP TRIGGER index_log_post_update;
CREATE TRIGGER index_log_post_update AFTER UPDATE OF state, reason, first_seen_missing, current_version, published, source_id ON posts
WHEN old.state IS NOT new.state OR old.reason IS NOT new.reason OR old.current_version IS NOT new.current_version
    OR old.published IS NOT new.published OR old.source_id IS NOT new.source_id
    OR (new.state = 'removed' AND old.first_seen_missing IS NOT new.first_seen_missing)
BEGIN
    INSERT INTO index_log (post_id) VALUES (new.id);
END;

CREATE TRIGGER index_log_source_actor AFTER UPDATE OF actor_id ON sources
WHEN old.actor_id IS NOT new.actor_id
BEGIN
    INSERT INTO index_log (post_id) SELECT id FROM posts WHERE source_id = new.id;
END;

CREATE TRIGGER index_log_actor_affiliation AFTER UPDATE OF affiliation ON actors
WHEN old.affiliation IS NOT new.affiliation
BEGIN
    INSERT INTO index_log (post_id) SELECT p.id FROM posts p JOIN sources s ON s.id = p.source_id WHERE s.actor_id = new.id;
END;
