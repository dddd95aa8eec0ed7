-- A small ERP: reference data and domains in public, people and the org chart in hr, the
-- order book in sales. sales and hr reference each other's tables and public's.

CREATE SCHEMA hr;
CREATE SCHEMA sales;

-- domains: a length, a CHECK, a NOT NULL one, and one with a pattern no generator reads
CREATE DOMAIN code3 AS varchar(3);
CREATE DOMAIN positive_amount AS numeric(10,2) CHECK (VALUE >= 0);
CREATE DOMAIN person_name AS text NOT NULL CHECK (VALUE <> '');
CREATE DOMAIN email_address AS text CHECK (VALUE ~ '^[^@\s]+@[^@\s]+\.[a-z]{2,}$');

CREATE TABLE currencies (
    code         code3 PRIMARY KEY,
    name         text NOT NULL,
    minor_units  smallint NOT NULL CHECK (minor_units BETWEEN 0 AND 4),
    active       boolean NOT NULL DEFAULT true
);

CREATE TABLE countries (
    iso2           char(2) PRIMARY KEY,
    iso3           code3 NOT NULL UNIQUE,
    name           text NOT NULL,
    currency_code  code3 REFERENCES currencies (code)
);

-- hr: people -> employees -> managers share their primary key (table per type)
CREATE TABLE hr.departments (
    department_id         integer PRIMARY KEY,
    name                  text NOT NULL UNIQUE,
    cost_center           code3 NOT NULL,
    parent_department_id  integer REFERENCES hr.departments (department_id),
    manager_id            integer,      -- FK to hr.employees added below (a cycle)
    created_at            timestamptz NOT NULL
);

CREATE TABLE hr.people (
    person_id     integer PRIMARY KEY,
    full_name     person_name,
    email         email_address,
    birth_date    date,
    country_iso2  char(2) REFERENCES countries (iso2)
);

CREATE TABLE hr.employees (
    person_id        integer PRIMARY KEY REFERENCES hr.people (person_id),
    employee_number  text NOT NULL UNIQUE,
    badge_id         integer,           -- door-badge system's number, no table here
    department_id    integer NOT NULL REFERENCES hr.departments (department_id),
    reports_to       integer REFERENCES hr.employees (person_id),
    hired_on         date NOT NULL,
    terminated_on    date,
    salary           positive_amount NOT NULL,
    salary_currency  code3 NOT NULL REFERENCES currencies (code),
    CHECK (terminated_on IS NULL OR terminated_on >= hired_on)
);

CREATE TABLE hr.managers (
    person_id  integer PRIMARY KEY REFERENCES hr.employees (person_id),
    grade      smallint NOT NULL CHECK (grade BETWEEN 1 AND 9),
    budget     positive_amount,
    since      date NOT NULL
);

ALTER TABLE hr.departments ADD CONSTRAINT departments_manager_id_fkey
    FOREIGN KEY (manager_id) REFERENCES hr.employees (person_id);
CREATE INDEX employees_department_idx ON hr.employees (department_id);
CREATE INDEX employees_reports_to_idx ON hr.employees (reports_to);

-- sales: accounts <-> contacts is a cycle whose NOT NULL edge comes first
CREATE TABLE sales.accounts (
    account_id          integer PRIMARY KEY,
    name                text NOT NULL,
    primary_contact_id  integer NOT NULL,   -- FK to sales.contacts added below
    country_iso2        char(2) NOT NULL REFERENCES countries (iso2),
    account_manager_id  integer REFERENCES hr.employees (person_id),
    currency_code       code3 NOT NULL REFERENCES currencies (code),
    credit_limit        positive_amount,
    erp_legacy_id       integer,           -- key in the ERP replaced in 2019
    created_at          timestamptz NOT NULL
);

CREATE TABLE sales.contacts (
    contact_id  integer PRIMARY KEY,
    account_id  integer REFERENCES sales.accounts (account_id),
    full_name   person_name,
    email       email_address,
    phone       text
);

ALTER TABLE sales.accounts ADD CONSTRAINT accounts_primary_contact_id_fkey
    FOREIGN KEY (primary_contact_id) REFERENCES sales.contacts (contact_id);

CREATE TABLE sales.orders (
    order_id        integer PRIMARY KEY,
    order_number    text NOT NULL UNIQUE,
    account_id      integer NOT NULL REFERENCES sales.accounts (account_id),
    contact_id      integer REFERENCES sales.contacts (contact_id),
    sales_rep_id    integer REFERENCES hr.employees (person_id),
    currency_code   code3 NOT NULL REFERENCES currencies (code),
    status          text NOT NULL CHECK (status IN ('quote', 'confirmed', 'shipped', 'invoiced', 'cancelled')),
    ordered_at      timestamptz NOT NULL,
    total           positive_amount NOT NULL,
    discount_total  numeric(10,2) CHECK (discount_total <= total)
);
CREATE INDEX orders_account_idx ON sales.orders (account_id);

CREATE TABLE sales.order_lines (
    order_id      integer NOT NULL REFERENCES sales.orders (order_id) ON DELETE CASCADE,
    line_no       smallint NOT NULL,
    product_code  text NOT NULL,
    description   text,
    quantity      integer NOT NULL CHECK (quantity > 0),
    unit_price    positive_amount NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- audit rows written by a trigger; no FK so that the history outlives deleted orders
CREATE TABLE sales.order_audit (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    integer NOT NULL,
    action      text NOT NULL,
    status      text NOT NULL,
    changed_at  timestamptz NOT NULL,
    changed_by  text NOT NULL
);

CREATE FUNCTION sales.log_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the order's own timestamps rather than now(), so that seeded databases are identical
    INSERT INTO sales.order_audit (order_id, action, status, changed_at, changed_by)
    VALUES (NEW.order_id, lower(TG_OP), NEW.status,
            CASE TG_OP WHEN 'INSERT' THEN NEW.ordered_at ELSE NEW.ordered_at + interval '3 days' END,
            'erp-sync');
    RETURN NEW;
END;
$$;

CREATE TRIGGER orders_audit
    AFTER INSERT OR UPDATE OF status ON sales.orders
    FOR EACH ROW EXECUTE FUNCTION sales.log_order_change();

-- views beside the tables
CREATE VIEW hr.active_employees AS
    SELECT e.person_id, p.full_name, e.department_id, d.name AS department, e.reports_to
    FROM hr.employees e
    JOIN hr.people p USING (person_id)
    JOIN hr.departments d USING (department_id)
    WHERE e.terminated_on IS NULL;

CREATE VIEW sales.account_revenue AS
    SELECT a.account_id, a.name, a.currency_code, count(o.order_id) AS orders,
           coalesce(sum(o.total), 0) AS revenue
    FROM sales.accounts a
    LEFT JOIN sales.orders o ON o.account_id = a.account_id AND o.status <> 'cancelled'
    GROUP BY a.account_id, a.name, a.currency_code;

CREATE MATERIALIZED VIEW sales.monthly_revenue AS
    SELECT date_trunc('month', ordered_at) AS month, currency_code, count(*) AS orders,
           sum(total) AS revenue
    FROM sales.orders
    WHERE status <> 'cancelled'
    GROUP BY 1, 2
WITH NO DATA;
