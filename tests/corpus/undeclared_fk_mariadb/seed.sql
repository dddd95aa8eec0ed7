-- Deterministic: every value is arithmetic on the recursive sequence number.
SET SESSION max_recursive_iterations = 10000;

INSERT INTO customers (customer_id, email, full_name, country, created_at, external_id, legacy_code_id)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 2000)
SELECT n,
       CONCAT('customer', n, '@', ELT(1 + n % 4, 'gmail.com', 'web.de', 'orange.fr', 'example.co.uk')),
       CONCAT(ELT(1 + n % 8, 'Lukas', 'Émilie', 'Sven', 'Ingrid', 'Raúl', 'Aoife', 'Jonas', 'Marta'), ' ',
              ELT(1 + (n * 3) % 7, 'Schneider', 'Lefèvre', 'Johansson', 'Ó Briain', 'Jiménez', 'Kowalczyk', 'Brun')),
       CASE WHEN n % 15 = 0 THEN NULL ELSE ELT(1 + n % 6, 'DE', 'FR', 'SE', 'IE', 'ES', 'PL') END,
       TIMESTAMP '2017-03-01 00:00:00' + INTERVAL (n * 1501) MINUTE,
       CASE WHEN n % 6 = 0 THEN NULL ELSE 4000000000 + (n * 7919) % 100000000 END,
       CASE WHEN n <= 500 THEN 700000 + (n * 13) % 90000 END
FROM seq;

INSERT INTO products (product_id, sku, name, category_code, price, discount, sell_start_date, sell_end_date,
                      rating, status, weight_kg, shipping_class)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
SELECT n,
       CONCAT('SKU-', LPAD(n * 7, 6, '0')),
       CONCAT(ELT(1 + n % 6, 'Espresso machine', 'Hiking boots', 'Desk lamp', 'E-book', 'Yoga mat', 'Chef knife'),
              ' ', ELT(1 + (n DIV 6) % 4, 'Classic', 'Pro', 'Mini', 'XL'), ' ', n),
       ELT(1 + n % 6, 'KIT', 'OUT', 'HOM', 'DIG', 'SPO', 'KIT'),
       9.99 + (n * 7919) % 400,
       CASE WHEN n % 4 = 0 THEN ((n * 7) % 9) + 0.50 END,
       DATE '2018-01-01' + INTERVAL (n * 2) DAY,
       CASE WHEN n <= 120 THEN DATE '2018-01-01' + INTERVAL (n * 2 + 200 + n % 300) DAY END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE 1 + (n * 7) % 5 END,
       CASE WHEN n <= 120 THEN 'discontinued' WHEN n % 97 = 0 THEN 'legacy' ELSE 'active' END,
       CASE WHEN n % 6 = 3 THEN NULL ELSE 0.20 + (n * 37) % 2000 / 100 END,
       CASE WHEN n % 6 = 3 THEN NULL ELSE ELT(1 + n % 3, 'small', 'parcel', 'bulky') END
FROM seq;

UPDATE stock SET quantity = (product_id * 7919) % 300, updated_at = updated_at + INTERVAL (product_id % 900) DAY
WHERE product_id % 10 <> 0;

INSERT INTO warehouses (warehouse_id, code, city)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
SELECT n, CONCAT('WH', LPAD(n, 3, '0')),
       ELT(1 + n % 6, 'Hamburg', 'Lyon', 'Malmö', 'Cork', 'Zaragoza', 'Łódź')
FROM seq;

INSERT INTO product_warehouses (product_id, warehouse_id, bin)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 2000)
SELECT 1 + (n - 1) DIV 2, 1 + (n * 53 + (n % 2) * 7) % 200,
       CASE WHEN n % 9 = 0 THEN NULL ELSE CONCAT(CHAR(65 + n % 20), '-', LPAD(n % 99, 2, '0')) END
FROM seq;

-- customers 1801..2000 signed up and never ordered
INSERT INTO orders (order_id, customer_id, order_number, status, placed_at, subtotal, shipping_fee, carrier, coupon_code)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 4000)
SELECT n, 1 + (n * 7919) % 1800,
       CONCAT('WEB-', 100000 + n * 3),
       ELT(1 + (n * 7) % 10, 'pending', 'paid', 'shipped', 'delivered', 'delivered', 'delivered', 'delivered',
           'shipped', 'delivered', 'refunded'),
       TIMESTAMP '2019-05-01 08:00:00' + INTERVAL (n * 613) MINUTE,
       15 + (n * 7919) % 600 + (n % 100) / 100,
       CASE WHEN n % 7 = 0 THEN NULL ELSE ELT(1 + n % 3, 4.90, 5.90, 12.50) END,
       CASE WHEN n % 7 = 0 THEN NULL ELSE ELT(1 + n % 3, 'DHL', 'GLS', 'UPS') END,
       CASE WHEN n % 13 = 0 THEN CONCAT('SPRING', 2019 + n DIV 1000) END
FROM seq;

INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
SELECT 1 + (n - 1) % 4000, 1 + (n - 1) DIV 4000,
       CONCAT('SKU-', LPAD((1 + (n * 389) % 1000) * 7, 6, '0')),
       1 + (n * 13) % 4,
       9.99 + (n * 7919) % 400
FROM seq;

INSERT INTO reviews (review_id, product_id, customer_id, rating, title, created_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
SELECT n, 1 + (n * 211) % 1000, 1 + (n * 389) % 2000, 1 + (n * 7) % 5,
       CASE WHEN n % 3 = 0 THEN NULL ELSE ELT(1 + n % 4, 'Does the job', 'Broke after a week', 'Perfekt!', 'Très bien') END,
       TIMESTAMP '2019-06-01 12:00:00' + INTERVAL (n * 997) MINUTE
FROM seq;

INSERT INTO inventory_movements (movement_id, sku, warehouse_id, quantity, reason, moved_at)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
SELECT n, CONCAT('SKU-', LPAD((1 + (n * 7919) % 1000) * 7, 6, '0')), 1 + (n * 31) % 200,
       CASE WHEN n % 4 = 1 THEN -(1 + n % 5) ELSE 1 + (n * 7) % 50 END,
       ELT(1 + n % 4, 'receipt', 'pick', 'adjust', 'return'),
       TIMESTAMP '2020-01-01 06:00:00' + INTERVAL (n * 331) MINUTE
FROM seq;

-- spam accounts purged in 2023: their reviews stayed behind (the planted orphans)
DELETE FROM customers WHERE customer_id > 1800 AND customer_id % 50 = 7;
