-- Deterministic: every value is arithmetic on the recursive sequence number.
BEGIN;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 300)
INSERT INTO Artist (ArtistId, Name)
SELECT n, CASE WHEN n % 40 = 0 THEN NULL
               ELSE json_extract('["AC/DC","Björk","Os Mutantes","Sigur Rós","Miles Davis","Motörhead","Caetano Veloso","Röyksopp","Nina Simone","Daft Punk"]',
                                 '$[' || (n % 10) || ']') || ' ' || n END
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 600)
INSERT INTO Album (AlbumId, Title, ArtistId)
SELECT n, json_extract('["Greatest Hits","Live in Tokyo","Debut","Unplugged","Sessions","Remastered"]', '$[' || (n % 6) || ']')
              || ' Vol. ' || (1 + n % 9),
       1 + (n * 7) % 300
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 199)
INSERT INTO Genre (GenreId, Name)
SELECT n + 1, json_extract('["","Progressive ","Deep ","Nu ","Post-","Acid ","Dream ","Neo-","Dark ","Latin "]', '$[' || (n / 20) || ']')
              || json_extract('["Rock","Jazz","Metal","House","Soul","Punk","Pop","Techno","Folk","Funk","Blues","Reggae","Disco","Trance","Samba","Grunge","Ambient","Hip Hop","Bossa Nova","Classical"]',
                              '$[' || (n % 20) || ']')
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3500)
INSERT INTO Track (TrackId, Name, AlbumId, GenreId, Composer, Milliseconds, Bytes, UnitPrice, ExternalTrackId)
SELECT n,
       json_extract('["Intro","Blue Train","Hyperballad","Ace of Spades","Feeling Good","Around the World","Sábado","Hoppípolla"]', '$[' || (n % 8) || ']')
           || CASE WHEN n % 5 = 0 THEN ' (Remastered)' ELSE '' END,
       CASE WHEN n % 100 = 0 THEN NULL ELSE 1 + (n * 7919) % 600 END,   -- singles have no album
       1 + (n * 13) % 200,
       CASE WHEN n % 3 = 0 THEN NULL ELSE json_extract('["Angus Young","Björk Guðmundsdóttir","John Coltrane","Lemmy Kilmister"]', '$[' || (n % 4) || ']') END,
       60000 + (n * 7919) % 480000,
       CASE WHEN n % 17 = 0 THEN NULL ELSE 1000000 + (n * 104729) % 15000000 END,
       CASE WHEN n % 10 = 0 THEN 1.99 ELSE 0.99 END,
       CASE WHEN n % 6 = 0 THEN NULL ELSE 5000000 + (n * 7919) % 900000 END
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO Playlist (PlaylistId, Name)
SELECT n, json_extract('["Music","Movies","90s Music","Audiobooks","Classical","Workout","Chill"]', '$[' || (n % 7) || ']') || ' #' || n
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
INSERT INTO PlaylistTrack (PlaylistId, TrackId)
SELECT 1 + (n - 1) / 25, 1 + ((n - 1) % 25 * 139 + (n - 1) / 25 * 7) % 3500
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO Employee (EmployeeId, LastName, FirstName, Title, ReportsTo, HireDate, Email)
SELECT n,
       json_extract('["Adams","Edwards","Peacock","Park","Johnson","Mitchell","King","Callahan"]', '$[' || (n % 8) || ']'),
       json_extract('["Andrew","Nancy","Jane","Margaret","Steve","Michael","Robert","Laura"]', '$[' || ((n * 3) % 8) || ']'),
       CASE WHEN n = 1 THEN 'General Manager' WHEN n <= 10 THEN 'Sales Manager' ELSE 'Sales Support Agent' END,
       CASE WHEN n = 1 THEN NULL WHEN n <= 10 THEN 1 ELSE 2 + n % 9 END,
       datetime('2002-08-14', '+' || (n * 17) || ' days'),
       'employee' || n || '@chinookcorp.com'
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
INSERT INTO Customer (CustomerId, FirstName, LastName, Company, Country, Email, SupportRepId, LegacyCustomerId)
SELECT n,
       json_extract('["Luís","Leonie","François","Bjørn","František","Helena","Astrid","Daan","Kara","Eduardo"]', '$[' || (n % 10) || ']'),
       json_extract('["Gonçalves","Köhler","Tremblay","Hansen","Wichterlová","Holý","Gruber","Peeters","Nielsen","Martins"]', '$[' || ((n * 7) % 10) || ']'),
       CASE WHEN n % 4 = 0 THEN 'Embraer ' || n END,
       json_extract('["Brazil","Germany","Canada","Norway","Czech Republic","Austria","Belgium","Denmark","USA","Portugal"]', '$[' || (n % 10) || ']'),
       'customer' || n || '@example.com',
       CASE WHEN n % 20 = 0 THEN NULL ELSE 11 + (n * 7) % 190 END,
       CASE WHEN n <= 350 THEN 880000 + (n * 31) % 10000 END
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2500)
INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceNumber, InvoiceDate, BillingCountry, Total)
SELECT n, 1 + (n * 7919) % 1000, 'CH-' || (2009 + n / 500) || '-' || printf('%05d', n),
       datetime('2009-01-01 00:00:00', '+' || (n * 1753) || ' minutes'),
       CASE WHEN n % 30 = 0 THEN NULL ELSE json_extract('["Brazil","Germany","Canada","Norway","Czech Republic"]', '$[' || (n % 5) || ']') END,
       0
FROM seq;

WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
INSERT INTO InvoiceLine (InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity)
SELECT n, 1 + (n - 1) % 2500, 1 + (n * 389) % 3500, CASE WHEN (n * 389) % 3500 % 10 = 9 THEN 1.99 ELSE 0.99 END,
       CASE WHEN n % 50 = 0 THEN 2 ELSE 1 END
FROM seq;

UPDATE Invoice SET Total = (SELECT round(SUM(UnitPrice * Quantity), 2) FROM InvoiceLine il WHERE il.InvoiceId = Invoice.InvoiceId);

-- five tracks taken down by the label: gone from the catalogue and the playlists, still on
-- old invoices (the planted orphans of InvoiceLine.TrackId)
DELETE FROM PlaylistTrack WHERE TrackId % 700 = 123;
DELETE FROM Track WHERE TrackId % 700 = 123;

COMMIT;
