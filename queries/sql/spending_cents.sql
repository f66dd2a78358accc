-- Every implementer's bookings summed per day and cost category, in whole cents: the raw material
-- of the running totals in queries/spending.py, read once per data set. The day as a timestamp: a
-- date reaches numpy as one Python object per row.
select implementer_id, day::timestamp as day, cost_category, (amount_eur * 100)::bigint as cents
from spending_daily
