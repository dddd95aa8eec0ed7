-- HR on MariaDB, dumped mysqldump-style (FOREIGN_KEY_CHECKS=0, each table created with its
-- keys inline, in name order). Cycles: buildings.facility_manager_id (NOT NULL, first in
-- table order) <-> employees.building_id (nullable); departments.manager_id (nullable) <->
-- employees.department_id (NOT NULL); self-references on departments, employees and
-- job_categories. people -> employees -> managers share one key; users -> user_profiles too.

SET FOREIGN_KEY_CHECKS = 0;

CREATE TABLE buildings (
    building_id          INT NOT NULL PRIMARY KEY,
    name                 VARCHAR(80) NOT NULL,
    city                 VARCHAR(60) NOT NULL,
    facility_manager_id  INT NOT NULL,
    CONSTRAINT fk_buildings_facility_manager FOREIGN KEY (facility_manager_id) REFERENCES employees (person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE departments (
    department_id         INT NOT NULL PRIMARY KEY,
    name                  VARCHAR(100) NOT NULL,
    parent_department_id  INT,
    manager_id            INT,
    CONSTRAINT fk_departments_parent FOREIGN KEY (parent_department_id) REFERENCES departments (department_id),
    CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE employees (
    person_id      INT NOT NULL PRIMARY KEY,
    department_id  INT NOT NULL,
    building_id    INT,
    category_id    INT NOT NULL,
    reports_to     INT,
    hired_on       DATE NOT NULL,
    salary         DECIMAL(10,2) NOT NULL,
    bonus          DECIMAL(8,2),             -- NULL together with bonus_year
    bonus_year     SMALLINT,
    sap_personnel_id INT,                    -- personnel number in SAP HR, no table here
    CONSTRAINT fk_employees_person FOREIGN KEY (person_id) REFERENCES people (person_id),
    CONSTRAINT fk_employees_department FOREIGN KEY (department_id) REFERENCES departments (department_id),
    CONSTRAINT fk_employees_building FOREIGN KEY (building_id) REFERENCES buildings (building_id),
    CONSTRAINT fk_employees_category FOREIGN KEY (category_id) REFERENCES job_categories (category_id),
    CONSTRAINT fk_employees_reports_to FOREIGN KEY (reports_to) REFERENCES employees (person_id),
    CONSTRAINT chk_employees_salary CHECK (salary > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE job_categories (
    category_id  INT NOT NULL PRIMARY KEY,
    parent_id    INT,
    title        VARCHAR(100) NOT NULL,
    CONSTRAINT fk_job_categories_parent FOREIGN KEY (parent_id) REFERENCES job_categories (category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE managers (
    person_id  INT NOT NULL PRIMARY KEY,
    level      TINYINT NOT NULL,
    budget     DECIMAL(12,2),
    CONSTRAINT fk_managers_employee FOREIGN KEY (person_id) REFERENCES employees (person_id),
    CONSTRAINT chk_managers_level CHECK (level BETWEEN 1 AND 6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE people (
    person_id   INT NOT NULL PRIMARY KEY,
    full_name   VARCHAR(120) NOT NULL,
    email       VARCHAR(120),
    birth_date  DATE,
    national_id VARCHAR(20)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE user_profiles (
    user_id     INT NOT NULL PRIMARY KEY,
    theme       ENUM('light', 'dark', 'system') NOT NULL DEFAULT 'system',
    locale      VARCHAR(10),
    avatar_url  VARCHAR(200),
    CONSTRAINT fk_user_profiles_user FOREIGN KEY (user_id) REFERENCES users (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE users (
    user_id        INT NOT NULL PRIMARY KEY,
    login          VARCHAR(60) NOT NULL UNIQUE,
    person_id      INT,
    last_login_at  DATETIME,
    CONSTRAINT fk_users_person FOREIGN KEY (person_id) REFERENCES people (person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

SET FOREIGN_KEY_CHECKS = 1;
