-- The keys of the person-day running sums (see derived.sql), in key order.
select key, implementer_id, municipality, day_type from person_days_keys order by key
