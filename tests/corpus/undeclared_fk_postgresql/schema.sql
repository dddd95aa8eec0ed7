-- A public-library system ported from a MyISAM database: almost no foreign key survived the
-- port, and the naming conventions are those of three generations of developers
-- (id_<table>, <plural>_id, a natural key repeated by name, composite keys of junctions).

CREATE TABLE publishers (
    id       integer PRIMARY KEY,
    name     text NOT NULL,
    country  char(2)
);

CREATE TABLE authors (
    author_id   integer PRIMARY KEY,
    full_name   text NOT NULL,
    birth_year  smallint
);

CREATE TABLE books (
    isbn            varchar(13) PRIMARY KEY,
    title           text NOT NULL,
    id_publisher    integer,               -- publishers.id
    published_year  smallint,
    language        char(2) NOT NULL DEFAULT 'en',
    list_price      numeric(8,2),
    oclc_number     bigint                 -- WorldCat's number, no table here
);

CREATE TABLE book_authors (
    isbn       varchar(13) NOT NULL,       -- books.isbn
    author_id  integer NOT NULL,           -- authors.author_id
    role       text NOT NULL DEFAULT 'author',
    PRIMARY KEY (isbn, author_id)
);

CREATE TABLE tags (
    id     integer PRIMARY KEY,
    label  text NOT NULL UNIQUE
);

CREATE TABLE book_tags (
    isbn     varchar(13) NOT NULL,         -- books.isbn
    tags_id  integer NOT NULL,             -- tags.id
    PRIMARY KEY (isbn, tags_id)
);

CREATE TABLE branches (
    branch_id  integer PRIMARY KEY,
    name       text NOT NULL,
    city       text NOT NULL,
    opened_on  date
);

CREATE TABLE copies (
    copy_id      integer PRIMARY KEY,
    isbn         varchar(13) NOT NULL,     -- books.isbn
    branch_id    integer NOT NULL,         -- branches.branch_id
    barcode      text NOT NULL UNIQUE,
    acquired_on  date,
    condition    text NOT NULL CHECK (condition IN ('new', 'good', 'worn', 'damaged', 'lost', 'withdrawn')),
    rfid_tag_id  bigint                    -- tag serial from the RFID vendor
);
CREATE INDEX copies_isbn_idx ON copies (isbn);

CREATE TABLE members (
    member_id       integer PRIMARY KEY,
    full_name       text NOT NULL,
    email           text,
    home_branch_id  integer,               -- branches.branch_id
    joined_on       date NOT NULL,
    external_id     bigint,                -- the city's citizen-card number
    legacy_code_id  integer                -- code of the 1998 system, table long gone
);

-- one-to-one, sharing the members key, never declared
CREATE TABLE member_preferences (
    member_id            integer PRIMARY KEY,   -- members.member_id
    newsletter           boolean NOT NULL DEFAULT false,
    preferred_branch_id  integer,               -- branches.branch_id
    language             char(2)
);

CREATE TABLE loans (
    loan_id             integer PRIMARY KEY,
    copy_id             integer NOT NULL,       -- copies.copy_id
    members_id          integer NOT NULL,       -- members.member_id (sic)
    loaned_at           timestamp NOT NULL,
    due_at              timestamp NOT NULL,
    returned_at         timestamp,
    fine_amount         numeric(8,2),           -- NULL together with fine_paid_at
    fine_paid_at        timestamp,
    pos_transaction_id  bigint                  -- the till's transaction, no table here
);
CREATE INDEX loans_member_idx ON loans (members_id);

CREATE TABLE reviews (
    review_id   integer PRIMARY KEY,
    isbn        varchar(13) NOT NULL,           -- books.isbn
    member_id   integer,                        -- members.member_id, NULL once anonymised
    rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body        text,
    created_at  timestamp NOT NULL
);

-- the one table written after the port, with its keys declared
CREATE TABLE holds (
    hold_id     integer PRIMARY KEY,
    isbn        varchar(13) NOT NULL REFERENCES books (isbn),
    member_id   integer NOT NULL REFERENCES members (member_id),
    id_branch   integer NOT NULL,               -- branches.branch_id, not declared
    placed_at   timestamp NOT NULL,
    fulfilled_at timestamp
);
