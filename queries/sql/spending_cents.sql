-- Every implementer's bookings summed per day and cost category, in whole cents: the raw material
-- of the running totals in queries/spending.py, read once per data set. Implementers and categories
-- come as numbers (`implementer` in the order spending_implementers.sql lists them, `category` the
-- position in $categories, from 0): a national set's 1.4 M rows coded in pandas took 1.2 s. The day
-- as a timestamp: a date reaches numpy as one Python object per row.
with

implementer_numbers as (
    select implementer_id, (dense_rank() over (order by implementer_id) - 1)::integer as implementer
    from (select distinct implementer_id from spending_daily)
)

select
    n.implementer,
    (list_position($categories, d.cost_category) - 1)::integer as category,
    d.day::timestamp as day,
    (d.amount_eur * 100)::bigint as cents
from spending_daily d
join implementer_numbers n using (implementer_id)
