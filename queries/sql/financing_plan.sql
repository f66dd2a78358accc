-- The financing plan per implementer, source and funder, all years together (plan version $version).
select implementer_id, source, funder, sum(amount_eur)::double as amount_eur
from financing
where version = $version
  and implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
group by all
order by implementer_id, source, funder
