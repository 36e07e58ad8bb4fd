-- Version 5: a revision number for the policy, raised by every change to
-- a policy table, whoever makes it (the tool, the sqlite3 shell, another
-- program).  The loader reads it when the file has changed and reloads
-- only when it moved: CDR rows share this file, and their commits alone
-- must not reload the policy.
--
-- A table added to the policy later needs the same three triggers
-- (unit.db_migrate checks that every table but the CDR ones has them).

CREATE TABLE policy_revision (
	id	INTEGER PRIMARY KEY CHECK (id = 1),
	rev	INTEGER NOT NULL
);
INSERT INTO policy_revision (id, rev) VALUES (1, 1);

CREATE TRIGGER zone_insert_rev AFTER INSERT ON zone
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER zone_update_rev AFTER UPDATE ON zone
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER zone_delete_rev AFTER DELETE ON zone
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_insert_rev AFTER INSERT ON trunk
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_update_rev AFTER UPDATE ON trunk
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_delete_rev AFTER DELETE ON trunk
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_source_insert_rev AFTER INSERT ON trunk_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_source_update_rev AFTER UPDATE ON trunk_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_source_delete_rev AFTER DELETE ON trunk_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_target_insert_rev AFTER INSERT ON trunk_target
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_target_update_rev AFTER UPDATE ON trunk_target
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_target_delete_rev AFTER DELETE ON trunk_target
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_header_insert_rev AFTER INSERT ON trunk_header
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_header_update_rev AFTER UPDATE ON trunk_header
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER trunk_header_delete_rev AFTER DELETE ON trunk_header
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER number_rule_insert_rev AFTER INSERT ON number_rule
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER number_rule_update_rev AFTER UPDATE ON number_rule
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER number_rule_delete_rev AFTER DELETE ON number_rule
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER route_insert_rev AFTER INSERT ON route
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER route_update_rev AFTER UPDATE ON route
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER route_delete_rev AFTER DELETE ON route
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_prefix_insert_rev AFTER INSERT ON blocked_prefix
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_prefix_update_rev AFTER UPDATE ON blocked_prefix
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_prefix_delete_rev AFTER DELETE ON blocked_prefix
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_source_insert_rev AFTER INSERT ON blocked_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_source_update_rev AFTER UPDATE ON blocked_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
CREATE TRIGGER blocked_source_delete_rev AFTER DELETE ON blocked_source
BEGIN UPDATE policy_revision SET rev = rev + 1; END;
