-- Total targets (no breakdown) for participants and person-days, project-wide and per implementer.
select indicator, implementer_id, target
from targets
where version = $version
  and labour_market_status is null and age_group is null and gender is null and day_type is null
