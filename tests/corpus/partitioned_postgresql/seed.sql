-- Deterministic: every value is arithmetic on the generate_series number.

INSERT INTO plans (plan_id, code, name, monthly_fee, overage_rate, included_units, created_at, retired_at)
SELECT n,
       (ARRAY['starter', 'growth', 'scale', 'enterprise', 'nonprofit'])[1 + n % 5] || '-v' || n,
       initcap((ARRAY['starter', 'growth', 'scale', 'enterprise', 'nonprofit'])[1 + n % 5]) || ' ' || (2015 + n % 10),
       CASE n % 5 WHEN 4 THEN 0 ELSE 9 + (n * 7919) % 490 END,
       CASE WHEN n % 3 = 0 THEN NULL ELSE ((n * 31) % 200) / 100.0 + 0.05 END,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1000 * (1 + n % 50) END,
       timestamptz '2015-01-01 00:00+00' + n * interval '9 days',
       CASE WHEN n < 120 THEN timestamptz '2015-06-01 00:00+00' + n * interval '15 days' END
FROM generate_series(1, 200) AS n;

INSERT INTO agents (agent_id, email, full_name, team)
SELECT n,
       'agent' || n || '@support.example.com',
       (ARRAY['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', 'Gus', 'Hana'])[1 + n % 8] || ' '
           || (ARRAY['Silva', 'Okafor', 'Müller', 'Tanaka', 'Novak', 'Haddad', 'Quinn'])[1 + (n * 3) % 7],
       CASE WHEN n % 11 = 0 THEN NULL ELSE (ARRAY['billing', 'technical', 'onboarding'])[1 + n % 3] END
FROM generate_series(1, 200) AS n;

INSERT INTO accounts (account_id, plan_id, name, region, external_id, legacy_plan_id, created_at, closed_at)
SELECT n,
       1 + (n * 37) % 200,
       (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne'])[1 + n % 8]
           || ' ' || (ARRAY['Labs', 'GmbH', 'Inc', 'Ltd', 'SA', 'KK'])[1 + (n / 8) % 6] || ' ' || n,
       CASE WHEN n % 10 < 4 THEN 'eu' WHEN n % 10 < 7 THEN 'us' WHEN n % 10 < 9 THEN 'apac' ELSE 'latam' END,
       CASE WHEN n % 9 = 0 THEN NULL ELSE 7000000 + (n * 7919) % 1000000 END,
       CASE WHEN n <= 300 THEN 9000 + n % 40 END,   -- only the oldest accounts carry it
       timestamptz '2018-06-01 00:00+00' + n * interval '1 day 17 hours',
       CASE WHEN n % 23 = 0 THEN timestamptz '2022-01-01 00:00+00' + n * interval '6 hours' END
FROM generate_series(1, 1000) AS n;

-- Dec 2023 (DEFAULT partition: loaded before the monthly partitions existed) to June 2024
INSERT INTO usage_records (account_id, meter, recorded_at, quantity, unit_price, amount)
SELECT 1 + (n * 7919) % 1000,
       (ARRAY['api_calls', 'storage_gb', 'seats'])[1 + n % 3],
       timestamptz '2023-12-20 00:00+00' + n * interval '50 minutes',
       CASE n % 3 WHEN 0 THEN (n * 97) % 100000 WHEN 1 THEN ((n * 13) % 5000) / 10.0 ELSE 1 + n % 40 END,
       CASE WHEN n % 8 = 0 THEN NULL ELSE (ARRAY[0.01, 0.25, 12.00])[1 + n % 3] END,
       CASE WHEN n % 8 = 0 THEN NULL
            ELSE round(((CASE n % 3 WHEN 0 THEN (n * 97) % 100000 WHEN 1 THEN ((n * 13) % 5000) / 10.0 ELSE 1 + n % 40 END)
                        * (ARRAY[0.01, 0.25, 12.00])[1 + n % 3])::numeric, 2) END
FROM generate_series(1, 5000) AS n;

-- one invoice per account 1..600 and month, December 2023 to June 2024
INSERT INTO invoices (invoice_id, period_start, period_end, account_id, invoice_number, status,
                      subtotal, tax, tax_country, issued_at)
SELECT n,
       (date '2023-12-01' + ((n - 1) / 600) * interval '1 month')::date,
       (date '2023-12-01' + ((n - 1) / 600 + 1) * interval '1 month')::date,
       1 + (n - 1) % 600,
       'INV-' || to_char(date '2023-12-01' + ((n - 1) / 600) * interval '1 month', 'YYYYMM') || '-' || lpad(n::text, 5, '0'),
       CASE WHEN n > 3600 THEN (ARRAY['draft', 'open'])[1 + n % 2]
            WHEN n % 41 = 0 THEN 'void' WHEN n % 29 = 0 THEN 'uncollectible' WHEN n % 7 = 0 THEN 'open'
            ELSE 'paid' END,
       19 + (n * 7919) % 2000 + (n % 100) / 100.0,
       CASE WHEN n % 6 = 0 THEN NULL ELSE round((19 + (n * 7919) % 2000) * 0.19, 2) END,
       CASE WHEN n % 6 = 0 THEN NULL ELSE (ARRAY['DE', 'FR', 'US', 'JP', 'BR'])[1 + n % 5] END,
       CASE WHEN n > 3600 AND n % 2 = 1 THEN NULL
            ELSE timestamptz '2024-01-01 06:00+00' + ((n - 1) / 600) * interval '1 month' END
FROM generate_series(1, 4200) AS n;

INSERT INTO payments (invoice_id, invoice_period_start, amount, processor, processor_fee, paid_at)
SELECT invoice_id, period_start,
       subtotal + coalesce(tax, 0),
       CASE WHEN invoice_id % 5 = 0 THEN NULL ELSE (ARRAY['stripe', 'adyen', 'paypal'])[1 + invoice_id % 3] END,
       CASE WHEN invoice_id % 5 = 0 THEN NULL ELSE round((subtotal + coalesce(tax, 0)) * 0.029 + 0.30, 2) END,
       issued_at + (invoice_id % 20) * interval '1 day'
FROM invoices
WHERE status IN ('paid', 'void') AND issued_at IS NOT NULL
ORDER BY invoice_id;

INSERT INTO support_tickets (ticket_id, region, account_id, assignee_id, invoice_id, subject, priority, opened_at, closed_at)
SELECT n, a.region, a.account_id,
       CASE WHEN n % 7 = 0 THEN NULL ELSE 1 + (n * 53) % 200 END,
       CASE WHEN n % 4 = 0 AND a.account_id <= 600 THEN a.account_id + 600 * (n % 6) END,
       (ARRAY['Cannot log in', 'Invoice looks wrong', 'API rate limit', 'Export to CSV fails', 'Change billing email'])[1 + n % 5],
       (ARRAY['low', 'normal', 'normal', 'high', 'urgent'])[1 + (n * 3) % 5],
       timestamptz '2023-01-01 08:00+00' + n * interval '4 hours 13 minutes',
       CASE WHEN n % 10 = 0 THEN NULL ELSE timestamptz '2023-01-01 08:00+00' + n * interval '4 hours 13 minutes' + (n % 72) * interval '1 hour' END
FROM generate_series(1, 2500) AS n
JOIN accounts a ON a.account_id = 1 + (n * 389) % 1000;

-- explicit ids were inserted: move the identity sequences past them
ALTER TABLE plans ALTER COLUMN plan_id RESTART WITH 201;
ALTER TABLE accounts ALTER COLUMN account_id RESTART WITH 1001;

ANALYZE;
