-- The implementers whose spending a scope covers (spending is booked per implementer).
select implementer_id
from implementers
where implementer_in_scope(implementer_id, $implementer, $region, $municipalities)
order by implementer_id
