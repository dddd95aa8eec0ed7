-- An online shop on MariaDB whose developers dropped foreign keys "for speed": orders,
-- order items (by sku), reviews and warehouse assignments reference their parents only
-- by convention. Only stock, created by a trigger for every new product, declares its FK.

CREATE TABLE customers (
    customer_id     INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email           VARCHAR(190) NOT NULL,
    full_name       VARCHAR(120) NOT NULL,
    country         CHAR(2),
    created_at      DATETIME NOT NULL,
    external_id     BIGINT,                 -- id at the payment provider
    legacy_code_id  INT,                    -- customer code of the old Magento shop
    CONSTRAINT chk_customers_email CHECK (email REGEXP '^[^@ ]+@[^@ ]+\\.[a-z]{2,}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE products (
    product_id       INT NOT NULL PRIMARY KEY,
    sku              VARCHAR(20) NOT NULL,
    name             VARCHAR(120) NOT NULL,
    category_code    CHAR(3) NOT NULL,
    price            DECIMAL(8,2) NOT NULL,
    discount         DECIMAL(8,2),
    sell_start_date  DATE NOT NULL,
    sell_end_date    DATE,
    rating           TINYINT,
    status           VARCHAR(12) NOT NULL DEFAULT 'active',
    weight_kg        DECIMAL(8,2),          -- NULL together with shipping_class (downloads)
    shipping_class   VARCHAR(10),
    UNIQUE KEY uq_products_sku (sku),
    CONSTRAINT chk_products_sku CHECK (sku LIKE 'SKU-%'),
    CONSTRAINT chk_products_category CHECK (LENGTH(category_code) = 3),
    CONSTRAINT chk_products_price CHECK (price >= 0),
    CONSTRAINT chk_products_discount CHECK (discount < price),
    CONSTRAINT chk_products_sell_dates CHECK (sell_end_date >= sell_start_date),
    CONSTRAINT chk_products_rating CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT chk_products_status CHECK (status IN ('active', 'discontinued', 'legacy'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE stock (
    product_id     INT NOT NULL PRIMARY KEY,
    quantity       INT NOT NULL DEFAULT 0,
    reorder_level  INT NOT NULL DEFAULT 10,
    updated_at     DATETIME NOT NULL,
    CONSTRAINT fk_stock_product FOREIGN KEY (product_id) REFERENCES products (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE warehouses (
    warehouse_id  INT NOT NULL PRIMARY KEY,
    code          VARCHAR(8) NOT NULL UNIQUE,
    city          VARCHAR(60) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE product_warehouses (
    product_id    INT NOT NULL,             -- products.product_id
    warehouse_id  INT NOT NULL,             -- warehouses.warehouse_id
    bin           VARCHAR(12),
    PRIMARY KEY (product_id, warehouse_id),
    KEY idx_pw_warehouse (warehouse_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
    order_id      INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id   INT NOT NULL,             -- customers.customer_id
    order_number  VARCHAR(20) NOT NULL UNIQUE,
    status        ENUM('pending', 'paid', 'shipped', 'delivered', 'refunded') NOT NULL,
    placed_at     DATETIME NOT NULL,
    subtotal      DECIMAL(10,2) NOT NULL,
    shipping_fee  DECIMAL(8,2),             -- NULL together with carrier: click & collect
    carrier       VARCHAR(20),
    coupon_code   VARCHAR(20),
    KEY idx_orders_customer (customer_id),
    CONSTRAINT chk_orders_subtotal CHECK (subtotal >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_items (
    order_id    INT NOT NULL,               -- orders.order_id
    line_no     SMALLINT NOT NULL,
    sku         VARCHAR(20) NOT NULL,       -- products.sku
    quantity    INT NOT NULL,
    unit_price  DECIMAL(8,2) NOT NULL,
    PRIMARY KEY (order_id, line_no),
    KEY idx_items_sku (sku),
    CONSTRAINT chk_items_quantity CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_audit (
    audit_id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id   INT NOT NULL,                -- orders.order_id
    event      VARCHAR(20) NOT NULL,
    status     VARCHAR(20) NOT NULL,
    logged_at  DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE reviews (
    review_id    INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    product_id   INT NOT NULL,              -- products.product_id
    customer_id  INT NOT NULL,              -- customers.customer_id (some purged)
    rating       TINYINT NOT NULL,
    title        VARCHAR(120),
    created_at   DATETIME NOT NULL,
    CONSTRAINT chk_reviews_rating CHECK (rating BETWEEN 1 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE inventory_movements (
    movement_id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku           VARCHAR(20) NOT NULL,     -- products.sku
    warehouse_id  INT NOT NULL,             -- warehouses.warehouse_id
    quantity      INT NOT NULL,
    reason        VARCHAR(12) NOT NULL,
    moved_at      DATETIME NOT NULL,
    CONSTRAINT chk_movement_reason CHECK (reason IN ('receipt', 'pick', 'adjust', 'return'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- every new product gets its stock row; every new order its audit row
CREATE TRIGGER trg_products_stock AFTER INSERT ON products FOR EACH ROW
    INSERT INTO stock (product_id, quantity, reorder_level, updated_at)
    VALUES (NEW.product_id, 0, 10, NEW.sell_start_date);

CREATE TRIGGER trg_orders_audit AFTER INSERT ON orders FOR EACH ROW
    INSERT INTO order_audit (order_id, event, status, logged_at)
    VALUES (NEW.order_id, 'created', NEW.status, NEW.placed_at);

CREATE VIEW product_availability AS
    SELECT p.product_id, p.sku, p.name, p.status, s.quantity,
           s.quantity <= s.reorder_level AS needs_reorder
    FROM products p JOIN stock s ON s.product_id = p.product_id
    WHERE p.status <> 'legacy';
