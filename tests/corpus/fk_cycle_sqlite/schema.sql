-- A helpdesk on SQLite. agents.team_id (NOT NULL, deferred, first in table order) and
-- teams.lead_agent_id (nullable) form a cycle; agents.manager_id and categories.parent_id
-- are self-references; contacts -> requesters -> vip_requesters share one key (table per
-- type); the SLA module was never switched on (empty parent); a trigger keeps an audit log.

CREATE TABLE agents (
    agent_id    INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (team_id) DEFERRABLE INITIALLY DEFERRED,
    manager_id  INTEGER REFERENCES agents (agent_id),
    full_name   TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE CHECK (email LIKE '%_@_%._%'),
    hired_at    TEXT NOT NULL
);

CREATE TABLE teams (
    team_id        INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    lead_agent_id  INTEGER REFERENCES agents (agent_id),
    timezone       TEXT NOT NULL DEFAULT 'UTC'
);

CREATE TABLE categories (
    category_id  INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES categories (category_id),
    name         TEXT NOT NULL
);

CREATE TABLE contacts (
    contact_id  INTEGER PRIMARY KEY,
    full_name   TEXT NOT NULL,
    email       TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE requesters (
    contact_id    INTEGER PRIMARY KEY REFERENCES contacts (contact_id),
    organization  TEXT,
    locale        TEXT CHECK (length(locale) = 5)
);

CREATE TABLE vip_requesters (
    contact_id          INTEGER PRIMARY KEY REFERENCES requesters (contact_id),
    account_manager_id  INTEGER NOT NULL REFERENCES agents (agent_id),
    tier                TEXT NOT NULL CHECK (tier IN ('gold', 'platinum', 'legacy_diamond'))
);

CREATE TABLE support_plans (
    plan_id          INTEGER PRIMARY KEY,
    code             TEXT NOT NULL CHECK (length(code) = 3),
    sku              TEXT NOT NULL UNIQUE CHECK (sku LIKE 'SKU-%'),
    price            NUMERIC(8,2) NOT NULL CHECK (price >= 0),
    discount         NUMERIC(8,2) CHECK (discount < price),
    sell_start_date  TEXT NOT NULL,
    sell_end_date    TEXT CHECK (sell_end_date >= sell_start_date),
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5)
);

-- the SLA module: created by a migration, never configured
CREATE TABLE sla_policies (
    sla_policy_id    INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    response_minutes INTEGER NOT NULL CHECK (response_minutes > 0)
);

CREATE TABLE tickets (
    ticket_id      INTEGER PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE CHECK (reference LIKE 'TCK-%'),
    requester_id   INTEGER NOT NULL REFERENCES requesters (contact_id),
    agent_id       INTEGER REFERENCES agents (agent_id),
    category_id    INTEGER REFERENCES categories (category_id),
    plan_id        INTEGER REFERENCES support_plans (plan_id),
    sla_policy_id  INTEGER REFERENCES sla_policies (sla_policy_id),   -- always NULL
    priority       TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status         TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'solved', 'closed')),
    subject        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    closed_at      TEXT CHECK (closed_at IS NULL OR closed_at >= created_at),
    satisfaction   INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    refund_amount  NUMERIC(8,2) CHECK (refund_amount >= 0),   -- NULL together with refund_reason
    refund_reason  TEXT,
    custom_fields  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_fields)),
    external_ticket_id INTEGER        -- ticket number in the previous helpdesk (migrated ones)
);
CREATE INDEX tickets_requester_idx ON tickets (requester_id);
CREATE INDEX tickets_agent_idx ON tickets (agent_id);

CREATE TABLE sla_breaches (
    breach_id      INTEGER PRIMARY KEY,
    sla_policy_id  INTEGER NOT NULL REFERENCES sla_policies (sla_policy_id),
    ticket_id      INTEGER NOT NULL REFERENCES tickets (ticket_id),
    breached_at    TEXT NOT NULL
);

-- no FK: the audit log keeps the history of deleted tickets
CREATE TABLE ticket_audit (
    audit_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  INTEGER NOT NULL,
    action     TEXT NOT NULL,
    status     TEXT NOT NULL,
    logged_at  TEXT NOT NULL
);

CREATE TRIGGER tickets_audit_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO ticket_audit (ticket_id, action, status, logged_at)
    VALUES (NEW.ticket_id, 'insert', NEW.status, NEW.created_at);
END;

CREATE TRIGGER tickets_audit_status AFTER UPDATE OF status ON tickets
BEGIN
    INSERT INTO ticket_audit (ticket_id, action, status, logged_at)
    VALUES (NEW.ticket_id, 'status', NEW.status, coalesce(NEW.closed_at, NEW.created_at));
END;

CREATE VIEW open_tickets_by_team AS
    SELECT t.team_id, t.name AS team, count(k.ticket_id) AS open_tickets
    FROM teams t
    JOIN agents a ON a.team_id = t.team_id
    JOIN tickets k ON k.agent_id = a.agent_id AND k.status IN ('new', 'open', 'pending')
    GROUP BY t.team_id, t.name;
