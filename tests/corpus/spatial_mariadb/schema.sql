-- Last-mile delivery on MariaDB: depots and drop-offs as POINTs (NOT NULL, spatially
-- indexed), service areas and routes as GEOMETRY, courier shifts unique per start time,
-- and a promotions module that was never used (empty parents).

CREATE TABLE depots (
    depot_id      INT NOT NULL PRIMARY KEY,
    name          VARCHAR(80) NOT NULL,
    location      POINT NOT NULL,
    service_area  GEOMETRY,                 -- POLYGON, NULL where not mapped yet
    opened_on     DATE NOT NULL,
    SPATIAL INDEX sp_depots_location (location)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE couriers (
    courier_id     INT NOT NULL PRIMARY KEY,
    depot_id       INT NOT NULL,
    full_name      VARCHAR(100) NOT NULL,
    vehicle        ENUM('bike', 'ebike', 'scooter', 'van') NOT NULL,
    last_position  POINT,
    hired_on       DATE NOT NULL,
    CONSTRAINT fk_couriers_depot FOREIGN KEY (depot_id) REFERENCES depots (depot_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE courier_shifts (
    shift_id     INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    courier_id   INT NOT NULL,
    shift_start  DATETIME NOT NULL,
    shift_end    DATETIME,                  -- NULL: still running or never clocked out
    UNIQUE KEY uq_shift_courier_start (courier_id, shift_start),
    CONSTRAINT fk_shifts_courier FOREIGN KEY (courier_id) REFERENCES couriers (courier_id),
    CONSTRAINT chk_shift_order CHECK (shift_end > shift_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- the promotions module: shipped in 2021, never used
CREATE TABLE promo_campaigns (
    campaign_id  INT NOT NULL PRIMARY KEY,
    code         VARCHAR(20) NOT NULL UNIQUE,
    starts_at    DATETIME NOT NULL,
    ends_at      DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE deliveries (
    delivery_id   INT NOT NULL PRIMARY KEY,
    depot_id      INT NOT NULL,
    courier_id    INT,                       -- NULL: never assigned (cancelled)
    campaign_id   INT,                       -- always NULL: no campaign ever ran
    merchant_order_id BIGINT,                -- the restaurant's order id, in its own system
    dropoff       POINT NOT NULL,
    route         GEOMETRY,                  -- LINESTRING from the courier app, when uploaded
    requested_at  DATETIME NOT NULL,
    delivered_at  DATETIME,
    fee           DECIMAL(8,2),              -- NULL together with tip: cancelled deliveries
    tip           DECIMAL(8,2),
    SPATIAL INDEX sp_deliveries_dropoff (dropoff),
    CONSTRAINT fk_deliveries_depot FOREIGN KEY (depot_id) REFERENCES depots (depot_id),
    CONSTRAINT fk_deliveries_courier FOREIGN KEY (courier_id) REFERENCES couriers (courier_id),
    CONSTRAINT fk_deliveries_campaign FOREIGN KEY (campaign_id) REFERENCES promo_campaigns (campaign_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE campaign_redemptions (
    redemption_id  INT NOT NULL PRIMARY KEY,
    campaign_id    INT NOT NULL,
    delivery_id    INT NOT NULL,
    redeemed_at    DATETIME NOT NULL,
    CONSTRAINT fk_redemptions_campaign FOREIGN KEY (campaign_id) REFERENCES promo_campaigns (campaign_id),
    CONSTRAINT fk_redemptions_delivery FOREIGN KEY (delivery_id) REFERENCES deliveries (delivery_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE VIEW depot_load AS
    SELECT d.depot_id, d.name, COUNT(x.delivery_id) AS deliveries,
           AVG(ST_Distance(d.location, x.dropoff)) AS avg_distance_deg
    FROM depots d JOIN deliveries x ON x.depot_id = d.depot_id
    GROUP BY d.depot_id, d.name;
