-- Deterministic: every value is arithmetic on the recursive sequence number.
PRAGMA foreign_keys = ON;
BEGIN;

-- shops first, managers unknown (the nullable edge), then staff, then the managers
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO shops (shop_id, name, city, manager_id, opened_on)
SELECT n, 'Frischmarkt ' || n,
       json_extract('["Düsseldorf","Nürnberg","Göttingen","Lübeck","Würzburg","Mönchengladbach"]', '$[' || (n % 6) || ']'),
       NULL, date('1998-03-01', '+' || (n * 41) || ' days')
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1800)
INSERT INTO staff (staff_id, shop_id, supervisor_id, full_name, role, hourly_rate, payroll_id)
SELECT n, 1 + (n - 1) % 200,
       CASE WHEN n > 200 THEN 1 + (n - 1) % 200 END,      -- everyone reports to the shop's first hire
       json_extract('["Jana Weber","Mehmet Kaya","Sophie Wagner","Luca Romano","Ewa Zielińska","Tim Hoffmann"]', '$[' || (n % 6) || ']'),
       CASE WHEN n <= 200 THEN 'manager' ELSE json_extract('["cashier","cashier","stocker","baker"]', '$[' || (n % 4) || ']') END,
       CASE WHEN n % 15 = 0 THEN NULL ELSE 12.41 + (n * 7 % 900) / 100.0 END,
       CASE WHEN n % 8 = 0 THEN NULL ELSE 2000000 + n * 37 END
FROM seq;

UPDATE shops SET manager_id = shop_id WHERE shop_id % 17 <> 0;

COMMIT;
BEGIN;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1500)
INSERT INTO products (product_id, sku, name, kind, price, created_at)
SELECT n, 'SKU-' || printf('%06d', n * 13),
       CASE WHEN n > 1200 THEN json_extract('["Gift card","Streaming voucher","Phone top-up"]', '$[' || (n % 3) || ']') || ' ' || (5 * (1 + n % 10)) || ' €'
            ELSE json_extract('["Vollkornbrot","Äpfel Elstar","Hafermilch","Bergkäse","Apfelschorle","Spülmittel","Kaffee Crema","Brötchen"]', '$[' || (n % 8) || ']') || ' ' || n END,
       CASE WHEN n > 1200 THEN 'digital' ELSE 'physical' END,
       CASE WHEN n > 1200 THEN 5 * (1 + n % 10) ELSE 0.49 + (n * 7919 % 1500) / 100.0 END,
       datetime('2012-01-01 00:00:00', '+' || (n * 3001) || ' minutes')
FROM seq;

-- products 1..1200 are physical (stock rows come from the trigger), 1201..1500 digital
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1200)
INSERT INTO physical_products (product_id, barcode, weight_g, deposit, deposit_scheme)
SELECT n, '400' || printf('%010d', n * 7919),
       CASE WHEN n % 11 = 0 THEN NULL ELSE 50 + (n * 37) % 2000 END,
       CASE WHEN n % 8 = 4 THEN 0.25 WHEN n % 8 = 0 THEN 0.08 END,
       CASE WHEN n % 8 = 4 THEN 'Einweg' WHEN n % 8 = 0 THEN 'Mehrweg' END
FROM seq;

INSERT INTO perishable_products (product_id, shelf_life_days, storage_temp_c)
SELECT product_id, 1 + (product_id * 7) % 30,
       CASE WHEN product_id % 3 = 0 THEN NULL ELSE 2.0 + (product_id % 60) / 10.0 END
FROM physical_products WHERE product_id % 4 = 1;

INSERT INTO digital_products (product_id, voucher_kind, valid_days)
SELECT product_id, CASE product_id % 3 WHEN 0 THEN 'gift_card' WHEN 1 THEN 'streaming' ELSE 'top_up' END,
       CASE WHEN product_id % 3 = 0 THEN NULL ELSE 365 END
FROM products WHERE kind = 'digital';

UPDATE stock SET on_hand = (product_id * 7919) % 400, updated_at = datetime(updated_at, '+' || (product_id % 700) || ' days')
WHERE product_id % 9 <> 0;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2500)
INSERT INTO sales (sale_id, shop_id, staff_id, sold_at, receipt_no, total)
SELECT n, 1 + (n * 7) % 200,
       CASE WHEN n % 30 = 0 THEN NULL ELSE 1 + (n * 7) % 200 + 200 * (1 + n % 8) END,   -- staff of that shop
       datetime('2024-01-02 07:00:00', '+' || (n * 97) || ' minutes'),
       'R' || printf('%03d', 1 + (n * 7) % 200) || '-' || printf('%07d', n),
       0
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
INSERT INTO sale_lines (sale_id, line_no, product_id, quantity, unit_price)
SELECT 1 + (n - 1) % 2500, 1 + (n - 1) / 2500, 1 + (n * 389) % 1500,
       CASE WHEN n % 97 = 0 THEN -1 ELSE 1 + n % 3 END,           -- -1: a return
       (SELECT price FROM products WHERE product_id = 1 + (n * 389) % 1500)
FROM seq;

UPDATE sales SET total = (SELECT round(sum(quantity * unit_price), 2) FROM sale_lines l WHERE l.sale_id = sales.sale_id);

COMMIT;
