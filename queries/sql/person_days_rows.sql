-- Person-days summed per key (person_days_keys) and day, in day order: read once per data set.
select k.key, d.day::timestamp as day, d.days  -- a timestamp reaches numpy as one, a date as objects
from person_days_daily d
join person_days_keys k
  on k.implementer_id = d.implementer_id
 and coalesce(k.municipality, chr(0)) = coalesce(d.municipality, chr(0))  -- no municipality matches none
 and k.day_type = d.day_type
order by d.day, k.key
