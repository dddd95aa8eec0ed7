-- Deterministic: every value is arithmetic on the generate_series number.

INSERT INTO membership_tiers (tier_id, code, sku, name, billing_interval, price, discount,
                              sell_start_date, sell_end_date)
SELECT n,
       (ARRAY['BAS', 'PLU', 'PRO', 'PAT', 'EDU'])[1 + n % 5],
       'SKU-' || (ARRAY['BAS', 'PLU', 'PRO', 'PAT', 'EDU'])[1 + n % 5] || '-' || lpad(n::text, 4, '0'),
       (ARRAY['Basic', 'Plus', 'Pro', 'Patron', 'Education'])[1 + n % 5] || ' ' || (2016 + n % 9),
       (ARRAY['month', 'year', 'lifetime'])[1 + (n / 5) % 3],
       CASE WHEN n % 5 = 4 THEN 0 ELSE 3 + (n * 7919) % 300 + 0.99 END,
       CASE WHEN n % 5 = 4 OR n % 3 = 0 THEN NULL ELSE ((n * 13) % 3)::numeric END,
       date '2016-01-01' + n * 13,
       CASE WHEN n <= 150 THEN date '2016-01-01' + n * 13 + 30 + (n * 7) % 700 END
FROM generate_series(1, 200) AS n;

INSERT INTO users (user_id, username, email, tier_id, created_at, last_login_at)
SELECT n,
       (ARRAY['ada', 'bob', 'cleo', 'dev', 'emi', 'finn', 'gia', 'hugo'])[1 + n % 8] || '_' || n,
       CASE WHEN n % 97 = 0 THEN 'USER' || n || '@EXAMPLE.COM'  -- legacy upper-case import
            ELSE 'user' || n || '@mail.example.net' END,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1 + (n * 37) % 200 END,
       timestamptz '2016-03-01 00:00+00' + n * interval '1 day 6 hours',
       CASE WHEN n % 7 = 0 THEN NULL
            ELSE timestamptz '2016-03-01 00:00+00' + n * interval '1 day 6 hours' + (n % 400) * interval '1 day' END
FROM generate_series(1, 1500) AS n;

INSERT INTO user_profiles (user_id, display_name, bio, website, birth_year)
SELECT n,
       (ARRAY['Ada L.', 'Bob', 'Cléo', 'Dev', 'Emi S.', 'Finn', 'Gia', 'Hugo'])[1 + n % 8],
       CASE WHEN n % 4 = 0 THEN NULL ELSE 'Writes about ' || (ARRAY['databases', 'gardening', 'travel', 'synths'])[1 + n % 4] END,
       CASE WHEN n % 5 = 0 THEN 'https://blog' || n || '.example.org' END,
       CASE WHEN n % 6 = 0 THEN NULL ELSE 1950 + (n * 7) % 55 END
FROM generate_series(1, 1500) AS n
WHERE n % 4 <> 3;

INSERT INTO tags (tag_id, name, code)
SELECT n,
       (ARRAY['postgres', 'python', 'cooking', 'travel', 'music', 'design', 'security', 'career', 'hardware', 'garden'])[1 + n % 10]
           || CASE WHEN n > 10 THEN '-' || n ELSE '' END,
       upper(substr((ARRAY['postgres', 'python', 'cooking', 'travel', 'music', 'design', 'security', 'career', 'hardware', 'garden'])[1 + n % 10], 1, 3))
FROM generate_series(1, 200) AS n;

WITH words AS (
    SELECT ARRAY['index', 'query', 'vacuum', 'planner', 'garden', 'tomato', 'espresso', 'guitar',
                 'synth', 'travel', 'lisbon', 'kyoto', 'release', 'bugfix', 'deploy', 'backup',
                 'replica', 'latency', 'recipe', 'sourdough', 'mountain', 'river', 'camera', 'lens'] AS w
), generated AS (
    SELECT n,
           initcap(w[1 + n % 24]) || ' and ' || w[1 + (n * 7) % 24] || ' ' || (n % 50 + 1) AS title,
           (SELECT string_agg(w[1 + ((n * 7919 + k * 104729 + k * k * 31) % 1009) % 24], ' ' ORDER BY k)
              FROM generate_series(1, 20 + n % 60) AS k) AS body,
           20 + n % 60 AS words
    FROM generate_series(1, 1500) AS n, words
)
INSERT INTO posts (post_id, author_id, title, slug, body, keywords, status, published_at, word_count, wp_post_id)
SELECT n,
       1 + (n * 7919) % 1500,
       title,
       lower(replace(title, ' ', '-')) || '-' || n,
       body,
       array_to_tsvector(ARRAY[split_part(title, ' ', 1), split_part(title, ' ', 3)]),
       CASE WHEN n % 10 = 0 THEN 'draft' WHEN n % 13 = 0 THEN 'archived' WHEN n <= 120 THEN 'wp_import'
            ELSE 'published' END,
       CASE WHEN n % 10 = 0 THEN NULL
            WHEN n <= 120 AND n % 2 = 0 THEN NULL           -- imported without a date
            ELSE timestamptz '2016-06-01 08:00+00' + n * interval '2 days 1 hour' END,
       CASE WHEN n <= 120 THEN 0 ELSE words END,         -- the importer never counted
       CASE WHEN n <= 400 THEN 31000 + n * 17 END
FROM generated;

INSERT INTO post_tags (post_id, tag_id)
SELECT 1 + (n - 1) / 2, 1 + (n * 7919 + (n % 2) * 100) % 200
FROM generate_series(1, 3000) AS n;

-- top-level comments first, then replies to them (triggers fill body_tsv and notifications)
INSERT INTO comments (comment_id, post_id, author_id, parent_comment_id, body, rating, created_at)
SELECT n,
       1 + (n * 389) % 1500,
       CASE WHEN n % 9 = 0 THEN NULL ELSE 1 + (n * 7919) % 1500 END,
       NULL,
       (ARRAY['Great write-up, thanks!', 'The vacuum section saved my weekend.', 'Does this work on replicas?',
              'Tried the sourdough recipe, too salty.', 'Lisbon in spring is lovely.', 'First!'])[1 + n % 6],
       CASE WHEN n % 4 = 0 THEN NULL ELSE 1 + (n * 7) % 5 END,
       timestamptz '2016-06-05 10:00+00' + n * interval '23 hours'
FROM generate_series(1, 3000) AS n;

INSERT INTO comments (comment_id, post_id, author_id, parent_comment_id, body, rating, created_at)
SELECT 3000 + n, c.post_id,
       CASE WHEN n % 11 = 0 THEN NULL ELSE 1 + (n * 211) % 1500 END,
       c.comment_id,
       (ARRAY['Agreed.', 'Not on 9.6, no.', 'Which lens did you use?', 'Source?'])[1 + n % 4],
       NULL,
       c.created_at + (1 + n % 48) * interval '1 hour'
FROM generate_series(1, 1500) AS n
JOIN comments c ON c.comment_id = 2 * n;

-- explicit ids were inserted: move the identity sequences past them
ALTER TABLE comments ALTER COLUMN comment_id RESTART WITH 4501;
ALTER TABLE posts ALTER COLUMN post_id RESTART WITH 1501;
ALTER TABLE users ALTER COLUMN user_id RESTART WITH 1501;

-- a stale read state: old notifications marked read
UPDATE notifications SET read_at = created_at + interval '2 hours' WHERE notification_id % 3 <> 0;

ANALYZE;
