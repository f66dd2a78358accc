-- The implementers with bookings, in the order spending_cents.sql numbers them (from 0).
select distinct implementer_id from spending_daily order by implementer_id
