-- The plan's indicator targets set for exactly this scope: the whole project when $implementer is
-- NULL, else that implementer. Empty dimension cells mean "all".
select indicator, labour_market_status, age_group, gender, day_type, target
from targets
where version = $version
  and implementer_id is not distinct from $implementer
