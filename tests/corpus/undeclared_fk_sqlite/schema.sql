-- A digital music store in the shape of the Chinook sample database (CamelCase tables and
-- <Table>Id keys), as found after an export that lost every FOREIGN KEY clause.

CREATE TABLE Artist (
    ArtistId  INTEGER PRIMARY KEY,
    Name      NVARCHAR(120)
);

CREATE TABLE Album (
    AlbumId   INTEGER PRIMARY KEY,
    Title     NVARCHAR(160) NOT NULL,
    ArtistId  INTEGER NOT NULL               -- Artist.ArtistId
);
CREATE INDEX IFK_AlbumArtistId ON Album (ArtistId);

CREATE TABLE Genre (
    GenreId  INTEGER PRIMARY KEY,
    Name     NVARCHAR(120)
);

CREATE TABLE Track (
    TrackId          INTEGER PRIMARY KEY,
    Name             NVARCHAR(200) NOT NULL,
    AlbumId          INTEGER,                -- Album.AlbumId
    GenreId          INTEGER,                -- Genre.GenreId
    Composer         NVARCHAR(220),
    Milliseconds     INTEGER NOT NULL,
    Bytes            INTEGER,
    UnitPrice        NUMERIC(10,2) NOT NULL,
    ExternalTrackId  INTEGER                 -- the distributor's catalogue number
);
CREATE INDEX IFK_TrackAlbumId ON Track (AlbumId);

CREATE TABLE Playlist (
    PlaylistId  INTEGER PRIMARY KEY,
    Name        NVARCHAR(120)
);

CREATE TABLE PlaylistTrack (
    PlaylistId  INTEGER NOT NULL,            -- Playlist.PlaylistId
    TrackId     INTEGER NOT NULL,            -- Track.TrackId
    CONSTRAINT PK_PlaylistTrack PRIMARY KEY (PlaylistId, TrackId)
);

CREATE TABLE Employee (
    EmployeeId  INTEGER PRIMARY KEY,
    LastName    NVARCHAR(20) NOT NULL,
    FirstName   NVARCHAR(20) NOT NULL,
    Title       NVARCHAR(30),
    ReportsTo   INTEGER,                     -- Employee.EmployeeId
    HireDate    DATETIME,
    Email       NVARCHAR(60)
);

CREATE TABLE Customer (
    CustomerId        INTEGER PRIMARY KEY,
    FirstName         NVARCHAR(40) NOT NULL,
    LastName          NVARCHAR(20) NOT NULL,
    Company           NVARCHAR(80),
    Country           NVARCHAR(40),
    Email             NVARCHAR(60) NOT NULL,
    SupportRepId      INTEGER,               -- Employee.EmployeeId
    LegacyCustomerId  INTEGER                -- id in the 2009 web shop, not kept
);

CREATE TABLE Invoice (
    InvoiceId       INTEGER PRIMARY KEY,
    CustomerId      INTEGER NOT NULL,        -- Customer.CustomerId
    InvoiceNumber   NVARCHAR(20) NOT NULL,
    InvoiceDate     DATETIME NOT NULL,
    BillingCountry  NVARCHAR(40),
    Total           NUMERIC(10,2) NOT NULL
);
CREATE INDEX IFK_InvoiceCustomerId ON Invoice (CustomerId);

CREATE TABLE InvoiceLine (
    InvoiceLineId  INTEGER PRIMARY KEY,
    InvoiceId      INTEGER NOT NULL,         -- Invoice.InvoiceId
    TrackId        INTEGER NOT NULL,         -- Track.TrackId (some tracks were taken down)
    UnitPrice      NUMERIC(10,2) NOT NULL,
    Quantity       INTEGER NOT NULL
);
CREATE INDEX IFK_InvoiceLineTrackId ON InvoiceLine (TrackId);

CREATE VIEW TrackSales AS
    SELECT t.TrackId, t.Name, a.Title AS Album, g.Name AS Genre, COUNT(il.InvoiceLineId) AS LinesSold,
           SUM(il.UnitPrice * il.Quantity) AS Revenue
    FROM Track t
    LEFT JOIN Album a ON a.AlbumId = t.AlbumId
    LEFT JOIN Genre g ON g.GenreId = t.GenreId
    JOIN InvoiceLine il ON il.TrackId = t.TrackId
    GROUP BY t.TrackId;
