-- The plan's budget per implementer, year and category (flat rate and revenue included), in plan
-- version $version.
select implementer_id, year, cost_category, amount_eur::double as amount_eur
from budget
where version = $version
  and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
order by implementer_id, year, cost_category
