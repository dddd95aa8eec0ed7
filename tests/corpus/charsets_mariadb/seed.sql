-- Deterministic: every value is arithmetic on the recursive sequence number.
SET SESSION max_recursive_iterations = 10000;

INSERT INTO accounts (account_id, name, legal_name, city, country_code, plan, features, created_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
SELECT n,
       CONCAT(ELT(1 + n % 8, 'Café Müller', 'Señor Taco 🌮', '東京ロボティクス', 'Ålborg Værft', 'Zoë''s Bakery ☕',
                  'Łódź Logistics', 'Crème & Co', 'Rocket Labs 🚀'), ' ', n),
       CONCAT(ELT(1 + n % 8, 'Café Müller GmbH', 'Señor Taco S.L.', 'Tokyo Robotics K.K.', 'Ålborg Værft A/S',
                  'Zoë Bakery Ltd', 'Lodz Logistics Sp. z o.o.', 'Crème et Compagnie SARL', 'Rocket Labs Inc.'),
              ' (', n, ')'),
       ELT(1 + n % 8, 'München', 'Sevilla', '東京', 'Ålborg', 'Dún Laoghaire', 'Łódź', 'Besançon', 'São Paulo'),
       ELT(1 + n % 8, 'DE', 'ES', 'JP', 'DK', 'IE', 'PL', 'FR', 'BR'),
       CASE WHEN n <= 60 THEN 'legacy_gold' ELSE ELT(1 + (n * 7) % 8, 'free', 'free', 'free', 'starter', 'starter', 'pro', 'pro', 'enterprise') END,
       CONCAT_WS(',', IF(n % 4 = 0, 'sso', NULL), IF(n % 3 <> 0, 'api', NULL), IF(n % 8 = 0, 'audit_log', NULL),
                 IF(n % 5 = 1, 'sandbox', NULL), IF(n % 10 = 0, 'priority_support', NULL),
                 IF(n % 50 = 0, 'white_label', NULL)),
       TIMESTAMP '2009-01-01 00:00:00' + INTERVAL (n * 5011) MINUTE
FROM seq;

INSERT INTO contacts (contact_id, account_id, first_name, last_name, job_title, notes, channels,
                      preferred_language, gdpr_consent)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
SELECT n, 1 + (n * 7919) % 1000,
       ELT(1 + n % 10, 'José', 'Björn', 'Chloé', 'Jürgen', 'Iñaki', 'Søren', 'François', 'Agnès', 'Çelik', 'Brontë'),
       ELT(1 + (n * 3) % 9, 'Muñoz', 'Müller', 'Lefèvre', 'Ødegård', 'Peña', 'Größer', 'Dupré', 'Nuñez', 'Åström'),
       CASE WHEN n % 7 = 0 THEN NULL
            ELSE ELT(1 + n % 5, 'Geschäftsführer', 'Directrice générale', 'Jefe de compras', 'Δ Product lead', 'Инженер') END,
       CASE WHEN n % 3 = 0 THEN NULL
            ELSE ELT(1 + n % 4, 'Met at CeBIT 👋', 'Prefers calls after 15:00', 'Très sympa 🙂', 'No longer at the company') END,
       CONCAT_WS(',', IF(n % 5 <> 0, 'email', NULL), IF(n % 4 = 0, 'sms', NULL), IF(n % 3 = 0, 'phone', NULL),
                 IF(n % 17 = 0, 'post', NULL), IF(n % 6 = 1, 'whatsapp', NULL)),
       CASE WHEN n % 9 = 0 THEN NULL ELSE ELT(1 + n % 6, 'de', 'fr', 'es', 'en', 'pt', 'sv') END,
       CASE WHEN n <= 400 THEN 'unknown' ELSE ELT(1 + n % 3, 'yes', 'yes', 'no') END
FROM seq;

-- accounts 1..200, 15 monthly periods each, Jan 2023 .. Mar 2024
INSERT INTO usage_periods (account_id, period_start, period_end, api_calls, seats, overage_fee, overage_units)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
SELECT 1 + (n - 1) % 200,
       TIMESTAMP '2023-01-01 00:00:00' + INTERVAL ((n - 1) DIV 200) MONTH,
       TIMESTAMP '2023-01-01 00:00:00' + INTERVAL ((n - 1) DIV 200 + 1) MONTH,
       (n * 7919) % 250000,
       1 + (n * 13) % 80,
       CASE WHEN (n * 7919) % 250000 > 200000 THEN ROUND(((n * 7919) % 250000 - 200000) * 0.002, 2) END,
       CASE WHEN (n * 7919) % 250000 > 200000 THEN (n * 7919) % 250000 - 200000 END
FROM seq;

INSERT INTO activities (activity_id, contact_id, kind, subject, occurred_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
SELECT n, 1 + (n * 389) % 3000, ELT(1 + n % 4, 'call', 'email', 'meeting', 'note'),
       ELT(1 + n % 5, 'Renewal 2024 📅', 'Angebot für Schulung', 'Réunion trimestrielle', 'Follow-up: API limits', 'Presupuesto año fiscal'),
       TIMESTAMP '2015-01-01 09:00:00' + INTERVAL (n * 1009) MINUTE
FROM seq;

INSERT INTO legacy_leads (lead_id, company, contact_name, email, interests, status, converted_contact_id,
                          fair_badge_id, remarks, imported_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 800)
SELECT n,
       CONCAT(ELT(1 + n % 5, 'Bäckerei Größ', 'Hôtel Côte d''Azur', 'Ferretería Peña', 'Smørrebrød Huset', 'Café Olé'), ' ', n),
       ELT(1 + n % 5, 'Jürgen Weiß', 'Amélie Noël', 'Begoña Ibáñez', 'Søren Kjær', 'Zoë Brontë'),
       CASE WHEN n % 6 = 0 THEN NULL ELSE CONCAT('lead', n, '@messe.example') END,
       CONCAT_WS(',', IF(n % 2 = 0, 'hardware', NULL), IF(n % 3 = 0, 'software', NULL),
                 IF(n % 5 = 0, 'consulting', NULL), IF(n % 7 = 0, 'training', NULL)),
       CASE WHEN n % 4 = 0 THEN 'converted' ELSE ELT(1 + n % 3, 'new', 'contacted', 'dead') END,
       CASE WHEN n % 4 = 0 THEN 1 + (n * 13) % 3000 END,
       CASE WHEN n % 10 = 0 THEN NULL ELSE 600000 + (n * 7919) % 100000 END,
       CASE WHEN n % 3 = 0 THEN 'Interessiert an 🖨️ Druckern' END,
       TIMESTAMP '2012-03-14 10:00:00' + INTERVAL (n * 7) MINUTE
FROM seq;
