-- Deterministic: every value is arithmetic on the generate_series number.

INSERT INTO currencies (code, name, minor_units, active)
SELECT CASE WHEN n <= 20
            THEN (ARRAY['EUR','USD','GBP','JPY','CHF','CAD','AUD','CNY','SEK','NOK','DKK','PLN',
                        'CZK','HUF','BRL','MXN','INR','KRW','ZAR','TRY'])[n]
            ELSE chr(65 + n % 26) || chr(65 + (n / 26) % 26) || 'X' END,
       CASE WHEN n <= 20
            THEN (ARRAY['Euro','US dollar','Pound sterling','Yen','Swiss franc','Canadian dollar',
                        'Australian dollar','Yuan renminbi','Swedish krona','Norwegian krone',
                        'Danish krone','Złoty','Czech koruna','Forint','Real','Mexican peso',
                        'Indian rupee','Won','Rand','Turkish lira'])[n]
            ELSE 'Legacy unit ' || n END,
       CASE WHEN n IN (4, 18) THEN 0 WHEN n % 37 = 0 THEN 3 ELSE 2 END,
       n <= 20 OR n % 5 = 0
FROM generate_series(1, 200) AS n;

INSERT INTO countries (iso2, iso3, name, currency_code)
SELECT chr(65 + n % 26) || chr(65 + (n / 26) % 26),
       chr(65 + n % 26) || chr(65 + (n / 26) % 26) || chr(65 + (n * 7) % 26),
       'Country ' || chr(65 + n % 26) || chr(65 + (n / 26) % 26),
       CASE WHEN n % 13 = 0 THEN NULL
            ELSE (SELECT code FROM currencies ORDER BY code OFFSET (n * 7) % 200 LIMIT 1) END
FROM generate_series(0, 249) AS n;

-- departments first, their managers unknown yet (the nullable edge of the cycle)
INSERT INTO hr.departments (department_id, name, cost_center, parent_department_id, manager_id, created_at)
SELECT d,
       (ARRAY['Finance','Sales','Engineering','Support','Legal','Marketing','Operations','Purchasing'])[1 + d % 8]
           || ' ' || (ARRAY['North','South','East','West','Central'])[1 + (d / 8) % 5] || ' ' || d,
       chr(65 + d % 26) || lpad((d % 100)::text, 2, '0'),
       CASE WHEN d >= 4 THEN d / 4 END,
       NULL,
       timestamptz '2009-03-01 00:00+00' + d * interval '11 days'
FROM generate_series(1, 200) AS d;

INSERT INTO hr.people (person_id, full_name, email, birth_date, country_iso2)
SELECT p,
       (ARRAY['María','José','Wei','Fatima','Olga','Kwame','Sofia','Liam','Aiko','Noah','Zoë','Ömer'])[1 + p % 12]
           || ' ' || (ARRAY['García','Chen','Okonkwo','Ivanova','Schmidt','Dubois','Rossi','Kowalski','Sato','Nguyen'])[1 + (p * 7) % 10],
       CASE WHEN p % 17 = 0 THEN NULL ELSE 'person' || p || '@corp.example.com' END,
       CASE WHEN p % 29 = 0 THEN NULL ELSE date '1955-01-01' + (p * 7919) % 16000 END,
       CASE WHEN p % 31 = 0 THEN NULL ELSE chr(65 + ((p * 3) % 250) % 26) || chr(65 + ((p * 3) % 250) / 26) END
FROM generate_series(1, 2500) AS p;

-- employees are people 1..1500; every 7th is a manager; managers report up a tree
INSERT INTO hr.employees (person_id, employee_number, badge_id, department_id, reports_to, hired_on,
                          terminated_on, salary, salary_currency)
SELECT p,
       'E' || lpad(p::text, 6, '0'),
       CASE WHEN p % 10 = 0 THEN NULL ELSE 50000 + (p * 7919) % 40000 END,
       1 + (p * 31) % 200,
       CASE WHEN p % 7 = 0 THEN CASE WHEN p / 7 >= 3 THEN 7 * ((p / 7) / 3) END
            ELSE 7 * (1 + (p * 13) % 214) END,
       date '2005-01-01' + (p * 4) % 6500,
       CASE WHEN p % 19 = 0 THEN date '2005-01-01' + (p * 4) % 6500 + 400 + p % 900 END,
       28000 + (p * 7919) % 90000 + (p % 100) / 100.0,
       (ARRAY['EUR','EUR','USD','GBP','CHF','JPY'])[1 + p % 6]
FROM generate_series(1, 1500) AS p;

INSERT INTO hr.managers (person_id, grade, budget, since)
SELECT e.person_id, 1 + (e.person_id / 7) % 9,
       CASE WHEN e.person_id % 5 = 0 THEN NULL ELSE 100000 + (e.person_id * 331) % 900000 END,
       e.hired_on + 365
FROM hr.employees e WHERE e.person_id % 7 = 0;

-- close the cycle: most departments get a manager, a few stay vacant
UPDATE hr.departments SET manager_id = 7 * (1 + (department_id * 17) % 214)
WHERE department_id % 9 <> 0;

-- sales: contacts first without an account (the nullable edge), then accounts, then link
INSERT INTO sales.contacts (contact_id, account_id, full_name, email, phone)
SELECT c, NULL,
       (ARRAY['Jürgen','Ana','Priya','Tom','Inés','Yusuf','Mei','Lars','Chiara','Pedro'])[1 + c % 10]
           || ' ' || (ARRAY['Becker','Santos','Patel','Smith','Fernández','Demir','Lin','Berg'])[1 + (c * 3) % 8],
       CASE WHEN c % 9 = 0 THEN NULL ELSE 'contact' || c || '@client' || (c % 600) || '.example.org' END,
       CASE WHEN c % 4 = 0 THEN NULL ELSE '+49 30 ' || lpad(((c * 7919) % 10000000)::text, 7, '0') END
FROM generate_series(1, 1800) AS c;

INSERT INTO sales.accounts (account_id, name, primary_contact_id, country_iso2, account_manager_id,
                            currency_code, credit_limit, erp_legacy_id, created_at)
SELECT a,
       (ARRAY['Nordwind','Soleil','Aurora','Kestrel','Tamarind','Basalt'])[1 + a % 6] || ' '
           || (ARRAY['Handel GmbH','SARL','AB','Trading Ltd','S.p.A.','Oy'])[1 + (a / 6) % 6] || ' #' || a,
       a,
       chr(65 + ((a * 3) % 250) % 26) || chr(65 + ((a * 3) % 250) / 26),
       CASE WHEN a % 12 = 0 THEN NULL ELSE 1 + (a * 37) % 1500 END,
       (ARRAY['EUR','USD','GBP','SEK','CHF','JPY','PLN'])[1 + a % 7],
       CASE WHEN a % 8 = 0 THEN NULL ELSE 5000 * (1 + a % 40) END,
       CASE WHEN a <= 450 THEN 880000 + (a * 13) % 9000 END,
       timestamptz '2012-01-01 00:00+00' + a * interval '4 days 3 hours'
FROM generate_series(1, 600) AS a;

UPDATE sales.contacts SET account_id = CASE WHEN contact_id <= 600 THEN contact_id ELSE 1 + (contact_id * 7) % 600 END
WHERE contact_id <= 600 OR contact_id % 15 <> 0;

INSERT INTO sales.orders (order_id, order_number, account_id, contact_id, sales_rep_id, currency_code,
                          status, ordered_at, total, discount_total)
SELECT o,
       'SO-' || (2019 + o / 800) || '-' || lpad(o::text, 6, '0'),
       1 + (o * 7919) % 600,
       CASE WHEN o % 6 = 0 THEN NULL ELSE 1 + (o * 7919) % 600 END,
       CASE WHEN o % 25 = 0 THEN NULL ELSE 1 + (o * 211) % 1500 END,
       (ARRAY['EUR','USD','GBP','SEK','CHF','JPY','PLN'])[1 + ((o * 7919) % 600 + 1) % 7],
       (ARRAY['quote','confirmed','shipped','invoiced','invoiced','invoiced'])[1 + (o * 5) % 6],
       timestamptz '2019-01-01 09:00+00' + o * interval '10 hours 57 minutes',
       100 + (o * 7919) % 25000 + (o % 100) / 100.0,
       CASE WHEN o % 3 = 0 THEN NULL ELSE ((o * 17) % 100)::numeric END
FROM generate_series(1, 4000) AS o;

-- stale quotes cancelled in a clean-up (fires the audit trigger once more each)
UPDATE sales.orders SET status = 'cancelled' WHERE status = 'quote' AND order_id % 4 = 0;

INSERT INTO sales.order_lines (order_id, line_no, product_code, description, quantity, unit_price)
SELECT 1 + (n - 1) % 4000, 1 + (n - 1) / 4000,
       'P-' || lpad(((n * 7919) % 3000)::text, 4, '0'),
       CASE WHEN n % 11 = 0 THEN NULL ELSE (ARRAY['Pallet rack','Forklift service','Safety boots','Label printer','Shrink wrap'])[1 + n % 5] END,
       1 + (n * 13) % 40,
       5 + (n * 7919) % 900 + (n % 100) / 100.0
FROM generate_series(1, 5000) AS n;

REFRESH MATERIALIZED VIEW sales.monthly_revenue;
ANALYZE;
