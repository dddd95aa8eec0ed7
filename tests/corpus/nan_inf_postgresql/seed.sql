-- Deterministic: every value is arithmetic on the generate_series number.

INSERT INTO sites (site_id, name, timezone, latitude, longitude, elevation_m)
SELECT n,
       (ARRAY['HQ', 'Warehouse', 'Lab', 'Store', 'Data centre'])[1 + n % 5] || ' ' || n,
       (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'])[1 + n % 5],
       (-60 + (n * 7919) % 12000 / 100.0)::real,
       (-170 + (n * 104729) % 34000 / 100.0)::real,
       CASE WHEN n % 7 = 0 THEN NULL ELSE ((n * 37) % 25000 / 10.0)::real END
FROM generate_series(1, 200) AS n;

INSERT INTO sensors (sensor_id, site_id, contract_id, kind, serial_number, vendor_device_id, calibration_offset, installed_at,
                     decommissioned_at)
SELECT n, 1 + (n * 31) % 200, NULL,
       CASE WHEN n <= 40 THEN 'legacy_v1' ELSE (ARRAY['temperature', 'humidity', 'pressure', 'co2'])[1 + n % 4] END,
       'SN-' || to_hex(1048576 + n * 4099),
       CASE WHEN n <= 40 THEN NULL ELSE 281474976710656 + n * 65537 END,
       ((n % 21 - 10) / 10.0)::real,                   -- -1.0 .. 1.0 in steps of 0.1
       timestamptz '2019-01-01 00:00+00' + n * interval '3 days 5 hours',
       CASE WHEN n <= 40 OR n % 29 = 0 THEN timestamptz '2023-06-01 00:00+00' + n * interval '1 day' END
FROM generate_series(1, 500) AS n;

-- ~6% NaN, 2% +Infinity, 2% -Infinity, 1% NULL; float32 values in steps of 0.1
INSERT INTO measurements (sensor_id, measured_at, value, value_f32, battery_v)
SELECT 1 + (n * 7919) % 500,
       timestamptz '2024-01-01 00:00+00' + n * interval '47 minutes',
       CASE WHEN n % 97 = 0 THEN NULL
            WHEN n % 16 = 0 THEN 'NaN'::double precision
            WHEN n % 50 = 1 THEN 'Infinity'::double precision
            WHEN n % 50 = 2 THEN '-Infinity'::double precision
            ELSE 10 + ((n * 7919) % 2000) / 100.0 + (n % 3) / 3.0 END,
       (((n * 37) % 1000) / 10.0)::real,
       CASE WHEN n % 11 = 0 THEN NULL WHEN n % 250 = 3 THEN 'NaN'::real
            ELSE (3.0 + ((n * 13) % 120) / 100.0)::real END
FROM generate_series(1, 5000) AS n;

INSERT INTO calibrations (calibration_id, sensor_id, performed_at, offset_delta, cost, invoice_ref, technician)
SELECT n, 1 + (n * 389) % 500,
       timestamptz '2020-02-01 08:00+00' + n * interval '2 days 1 hour',
       (((n * 7) % 41 - 20) / 100.0)::real,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 45 + (n * 7919) % 300 + 0.5 END,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 'VND-' || (2020 + n / 300) || '-' || lpad(n::text, 5, '0') END,
       CASE WHEN n % 9 = 0 THEN NULL ELSE (ARRAY['Okoro', 'Lindgren', 'Ruiz', 'Haas'])[1 + n % 4] END
FROM generate_series(1, 800) AS n;

INSERT INTO alert_rules (rule_id, sensor_id, valid_from, lower_bound, upper_bound, hysteresis)
SELECT n, 1 + (n - 1) % 500,
       timestamptz '2022-01-01 00:00+00' + ((n - 1) / 500) * interval '7 months' + n * interval '1 hour',
       CASE WHEN n % 3 = 0 THEN '-Infinity'::double precision ELSE 5 + n % 10 END,
       CASE WHEN n % 4 = 0 THEN 'Infinity'::double precision ELSE 30 + n % 15 END,
       ((n % 10) / 10.0 + 0.1)::real
FROM generate_series(1, 900) AS n;

REFRESH MATERIALIZED VIEW daily_sensor_stats;
ANALYZE;
