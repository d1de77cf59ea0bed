-- Indexes serving every filter and sort of GET /api/v1/listings. Each sort has a (filter, sort key,
-- listing_key) index so keyset pagination reads only the rows of one page. Separate file from V1 so
-- that the bulk seeder can load rows first and build these afterwards (faster than maintaining them).

CREATE INDEX listings_newest      ON listings (listing_contract_date DESC, listing_key);
CREATE INDEX listings_price       ON listings (list_price, listing_key);
CREATE INDEX listings_city_newest ON listings (state_or_province, lower(city), listing_contract_date DESC, listing_key);
CREATE INDEX listings_city_price  ON listings (state_or_province, lower(city), list_price, listing_key);
CREATE INDEX listings_postal      ON listings (postal_code, listing_contract_date DESC, listing_key);
CREATE INDEX listings_h3_r7       ON listings (h3_r7, listing_contract_date DESC, listing_key);
CREATE INDEX listings_h3_r9       ON listings (h3_r9);
CREATE INDEX listings_geo         ON listings USING gist (point(longitude, latitude));
CREATE INDEX listings_text        ON listings USING gin (search_text);
CREATE INDEX listings_agent       ON listings (list_agent_key);
