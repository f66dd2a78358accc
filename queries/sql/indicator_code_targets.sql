-- (v2) Targets set for an indicator code of the programme (EECO07, ...) for exactly this scope:
-- the whole project when $implementer is NULL, else that implementer.
select indicator, target
from targets
where version = $version
  and implementer_id is not distinct from $implementer
  and indicator not in ('participants', 'person_days')
