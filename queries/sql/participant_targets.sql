-- Participant targets of the 12.2 table for exactly this scope (NULL = the whole project).
select labour_market_status, age_group, gender, target
from targets
where version = $version
  and indicator = 'participants' and implementer_id is not distinct from $implementer and day_type is null
