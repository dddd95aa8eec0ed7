-- Data for postgresql, written by synth. Load schema.sql first.

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
BEGIN;

-- customers
INSERT INTO "customers" ("id", "email", "remark", "tier", "referred_by", "active", "created_at", "balance") OVERRIDING SYSTEM VALUE VALUES
(1, 'patricia.conner0@taylor-villa.com', 'it''s', 'free', NULL, TRUE, '2021-11-04 01:34:08.150972+00:00', 8.72),
(2, 'margaret.mccormick1@daniels.net', 'back\slash', 'pro', 1, TRUE, '2021-01-16 18:11:43.717580+00:00', 728.54),
(3, 'kendra.nelson2@guzman.com', 'line1
line2', 'pro', 1, TRUE, '2023-02-14 00:57:54.974047+00:00', 225.19),
(4, 'katie.ramsey3@nichols.net', E'cr\r
lf', 'free', 2, FALSE, '2023-08-08 13:56:05.112629+00:00', 595.29);
INSERT INTO "customers" ("id", "email", "remark", "tier", "referred_by", "active", "created_at", "balance") OVERRIDING SYSTEM VALUE VALUES
(5, 'jennifer.wise4@moore-ayala.org', 'emoji 🎉 ünïcödé', 'pro', 1, TRUE, '2022-06-25 10:01:19.505844+00:00', 928.29);

DO $synth$ BEGIN IF pg_get_serial_sequence('"customers"', 'id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"customers"', 'id'), GREATEST(max("id"), 1)) FROM "customers" HAVING max("id") IS NOT NULL; END IF; END $synth$;
DO $synth$ BEGIN IF pg_get_serial_sequence('"customers"', 'referred_by') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"customers"', 'referred_by'), GREATEST(max("referred_by"), 1)) FROM "customers" HAVING max("referred_by") IS NOT NULL; END IF; END $synth$;

-- orders
INSERT INTO "orders" ("id", "customer_id", "order", "state", "payload", "receipt", "ship_date", "ship_time", "ref", "weight", "shape") OVERRIDING SYSTEM VALUE VALUES
(1, 3, 405, 'new', '{"id": 50016, "tag": "dow", "score": 80.33, "active": true}', '\x5c9a41727ec4'::bytea, '2023-02-04', '16:00:58.279529', '4a907392-d38d-42f6-8190-f6a9a6540ed0', 0.7242867, NULL),
(2, 5, 553, 'new', '{"id": 97177, "tag": "bemga", "score": 74.94, "active": true}', '\x8d35416606f4'::bytea, '2023-08-01', '12:00:12.892997', '1698a9ec-c25a-4059-8f33-515886eb446a', 0.5165308, NULL),
(3, 2, 19, 'new', '{"id": 80061, "tag": "fehomad", "score": 23.0, "active": true}', '\x5ad7ea1a7d24'::bytea, '2021-04-17', '02:42:39.164675', 'e1d2ad69-b11b-47ff-959c-026e06c7f88a', 0.9141471, NULL),
(4, 4, 414, 'new', '{"id": 68354, "tag": "gotul", "score": 1.93, "active": false}', '\x01fc285c5eba'::bytea, '2023-12-07', '04:28:12.654353', 'cfcc366b-98ce-43f3-ace5-1face06fd9e5', 0.22349565, NULL);
INSERT INTO "orders" ("id", "customer_id", "order", "state", "payload", "receipt", "ship_date", "ship_time", "ref", "weight", "shape") OVERRIDING SYSTEM VALUE VALUES
(5, 1, 948, 'paid', '{"id": 57767, "tag": "cunkamab", "score": 16.89, "active": false}', '\x55406c002db9'::bytea, '2021-12-07', '09:06:06.769560', 'd4aee048-20e4-49fc-ab82-da63c1b29709', 0.8403038, NULL),
(6, 2, 420, 'paid', '{"id": 64894, "tag": "sobsa", "score": 28.83, "active": false}', '\x81e41339e244'::bytea, '2021-08-05', '22:54:27.912847', '19ab4797-eff6-4e53-8dd8-1675454b52c3', 0.13100989, NULL),
(7, 4, 274, 'new', '{"id": 12477, "tag": "gojuwu", "score": 52.91, "active": true}', '\x34c22ae4f78b'::bytea, '2022-05-23', '08:54:29.029230', '52a41f39-2e7d-452b-bab5-1f58a2ce1148', 0.51171106, NULL),
(8, 1, 633, 'paid', '{"id": 39333, "tag": "gasergu", "score": 78.74, "active": false}', '\xd24a46e86048'::bytea, '2022-07-08', '19:34:09.329068', 'b2f9990f-bf30-4458-8810-56086160e3f0', 0.8222618, NULL);

DO $synth$ BEGIN IF pg_get_serial_sequence('"orders"', 'id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"orders"', 'id'), GREATEST(max("id"), 1)) FROM "orders" HAVING max("id") IS NOT NULL; END IF; END $synth$;
DO $synth$ BEGIN IF pg_get_serial_sequence('"orders"', 'customer_id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"orders"', 'customer_id'), GREATEST(max("customer_id"), 1)) FROM "orders" HAVING max("customer_id") IS NOT NULL; END IF; END $synth$;
DO $synth$ BEGIN IF pg_get_serial_sequence('"orders"', 'order') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"orders"', 'order'), GREATEST(max("order"), 1)) FROM "orders" HAVING max("order") IS NOT NULL; END IF; END $synth$;

-- teams
INSERT INTO "teams" ("id", "lead_id") OVERRIDING SYSTEM VALUE VALUES
(1, NULL),
(2, NULL);

DO $synth$ BEGIN IF pg_get_serial_sequence('"teams"', 'id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"teams"', 'id'), GREATEST(max("id"), 1)) FROM "teams" HAVING max("id") IS NOT NULL; END IF; END $synth$;
DO $synth$ BEGIN IF pg_get_serial_sequence('"teams"', 'lead_id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"teams"', 'lead_id'), GREATEST(max("lead_id"), 1)) FROM "teams" HAVING max("lead_id") IS NOT NULL; END IF; END $synth$;

-- members
INSERT INTO "members" ("id", "team_id") OVERRIDING SYSTEM VALUE VALUES
(1, 2),
(2, 1),
(3, 2);

DO $synth$ BEGIN IF pg_get_serial_sequence('"members"', 'id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"members"', 'id'), GREATEST(max("id"), 1)) FROM "members" HAVING max("id") IS NOT NULL; END IF; END $synth$;
DO $synth$ BEGIN IF pg_get_serial_sequence('"members"', 'team_id') IS NOT NULL THEN PERFORM setval(pg_get_serial_sequence('"members"', 'team_id'), GREATEST(max("team_id"), 1)) FROM "members" HAVING max("team_id") IS NOT NULL; END IF; END $synth$;

-- foreign keys closing a cycle, set once every table is loaded
UPDATE "teams" SET "lead_id" = 2 WHERE "id" = 1;
UPDATE "teams" SET "lead_id" = 3 WHERE "id" = 2;

COMMIT;
