-- Person-days per implementer in scope, month and day type up to $as_of.
select implementer_id, date_trunc('month', date)::date as month, day_type, sum(days)::double as days
from person_days
where date <= $as_of::date
  and row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
group by all
order by implementer_id, month, day_type
