-- Deterministic: every value is arithmetic on the recursive sequence number.
-- 9e999 is how SQLite writes +Infinity; -9e999 is -Infinity.
PRAGMA foreign_keys = ON;
BEGIN;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO stations (station_id, wmo_code, name, latitude, longitude, elevation_m, commissioned_on, decommissioned_on)
SELECT n, printf('%05d', 10000 + n * 311),
       json_extract('["Zugspitze","Hohenpeißenberg","Sonnblick","Jungfraujoch","Säntis","Brocken","Feldberg"]', '$[' || (n % 7) || ']') || ' ' || n,
       45.0 + (n * 7919 % 1000) / 100.0,
       5.0 + (n * 104729 % 1200) / 100.0,
       CASE WHEN n % 9 = 0 THEN NULL ELSE (n * 37 % 3500) + 0.5 END,
       date('1950-01-01', '+' || (n * 97) || ' days'),
       CASE WHEN n % 17 = 0 THEN date('1950-01-01', '+' || (n * 97 + 9000) || ' days') END
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 800)
INSERT INTO instruments (instrument_id, station_id, kind, serial_number, min_range, max_range, installed_on)
SELECT n, 1 + (n - 1) % 200,
       json_extract('["thermometer","barometer","anemometer","rain_gauge"]', '$[' || ((n - 1) / 200) || ']'),
       'VS-' || printf('%06X', n * 4099),
       CASE (n - 1) / 200 WHEN 0 THEN -40.0 WHEN 1 THEN 500.0 ELSE -9e999 END,
       CASE (n - 1) / 200 WHEN 0 THEN 60.0 WHEN 1 THEN 1100.0 WHEN 2 THEN 75.0 ELSE 9e999 END,
       date('2005-01-01', '+' || (n * 5) || ' days')
FROM seq;

-- hourly-ish readings over ~7 months; 3% +Inf and 2% -Inf temperatures, 2% +Inf gusts
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
INSERT INTO observations (observation_id, station_id, instrument_id, observed_at, temperature_c, pressure_hpa,
                          wind_speed_ms, precipitation_mm, precip_flag)
SELECT n, 1 + (n * 7919) % 200,
       CASE WHEN n % 10 = 0 THEN NULL ELSE 1 + (n * 7919) % 200 END,   -- the station's thermometer
       datetime('2023-10-01 00:00:00', '+' || (n * 61) || ' minutes'),
       CASE WHEN n % 33 = 0 THEN 9e999 WHEN n % 50 = 1 THEN -9e999 WHEN n % 71 = 0 THEN NULL
            ELSE -15.0 + (n * 7919 % 4000) / 100.0 END,
       CASE WHEN n % 13 = 0 THEN NULL ELSE 950.0 + (n * 37 % 900) / 10.0 END,
       CASE WHEN n % 50 = 7 THEN 9e999 ELSE (n * 13 % 300) / 10.0 END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE round((n * 7 % 400) / 10.0, 2) END,
       CASE WHEN n % 5 = 0 THEN NULL ELSE json_extract('["measured","measured","estimated","trace"]', '$[' || (n % 4) || ']') END
FROM seq;

-- a year of monthly aggregates for every station
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 2399)
INSERT INTO station_months (station_id, month_start, mean_temp_c, max_gust_ms, total_precip)
SELECT 1 + n % 200, date('2023-01-01', '+' || (n / 200) || ' months'),
       CASE WHEN n % 40 = 3 THEN 9e999 WHEN n % 23 = 0 THEN NULL ELSE -5.0 + (n * 31 % 250) / 10.0 END,
       CASE WHEN n % 25 = 0 THEN 9e999 ELSE 10.0 + (n * 17 % 400) / 10.0 END,
       CASE WHEN n % 23 = 0 THEN NULL ELSE round((n * 7919 % 20000) / 100.0, 2) END
FROM seq;

COMMIT;
