-- A city filter without a state cannot use the (state_or_province, lower(city), ...) indexes of V2:
-- PostgreSQL 17 has no skip scan, so such a search walked the whole newest or price index
-- (220 ms on 500k listings). This index finds the city's rows directly (0.5 ms); the planner then
-- sorts the few hundred rows of one city. City with state still uses the V2 composite indexes.
CREATE INDEX listings_city_any_state ON listings (lower(city));
