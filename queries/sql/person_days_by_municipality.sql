-- Person-days per municipality in scope up to $as_of (rows without a municipality are left out).
select municipality, sum(days)::double as days
from person_days_to($as_of::date)
where municipality is not null
  and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
group by municipality
order by municipality
