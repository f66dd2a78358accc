-- Every implementer's bookings summed per day and cost category, in whole cents: the raw material
-- of the running totals in queries/spending.py, read once per data set.
select implementer_id, day, cost_category, (amount_eur * 100)::bigint as cents
from spending_daily
