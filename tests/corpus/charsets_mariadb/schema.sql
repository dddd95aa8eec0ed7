-- A B2B CRM that grew up on MySQL 5: the oldest columns are latin1, the 2014 ones utf8
-- (utf8mb3), the new ones utf8mb4; plan is an ENUM, features and channels are SETs, usage
-- is kept per account and billing period.

CREATE TABLE accounts (
    account_id    INT NOT NULL PRIMARY KEY,
    name          VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    legal_name    VARCHAR(160) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,
    city          VARCHAR(80) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NOT NULL,
    country_code  CHAR(2) CHARACTER SET latin1 NOT NULL,
    plan          ENUM('free', 'starter', 'pro', 'enterprise', 'legacy_gold') NOT NULL DEFAULT 'free',
    features      SET('sso', 'api', 'audit_log', 'sandbox', 'priority_support', 'white_label') NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE contacts (
    contact_id          INT NOT NULL PRIMARY KEY,
    account_id          INT NOT NULL,
    first_name          VARCHAR(60) CHARACTER SET latin1 NOT NULL,
    last_name           VARCHAR(60) CHARACTER SET latin1 NOT NULL,
    job_title           VARCHAR(100) CHARACTER SET utf8mb3,
    notes               TEXT CHARACTER SET utf8mb4,
    channels            SET('email', 'sms', 'phone', 'post', 'whatsapp') NOT NULL DEFAULT 'email',
    preferred_language  ENUM('de', 'fr', 'es', 'en', 'pt', 'sv'),
    gdpr_consent        ENUM('yes', 'no', 'unknown') NOT NULL DEFAULT 'unknown',
    CONSTRAINT fk_contacts_account FOREIGN KEY (account_id) REFERENCES accounts (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE usage_periods (
    account_id    INT NOT NULL,
    period_start  DATETIME NOT NULL,
    period_end    DATETIME NOT NULL,
    api_calls     INT NOT NULL DEFAULT 0,
    seats         SMALLINT NOT NULL,
    overage_fee   DECIMAL(8,2),             -- NULL together with overage_units
    overage_units INT,
    UNIQUE KEY uq_usage_account_period (account_id, period_start),
    CONSTRAINT fk_usage_account FOREIGN KEY (account_id) REFERENCES accounts (account_id),
    CONSTRAINT chk_usage_period CHECK (period_end > period_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE activities (
    activity_id  INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    contact_id   INT NOT NULL,
    kind         ENUM('call', 'email', 'meeting', 'note') NOT NULL,
    subject      VARCHAR(200) CHARACTER SET utf8mb4 NOT NULL,
    occurred_at  DATETIME NOT NULL,
    CONSTRAINT fk_activities_contact FOREIGN KEY (contact_id) REFERENCES contacts (contact_id),
    KEY idx_activities_occurred (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- imported from the trade-fair tool in 2012: latin1 table, one newer utf8mb4 column
CREATE TABLE legacy_leads (
    lead_id               INT NOT NULL PRIMARY KEY,
    company               VARCHAR(120) NOT NULL,
    contact_name          VARCHAR(120) NOT NULL,
    email                 VARCHAR(120),
    interests             SET('hardware', 'software', 'consulting', 'training') NOT NULL DEFAULT '',
    status                ENUM('new', 'contacted', 'converted', 'dead') NOT NULL,
    converted_contact_id  INT,               -- contacts.contact_id once converted, not declared
    fair_badge_id         INT,               -- badge number of the fair's own system
    remarks               VARCHAR(255) CHARACTER SET utf8mb4,
    imported_at           DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE VIEW account_overview AS
    SELECT a.account_id, a.name, a.plan, FIND_IN_SET('sso', a.features) > 0 AS has_sso,
           COUNT(c.contact_id) AS contacts
    FROM accounts a LEFT JOIN contacts c ON c.account_id = a.account_id
    GROUP BY a.account_id, a.name, a.plan, a.features;
