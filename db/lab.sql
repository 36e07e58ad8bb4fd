-- The loopback lab: a test PBX inside, a test carrier outside.
INSERT INTO zone (id, name) VALUES (1, 'internal'), (2, 'external');
INSERT INTO trunk (id, name, zone_id) VALUES (1, 'pbx', 1), (2, 'carrier', 2);
INSERT INTO trunk_source (trunk_id, address) VALUES (1, '127.0.0.11'), (2, '127.0.0.21');
INSERT INTO trunk_target (trunk_id, host, port, transport)
	VALUES (1, '127.0.0.11', 5060, 'udp'), (2, '127.0.0.21', 5060, 'udp');
INSERT INTO route (from_trunk_id, prefix, target_trunk_id) VALUES (1, '', 2), (2, '', 1);
