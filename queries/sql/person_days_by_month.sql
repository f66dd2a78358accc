-- Person-days per implementer in scope, month and day type up to $as_of.
select implementer_id, date_trunc('month', day)::date as month, day_type, sum(days)::double as days
from person_days_to($as_of::date)
where row_in_scope(implementer_id, municipality, $implementer, $region, $municipalities)
group by all
order by implementer_id, month, day_type
