-- Deterministic: every value is arithmetic on the generate_series number.
CREATE FUNCTION pg_temp.isbn(b integer) RETURNS varchar LANGUAGE sql IMMUTABLE AS
    $$ SELECT '978' || lpad(((b * 7919) % 1000000000)::text, 9, '0') || (b % 10)::text $$;

INSERT INTO publishers (id, name, country)
SELECT n,
       (ARRAY['Penguin', 'Gallimard', 'Suhrkamp', 'Anagrama', 'Einaudi', 'Kodansha', 'Norstedts'])[1 + n % 7]
           || CASE WHEN n > 7 THEN ' ' || (ARRAY['Press', 'Verlag', 'Éditions', 'Libros'])[1 + n % 4] || ' ' || n ELSE '' END,
       CASE WHEN n % 10 = 0 THEN NULL ELSE (ARRAY['GB', 'FR', 'DE', 'ES', 'IT', 'JP', 'SE'])[1 + n % 7] END
FROM generate_series(1, 200) AS n;

INSERT INTO authors (author_id, full_name, birth_year)
SELECT n,
       (ARRAY['Ursula', 'Gabriel', 'Toni', 'Haruki', 'Chimamanda', 'Italo', 'Selma', 'Jorge'])[1 + n % 8] || ' '
           || (ARRAY['Le Guin', 'García', 'Morrison', 'Murakami', 'Adichie', 'Calvino', 'Lagerlöf', 'Borges'])[1 + (n * 3) % 8]
           || ' ' || n,
       CASE WHEN n % 6 = 0 THEN NULL ELSE 1850 + (n * 7) % 150 END
FROM generate_series(1, 600) AS n;

INSERT INTO books (isbn, title, id_publisher, published_year, language, list_price, oclc_number)
SELECT pg_temp.isbn(b),
       (ARRAY['The', 'A', 'Our', 'Last'])[1 + b % 4] || ' ' ||
           (ARRAY['Left Hand', 'Hundred Years', 'Beloved Song', 'Wind-up Bird', 'Purple Hibiscus', 'Invisible City', 'Saga', 'Garden'])[1 + (b * 7) % 8]
           || ' ' || b,
       CASE WHEN b % 20 = 0 THEN NULL ELSE 1 + (b * 37) % 200 END,
       CASE WHEN b % 15 = 0 THEN NULL ELSE 1900 + (b * 13) % 124 END,
       (ARRAY['en', 'en', 'fr', 'de', 'es', 'it', 'ja', 'sv'])[1 + b % 8],
       CASE WHEN b % 9 = 0 THEN NULL ELSE 4.99 + (b * 7919) % 40 END,
       CASE WHEN b % 3 = 0 THEN NULL ELSE 30000000 + (b * 104729) % 900000000 END
FROM generate_series(1, 2000) AS b;

INSERT INTO book_authors (isbn, author_id, role)
SELECT pg_temp.isbn(1 + (n - 1) % 2000), 1 + ((n - 1) % 2000 * 7 + (n - 1) / 2000 * 301) % 600,
       CASE WHEN n > 2000 THEN (ARRAY['co-author', 'translator', 'illustrator'])[1 + n % 3] ELSE 'author' END
FROM generate_series(1, 3000) AS n;

INSERT INTO tags (id, label)
SELECT n, (ARRAY['fiction', 'poetry', 'history', 'science', 'children', 'crime', 'travel', 'cooking'])[1 + n % 8]
              || CASE WHEN n > 8 THEN '/' || n ELSE '' END
FROM generate_series(1, 200) AS n;

INSERT INTO book_tags (isbn, tags_id)
SELECT pg_temp.isbn(1 + (n - 1) / 2), 1 + (n * 53 + (n % 2) * 7) % 200
FROM generate_series(1, 3000) AS n;

INSERT INTO branches (branch_id, name, city, opened_on)
SELECT n, (ARRAY['Central', 'Riverside', 'Old Town', 'Harbour', 'University'])[1 + n % 5] || ' ' || n,
       (ARRAY['Zürich', 'Málaga', 'Göteborg', 'Porto', 'Kraków'])[1 + (n * 3) % 5],
       CASE WHEN n % 8 = 0 THEN NULL ELSE date '1950-01-01' + n * 97 END
FROM generate_series(1, 200) AS n;

INSERT INTO copies (copy_id, isbn, branch_id, barcode, acquired_on, condition, rfid_tag_id)
SELECT c, pg_temp.isbn(1 + (c * 7919) % 2000), 1 + (c * 31) % 200,
       'LIB' || lpad(c::text, 8, '0'),
       CASE WHEN c <= 400 THEN NULL ELSE date '1995-01-01' + (c * 3) % 10000 END,   -- pre-2000 stock: unknown
       (ARRAY['new', 'good', 'good', 'good', 'worn', 'damaged', 'lost', 'withdrawn'])[1 + (c * 7) % 8],
       CASE WHEN c % 4 = 0 THEN NULL ELSE 3000000000 + (c::bigint * 15485863) % 1000000000 END
FROM generate_series(1, 5000) AS c;

INSERT INTO members (member_id, full_name, email, home_branch_id, joined_on, external_id, legacy_code_id)
SELECT m,
       (ARRAY['Léa', 'Jonas', 'Núria', 'Björn', 'Zofia', 'Tiago', 'Anouk', 'Emre'])[1 + m % 8] || ' '
           || (ARRAY['Meier', 'Puig', 'Lindqvist', 'Nowak', 'Costa', 'de Vries', 'Yilmaz'])[1 + (m * 5) % 7],
       CASE WHEN m % 8 = 0 THEN NULL ELSE 'member' || m || '@example.ch' END,
       CASE WHEN m % 12 = 0 THEN NULL ELSE 1 + (m * 17) % 200 END,
       date '1998-01-01' + (m * 4) % 9500,
       CASE WHEN m % 5 = 0 THEN NULL ELSE 756000000000 + (m * 7919) % 100000000 END,
       CASE WHEN m <= 700 THEN 80000 + (m * 11) % 9000 END
FROM generate_series(1, 2000) AS m;

INSERT INTO member_preferences (member_id, newsletter, preferred_branch_id, language)
SELECT m, m % 3 = 0, CASE WHEN m % 4 = 0 THEN NULL ELSE 1 + (m * 29) % 200 END,
       CASE WHEN m % 10 = 0 THEN NULL ELSE (ARRAY['de', 'fr', 'it', 'en'])[1 + m % 4] END
FROM generate_series(1, 1500) AS m
WHERE m % 5 <> 0;

INSERT INTO loans (loan_id, copy_id, members_id, loaned_at, due_at, returned_at, fine_amount, fine_paid_at,
                   pos_transaction_id)
SELECT l, 1 + (l * 7919) % 5000, 1 + (l * 389) % 2000,
       timestamp '2019-01-02 10:00' + l * interval '9 hours 41 minutes',
       timestamp '2019-01-02 10:00' + l * interval '9 hours 41 minutes' + interval '21 days',
       CASE WHEN l % 17 = 0 THEN NULL
            ELSE timestamp '2019-01-02 10:00' + l * interval '9 hours 41 minutes' + (3 + l % 30) * interval '1 day' END,
       CASE WHEN l % 17 <> 0 AND 3 + l % 30 > 21 THEN (3 + l % 30 - 21) * 0.50 END,
       CASE WHEN l % 17 <> 0 AND 3 + l % 30 > 21
            THEN timestamp '2019-01-02 10:00' + l * interval '9 hours 41 minutes' + (3 + l % 30) * interval '1 day' END,
       CASE WHEN l % 17 <> 0 AND 3 + l % 30 > 21 THEN 440000000 + l * 7 END
FROM generate_series(1, 5000) AS l;

INSERT INTO reviews (review_id, isbn, member_id, rating, body, created_at)
SELECT r, pg_temp.isbn(1 + (r * 211) % 2000), 1 + (r * 7919) % 2000, 1 + (r * 7) % 5,
       CASE WHEN r % 3 = 0 THEN NULL ELSE (ARRAY['Loved it.', 'Slow start.', 'Brilliant translation.', 'Not for me.'])[1 + r % 4] END,
       timestamp '2015-05-01 12:00' + r * interval '1 day 3 hours'
FROM generate_series(1, 3000) AS r;

INSERT INTO holds (hold_id, isbn, member_id, id_branch, placed_at, fulfilled_at)
SELECT h, pg_temp.isbn(1 + (h * 97) % 2000), 1 + (h * 1009) % 2000 , 1 + (h * 13) % 200,
       timestamp '2023-01-01 09:00' + h * interval '7 hours',
       CASE WHEN h % 3 = 0 THEN NULL ELSE timestamp '2023-01-01 09:00' + h * interval '7 hours' + (h % 14) * interval '1 day' END
FROM generate_series(1, 1200) AS h
WHERE (1 + (h * 1009) % 2000) % 400 <> 17;

-- GDPR erasure of five members: their preferences go, their reviews are anonymised, and
-- their loans stay behind (the planted orphans of loans.members_id)
DELETE FROM member_preferences WHERE member_id % 400 = 17;
UPDATE reviews SET member_id = NULL WHERE member_id % 400 = 17;
DELETE FROM members WHERE member_id % 400 = 17;

ANALYZE;
