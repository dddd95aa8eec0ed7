-- Schema of 4 table(s) for postgresql, written by synth.

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

CREATE TYPE "order_state" AS ENUM ('new', 'paid');

CREATE TABLE "customers" (
    "id" INTEGER NOT NULL,
    "email" VARCHAR(120) NOT NULL,
    "remark" TEXT,
    "tier" VARCHAR(10) NOT NULL,
    "referred_by" INTEGER,
    "active" BOOLEAN NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "balance" NUMERIC(10, 2),
    PRIMARY KEY ("id"),
    UNIQUE ("email"),
    CHECK ("tier" IN ('free', 'pro')),
    FOREIGN KEY ("referred_by") REFERENCES "customers" ("id")
);

CREATE TABLE "orders" (
    "id" BIGINT NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "order" SMALLINT,
    "state" "order_state" NOT NULL,
    "payload" JSONB,
    "receipt" BYTEA,
    "ship_date" DATE,
    "ship_time" TIME,
    "ref" UUID,
    "weight" REAL,
    "shape" TEXT, -- source type GEOMETRY: synth writes NULL here
    PRIMARY KEY ("id"),
    FOREIGN KEY ("customer_id") REFERENCES "customers" ("id")
);

CREATE TABLE "teams" (
    "id" INTEGER NOT NULL,
    "lead_id" INTEGER,
    PRIMARY KEY ("id")
);

CREATE TABLE "members" (
    "id" INTEGER NOT NULL,
    "team_id" INTEGER NOT NULL,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("team_id") REFERENCES "teams" ("id")
);

-- Foreign keys that close a cycle, once every table exists.
ALTER TABLE "teams" ADD CONSTRAINT "teams_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "members" ("id");
