-- Deterministic: every value is arithmetic on the recursive sequence number.
PRAGMA foreign_keys = ON;
BEGIN;

-- agents first: their team (NOT NULL, deferred to COMMIT) is inserted right after
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 300)
INSERT INTO agents (agent_id, team_id, manager_id, full_name, email, hired_at)
SELECT n, 1 + (n * 7) % 200, CASE WHEN n > 20 THEN 1 + n % 20 END,
       json_extract('["Ola Nordmann","Giulia Bianchi","Kenji Watanabe","Siobhán Kelly","Mateus Lima","Ilse de Boer"]', '$[' || (n % 6) || ']'),
       'agent' || n || '@helpdesk.example.com',
       date('2015-02-01', '+' || (n * 9) || ' days')
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO teams (team_id, name, lead_agent_id, timezone)
SELECT n, json_extract('["Billing","Tier 1","Tier 2","Onboarding","Enterprise"]', '$[' || (n % 5) || ']') || ' ' || n,
       NULL,
       json_extract('["Europe/Oslo","Europe/Rome","Asia/Tokyo","Europe/Dublin","America/Sao_Paulo"]', '$[' || (n % 5) || ']')
FROM seq;

-- close the cycle: a lead among the team's own agents, a few teams leaderless
UPDATE teams SET lead_agent_id = (SELECT min(agent_id) FROM agents a WHERE a.team_id = teams.team_id)
WHERE team_id % 13 <> 0;

COMMIT;
BEGIN;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO categories (category_id, parent_id, name)
SELECT n, CASE WHEN n > 6 THEN n / 3 END,
       json_extract('["Billing","Login","Bug","Feature request","Account","Integrations"]', '$[' || (n % 6) || ']')
           || CASE WHEN n > 6 THEN ' › ' || n ELSE '' END
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2000)
INSERT INTO contacts (contact_id, full_name, email, created_at)
SELECT n,
       json_extract('["Anna Svensson","Jean Dupont","Kofi Mensah","Yuki Mori","Paula Nowak","Omar Farouk","Eva Novák"]', '$[' || (n % 7) || ']'),
       CASE WHEN n % 10 = 0 THEN NULL ELSE 'contact' || n || '@customer.example.net' END,
       datetime('2016-01-01 00:00:00', '+' || (n * 2113) || ' minutes')
FROM seq;

INSERT INTO requesters (contact_id, organization, locale)
SELECT contact_id,
       CASE WHEN contact_id % 3 = 0 THEN NULL ELSE 'Org ' || (contact_id % 400) END,
       CASE WHEN contact_id % 8 = 0 THEN NULL
            ELSE json_extract('["sv_SE","fr_FR","en_GH","ja_JP","pl_PL"]', '$[' || (contact_id % 5) || ']') END
FROM contacts WHERE contact_id % 4 <> 0;

INSERT INTO vip_requesters (contact_id, account_manager_id, tier)
SELECT contact_id, 1 + (contact_id * 11) % 300,
       CASE WHEN contact_id <= 100 THEN 'legacy_diamond' WHEN contact_id % 2 = 0 THEN 'gold' ELSE 'platinum' END
FROM requesters WHERE contact_id % 7 = 1;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO support_plans (plan_id, code, sku, price, discount, sell_start_date, sell_end_date, rating)
SELECT n, json_extract('["BAS","STD","PRM","ENT"]', '$[' || (n % 4) || ']'),
       'SKU-' || json_extract('["BAS","STD","PRM","ENT"]', '$[' || (n % 4) || ']') || '-' || printf('%04d', n),
       CASE WHEN n % 4 = 0 THEN 0 ELSE 19 + (n * 7919) % 500 + 0.99 END,
       CASE WHEN n % 4 = 0 OR n % 3 = 0 THEN NULL ELSE 5 + n % 10 END,
       date('2014-01-01', '+' || (n * 17) || ' days'),
       CASE WHEN n <= 140 THEN date('2014-01-01', '+' || (n * 17 + 90 + n % 400) || ' days') END,
       CASE WHEN n % 6 = 0 THEN NULL ELSE 1 + (n * 7) % 5 END
FROM seq;

-- 4000 tickets; the insert trigger writes one audit row each
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 4000)
INSERT INTO tickets (ticket_id, reference, requester_id, agent_id, category_id, plan_id, sla_policy_id, priority,
                     status, subject, created_at, closed_at, satisfaction, refund_amount, refund_reason, custom_fields,
                     external_ticket_id)
SELECT n, 'TCK-' || printf('%06d', 100000 + n),
       4 * (((n * 7919) % 1500) / 3) + 1 + ((n * 7919) % 1500) % 3,   -- the k-th requester (contact_id % 4 <> 0)
       CASE WHEN n % 12 = 0 THEN NULL ELSE 1 + (n * 389) % 300 END,
       CASE WHEN n % 20 = 0 THEN NULL ELSE 1 + (n * 31) % 200 END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE 1 + (n * 13) % 200 END,
       NULL,
       json_extract('["low","normal","normal","normal","high","urgent"]', '$[' || (n * 7 % 6) || ']'),
       CASE WHEN n > 3700 THEN json_extract('["new","open","pending"]', '$[' || (n % 3) || ']')
            WHEN n % 9 = 0 THEN 'solved' ELSE 'closed' END,
       json_extract('["Cannot reset password","Charged twice","Webhook times out","Export is empty","Bitte Rückruf"]', '$[' || (n % 5) || ']'),
       datetime('2018-03-01 08:00:00', '+' || (n * 613) || ' minutes'),
       CASE WHEN n > 3700 THEN NULL ELSE datetime('2018-03-01 08:00:00', '+' || (n * 613 + 30 + (n * 7) % 5000) || ' minutes') END,
       CASE WHEN n > 3700 OR n % 3 = 0 THEN NULL ELSE 1 + (n * 11) % 5 END,
       CASE WHEN n % 25 = 0 THEN 5 + (n * 7) % 200 + 0.5 END,
       CASE WHEN n % 25 = 0 THEN json_extract('["duplicate charge","outage credit","goodwill"]', '$[' || (n % 3) || ']') END,
       CASE WHEN n % 4 = 0 THEN '{"browser":"' || json_extract('["firefox","chrome","safari"]', '$[' || (n % 3) || ']') || '","plan_legacy":' || (n % 2) || '}'
            ELSE '{}' END,
       CASE WHEN n <= 1500 THEN 7700000 + n * 3 END
FROM seq;

-- a clean-up re-opened some stale solved tickets (fires the status trigger)
UPDATE tickets SET status = 'open', closed_at = NULL WHERE status = 'solved' AND ticket_id % 4 = 0;

COMMIT;
