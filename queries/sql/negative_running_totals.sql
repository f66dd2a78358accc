-- Corrections (negative bookings) up to $as_of after which their category's running total, in
-- booking order, is below zero: a refund or reversal larger than what had been booked.
select date, implementer_id, cost_category, amount_eur, voucher_id, running_eur
from overdrawn_bookings
where date <= $as_of::date
  and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
order by all  -- a total order: a scope narrowed from every implementer's answer keeps it
