-- Deterministic: every value is arithmetic on the recursive sequence number. Loaded with
-- FOREIGN_KEY_CHECKS on: each cycle is broken at its nullable edge and closed by an UPDATE.
SET SESSION max_recursive_iterations = 10000;

INSERT INTO job_categories (category_id, parent_id, title)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
SELECT n, CASE WHEN n > 8 THEN n DIV 3 END,
       CONCAT(ELT(1 + n % 8, 'Engineering', 'Finance', 'Sales', 'Legal', 'Operations', 'People', 'Design', 'Support'),
              CASE WHEN n > 8 THEN CONCAT(' / ', ELT(1 + n % 5, 'Junior', 'Senior', 'Lead', 'Principal', 'Intern'), ' ', n) ELSE '' END)
FROM seq;

-- departments without managers yet (nullable edge)
INSERT INTO departments (department_id, name, parent_department_id, manager_id)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
SELECT n, CONCAT(ELT(1 + n % 6, 'Platform', 'Payroll', 'EMEA Sales', 'Compliance', 'Logistics', 'Recruiting'), ' ', n),
       CASE WHEN n > 5 THEN n DIV 5 END, NULL
FROM seq;

INSERT INTO people (person_id, full_name, email, birth_date, national_id)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 2500)
SELECT n,
       CONCAT(ELT(1 + n % 8, 'Amira', 'Bruno', 'Carmen', 'Dieter', 'Elif', 'Felix', 'Greta', 'Hamid'), ' ',
              ELT(1 + (n * 3) % 8, 'Haddad', 'Rossi', 'Vidal', 'Krüger', 'Aydın', 'Moreau', 'Berg', 'Karimi')),
       CASE WHEN n % 11 = 0 THEN NULL ELSE CONCAT('p', n, '@hr.example.com') END,
       CASE WHEN n % 23 = 0 THEN NULL ELSE DATE '1958-01-01' + INTERVAL ((n * 7919) % 15000) DAY END,
       CASE WHEN n % 4 = 0 THEN NULL ELSE CONCAT(ELT(1 + n % 3, 'DE', 'ES', 'TR'), LPAD((n * 104729) % 100000000, 9, '0')) END
FROM seq;

-- employees are people 1..1500 without a building yet; every 7th is a manager
INSERT INTO employees (person_id, department_id, building_id, category_id, reports_to, hired_on, salary, bonus, bonus_year,
                       sap_personnel_id)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 1500)
SELECT n, 1 + (n * 31) % 200, NULL, 1 + (n * 13) % 200, NULL,
       DATE '2004-01-01' + INTERVAL ((n * 4) % 7000) DAY,
       30000 + (n * 7919) % 80000 + (n % 100) / 100,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 500 + (n * 37) % 9000 END,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 2020 + n % 4 END,
       CASE WHEN n % 13 = 0 THEN NULL ELSE 40000000 + (n * 7919) % 1000000 END
FROM seq;

-- the self-reference: managers report up a tree, others to a manager; a few report to no one
UPDATE employees SET reports_to = CASE
        WHEN person_id % 7 = 0 THEN CASE WHEN person_id DIV 7 >= 3 THEN 7 * ((person_id DIV 7) DIV 3) END
        WHEN person_id % 53 = 0 THEN NULL
        ELSE 7 * (1 + (person_id * 13) % 214) END;

INSERT INTO managers (person_id, level, budget)
SELECT person_id, 1 + (person_id DIV 7) % 6, CASE WHEN person_id % 5 = 0 THEN NULL ELSE 50000 + (person_id * 331) % 900000 END
FROM employees WHERE person_id % 7 = 0;

-- buildings need their facility manager (NOT NULL edge), then employees get a building
INSERT INTO buildings (building_id, name, city, facility_manager_id)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
SELECT n, CONCAT(ELT(1 + n % 5, 'Tower', 'Annex', 'Campus', 'Depot', 'Hub'), ' ', CHAR(65 + n % 26), n),
       ELT(1 + n % 5, 'Köln', 'Bilbao', 'İzmir', 'Graz', 'Lyon'),
       1 + (n * 37) % 1500
FROM seq;

UPDATE employees SET building_id = 1 + (person_id * 7) % 200 WHERE person_id % 9 <> 0;
UPDATE departments SET manager_id = 7 * (1 + (department_id * 17) % 214) WHERE department_id % 11 <> 0;

INSERT INTO users (user_id, login, person_id, last_login_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
SELECT n, CONCAT('u', LPAD(n, 5, '0')),
       CASE WHEN n > 950 THEN NULL ELSE n END,        -- service accounts have no person
       CASE WHEN n % 8 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (n * 131) MINUTE END
FROM seq;

INSERT INTO user_profiles (user_id, theme, locale, avatar_url)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
SELECT n, ELT(1 + n % 3, 'light', 'dark', 'system'),
       CASE WHEN n % 7 = 0 THEN NULL ELSE ELT(1 + n % 4, 'de_DE', 'es_ES', 'tr_TR', 'en_GB') END,
       CASE WHEN n % 3 = 0 THEN CONCAT('https://cdn.example.com/avatars/', n, '.png') END
FROM seq WHERE n % 5 <> 0;
