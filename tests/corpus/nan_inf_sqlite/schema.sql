-- A weather-station network on SQLite: loggers write +Infinity / -Infinity when a sensor
-- saturates (SQLite stores infinities; a NaN becomes NULL), observations are unique per
-- station and timestamp, precipitation is NULL together with its quality flag.

CREATE TABLE stations (
    station_id         INTEGER PRIMARY KEY,
    wmo_code           TEXT NOT NULL UNIQUE CHECK (length(wmo_code) = 5),
    name               TEXT NOT NULL,
    latitude           REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude          REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    elevation_m        REAL,
    commissioned_on    TEXT NOT NULL,
    decommissioned_on  TEXT CHECK (decommissioned_on >= commissioned_on)
);

CREATE TABLE instruments (
    instrument_id  INTEGER PRIMARY KEY,
    station_id     INTEGER NOT NULL REFERENCES stations (station_id),
    kind           TEXT NOT NULL CHECK (kind IN ('thermometer', 'barometer', 'anemometer', 'rain_gauge')),
    serial_number  TEXT NOT NULL,
    min_range      REAL NOT NULL DEFAULT (-9e999),   -- -Infinity: no lower limit
    max_range      REAL NOT NULL DEFAULT (9e999),    -- +Infinity: no upper limit
    installed_on   TEXT NOT NULL
);

CREATE TABLE observations (
    observation_id    INTEGER PRIMARY KEY,
    station_id        INTEGER NOT NULL REFERENCES stations (station_id),
    instrument_id     INTEGER,                       -- instruments.instrument_id, not declared
    observed_at       TEXT NOT NULL,
    temperature_c     REAL,                          -- +-Infinity when saturated
    pressure_hpa      REAL,
    wind_speed_ms     REAL,
    precipitation_mm  NUMERIC(8,2),                  -- NULL together with precip_flag
    precip_flag       TEXT CHECK (precip_flag IN ('measured', 'estimated', 'trace')),
    UNIQUE (station_id, observed_at)
);
CREATE INDEX observations_observed_at_idx ON observations (observed_at);

CREATE TABLE station_months (
    station_id    INTEGER NOT NULL REFERENCES stations (station_id),
    month_start   TEXT NOT NULL,
    mean_temp_c   REAL,
    max_gust_ms   REAL,
    total_precip  NUMERIC(8,2),
    PRIMARY KEY (station_id, month_start)
);

CREATE VIEW latest_observation AS
    SELECT o.station_id, s.name, max(o.observed_at) AS observed_at
    FROM observations o JOIN stations s USING (station_id)
    GROUP BY o.station_id, s.name;
