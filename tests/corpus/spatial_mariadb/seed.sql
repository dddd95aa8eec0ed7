-- Deterministic: every value is arithmetic on the recursive sequence number.
-- Coordinates are longitude/latitude around Berlin, Madrid, Warsaw and Lisbon.
SET SESSION max_recursive_iterations = 10000;

INSERT INTO depots (depot_id, name, location, service_area, opened_on)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 200),
     pos AS (SELECT n, ELT(1 + n % 4, 13.40, -3.70, 21.01, -9.14) + ((n * 7919) % 2000) / 10000 AS x,
                       ELT(1 + n % 4, 52.52, 40.42, 52.23, 38.72) + ((n * 104729) % 2000) / 10000 AS y
             FROM seq)
SELECT n,
       CONCAT(ELT(1 + n % 4, 'Berlin', 'Madrid', 'Warszawa', 'Lisboa'), ' depot ', n),
       CASE WHEN n % 2 = 0 THEN POINT(x, y) ELSE ST_GeomFromText(CONCAT('POINT(', x, ' ', y, ')')) END,
       CASE WHEN n % 5 = 0 THEN NULL
            ELSE ST_GeomFromText(CONCAT('POLYGON((', x - 0.05, ' ', y - 0.03, ', ', x + 0.05, ' ', y - 0.03, ', ',
                                        x + 0.05, ' ', y + 0.03, ', ', x - 0.05, ' ', y + 0.03, ', ',
                                        x - 0.05, ' ', y - 0.03, '))')) END,
       DATE '2016-04-01' + INTERVAL (n * 11) DAY
FROM pos;

INSERT INTO couriers (courier_id, depot_id, full_name, vehicle, last_position, hired_on)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 400)
SELECT n, 1 + (n * 7) % 200,
       CONCAT(ELT(1 + n % 6, 'Mateusz', 'Lucía', 'João', 'Lena', 'Ahmed', 'Inês'), ' ',
              ELT(1 + (n * 5) % 6, 'Wójcik', 'Ortega', 'Ferreira', 'Krause', 'Benali', 'Sousa')),
       ELT(1 + n % 7, 'bike', 'bike', 'ebike', 'ebike', 'ebike', 'scooter', 'van'),
       CASE WHEN n % 6 = 0 THEN NULL
            ELSE POINT(ELT(1 + (1 + (n * 7) % 200) % 4, 13.40, -3.70, 21.01, -9.14) + ((n * 31) % 900) / 10000,
                       ELT(1 + (1 + (n * 7) % 200) % 4, 52.52, 40.42, 52.23, 38.72) + ((n * 37) % 900) / 10000) END,
       DATE '2019-01-01' + INTERVAL (n * 3) DAY
FROM seq;

-- 3000 shifts over ~8 months, unique per (courier_id, shift_start)
INSERT INTO courier_shifts (shift_id, courier_id, shift_start, shift_end)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
SELECT n, 1 + (n - 1) % 400,
       TIMESTAMP '2023-09-04 07:00:00' + INTERVAL ((n - 1) DIV 400) * 32 DAY + INTERVAL (n % 4) * 3 HOUR
           + INTERVAL ((n - 1) % 400) % 30 DAY,
       CASE WHEN n % 41 = 0 THEN NULL
            ELSE TIMESTAMP '2023-09-04 07:00:00' + INTERVAL ((n - 1) DIV 400) * 32 DAY + INTERVAL (n % 4) * 3 HOUR
                 + INTERVAL ((n - 1) % 400) % 30 DAY + INTERVAL (4 + n % 5) HOUR END
FROM seq;

INSERT INTO deliveries (delivery_id, depot_id, courier_id, campaign_id, merchant_order_id, dropoff, route, requested_at, delivered_at, fee, tip)
WITH RECURSIVE seq AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM seq WHERE n < 4000),
     d AS (SELECT n, 1 + (n * 7919) % 200 AS depot,
                  ELT(1 + ((n * 7919) % 200 + 1) % 4, 13.40, -3.70, 21.01, -9.14) + ((n * 13) % 3000) / 10000 AS x,
                  ELT(1 + ((n * 7919) % 200 + 1) % 4, 52.52, 40.42, 52.23, 38.72) + ((n * 17) % 3000) / 10000 AS y
           FROM seq)
SELECT n, depot,
       CASE WHEN n % 25 = 0 THEN NULL ELSE 1 + (n * 389) % 400 END,
       NULL,
       CASE WHEN n % 8 = 0 THEN NULL ELSE 9100000000 + (n * 7919) % 100000000 END,
       POINT(x, y),
       CASE WHEN n % 3 = 0 OR n % 25 = 0 THEN NULL
            ELSE ST_GeomFromText(CONCAT('LINESTRING(', x - 0.01, ' ', y - 0.01, ', ', x - 0.004, ' ', y + 0.002, ', ', x, ' ', y, ')')) END,
       TIMESTAMP '2023-01-01 11:00:00' + INTERVAL (n * 97) MINUTE,
       CASE WHEN n % 25 = 0 OR n % 60 = 7 THEN NULL
            ELSE TIMESTAMP '2023-01-01 11:00:00' + INTERVAL (n * 97 + 20 + n % 40) MINUTE END,
       CASE WHEN n % 25 = 0 THEN NULL ELSE 2.49 + (n % 4) END,
       CASE WHEN n % 25 = 0 THEN NULL WHEN n % 3 = 0 THEN 0 ELSE (n * 7) % 500 / 100 END
FROM d;
