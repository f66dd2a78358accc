-- Bookings dated before the project start or after its end in plan version $version (up to $as_of).
select s.date, s.implementer_id, s.cost_category, s.amount_eur::double as amount_eur, s.voucher_id
from bookings_outside_plan s, project p, plan_versions v
where v.version = $version
  and (s.date < p.start_date or s.date > v.end_date)
  and s.date <= $as_of::date
  and implementer_in_scope(s.implementer_id, $implementer, $region, $municipalities)
order by all  -- a total order: a scope narrowed from every implementer's answer keeps it
