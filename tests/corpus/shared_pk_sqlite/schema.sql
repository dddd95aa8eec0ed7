-- The back office of a small grocery chain on SQLite. Products are stored table per type
-- (products -> physical_products -> perishable_products, and digital_products) sharing
-- one key that no FOREIGN KEY declares; a trigger creates the stock row of every new
-- physical product; shops.manager_id (nullable, first) <-> staff.shop_id (NOT NULL) is a
-- cycle, staff.supervisor_id a self-reference.

CREATE TABLE shops (
    shop_id     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL,
    manager_id  INTEGER REFERENCES staff (staff_id),
    opened_on   TEXT NOT NULL
);

CREATE TABLE staff (
    staff_id       INTEGER PRIMARY KEY,
    shop_id        INTEGER NOT NULL REFERENCES shops (shop_id),
    supervisor_id  INTEGER REFERENCES staff (staff_id),
    full_name      TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('manager', 'cashier', 'stocker', 'baker')),
    hourly_rate    NUMERIC(8,2) CHECK (hourly_rate > 0),
    payroll_id     INTEGER              -- number in the payroll provider's system
);

CREATE TABLE products (
    product_id  INTEGER PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE CHECK (sku LIKE 'SKU-%'),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('physical', 'digital')),
    price       NUMERIC(8,2) NOT NULL CHECK (price >= 0),
    created_at  TEXT NOT NULL
);

-- table per type: each subtype's key is its supertype's key, never declared
CREATE TABLE physical_products (
    product_id  INTEGER PRIMARY KEY,    -- products.product_id
    barcode     TEXT NOT NULL UNIQUE CHECK (length(barcode) = 13),
    weight_g    INTEGER,
    deposit     NUMERIC(8,2),           -- NULL together with deposit_scheme (no bottle deposit)
    deposit_scheme TEXT
);

CREATE TABLE perishable_products (
    product_id       INTEGER PRIMARY KEY,  -- physical_products.product_id
    shelf_life_days  INTEGER NOT NULL CHECK (shelf_life_days > 0),
    storage_temp_c   REAL
);

CREATE TABLE digital_products (
    product_id    INTEGER PRIMARY KEY,     -- products.product_id
    voucher_kind  TEXT NOT NULL,
    valid_days    INTEGER
);

CREATE TABLE stock (
    product_id  INTEGER PRIMARY KEY REFERENCES products (product_id),
    on_hand     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);

CREATE TRIGGER physical_products_stock AFTER INSERT ON physical_products
BEGIN
    INSERT INTO stock (product_id, on_hand, updated_at)
    VALUES (NEW.product_id, 0, (SELECT created_at FROM products WHERE product_id = NEW.product_id));
END;

CREATE TABLE sales (
    sale_id    INTEGER PRIMARY KEY,
    shop_id    INTEGER NOT NULL REFERENCES shops (shop_id),
    staff_id   INTEGER REFERENCES staff (staff_id),
    sold_at    TEXT NOT NULL,
    receipt_no TEXT NOT NULL,
    total      NUMERIC(10,2) NOT NULL
);

CREATE TABLE sale_lines (
    sale_id     INTEGER NOT NULL REFERENCES sales (sale_id),
    line_no     INTEGER NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products (product_id),
    quantity    INTEGER NOT NULL CHECK (quantity <> 0),
    unit_price  NUMERIC(8,2) NOT NULL,
    PRIMARY KEY (sale_id, line_no)
);

CREATE VIEW low_stock AS
    SELECT p.product_id, p.sku, p.name, s.on_hand
    FROM products p JOIN stock s USING (product_id)
    WHERE s.on_hand < 20;
